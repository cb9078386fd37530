// Astro integration that publishes the ETL's snapshots beside the pages. After a build it copies
// every snapshot folder into `dist/snapshots/` and writes `latest.json` (the snapshot the build
// shows) and `index.json` (every kept snapshot). The Parquet, CSV and GeoJSON files can then be
// downloaded and queried from the site's own origin. During `astro dev` it serves the
// same files from the snapshots folder under `/snapshots/`.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSnapshotId, resolveSnapshotsDir } from './snapshots-dir.mjs';
import { readSnapshotIndex } from '../src/lib/archive.ts';

const CONTENT_TYPES = {
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
};

/**
 * Lists snapshot folders: directories with a `manifest.json`, skipping hidden work folders, and,
 * when OPEN_DISTRICT_SNAPSHOT_IDS names the snapshots that a publish keeps, only those.
 */
function listSnapshotFolders(snapshotsDir) {
  const only = process.env.OPEN_DISTRICT_SNAPSHOT_IDS ? new Set(process.env.OPEN_DISTRICT_SNAPSHOT_IDS.split(',')) : null;
  return fs
    .readdirSync(snapshotsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .filter((entry) => only === null || only.has(entry.name))
    .filter((entry) => fs.existsSync(path.join(snapshotsDir, entry.name, 'manifest.json')))
    .map((entry) => entry.name);
}

export default function snapshotsIntegration() {
  const snapshotsDir = resolveSnapshotsDir();

  return {
    name: 'open-district-snapshots',
    hooks: {
      'astro:config:setup': ({ addWatchFile }) => {
        addWatchFile(path.join(snapshotsDir, 'latest.json'));
      },

      'astro:server:setup': ({ server }) => {
        server.middlewares.use('/snapshots', (request, response, next) => {
          const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
          if (pathname === '/index.json') {
            response.setHeader('Content-Type', CONTENT_TYPES['.json']);
            response.end(JSON.stringify(readSnapshotIndex(snapshotsDir, resolveSnapshotId(snapshotsDir))) + '\n');
            return;
          }
          const filePath = path.resolve(snapshotsDir, `.${pathname}`);
          const insideSnapshots = filePath.startsWith(snapshotsDir + path.sep);
          if (!insideSnapshots || !fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) {
            next();
            return;
          }
          response.setHeader('Content-Type', CONTENT_TYPES[path.extname(filePath)] ?? 'application/octet-stream');
          fs.createReadStream(filePath).pipe(response);
        });
      },

      'astro:build:done': ({ dir, logger }) => {
        const current = resolveSnapshotId(snapshotsDir);

        const target = path.join(fileURLToPath(dir), 'snapshots');
        fs.mkdirSync(target, { recursive: true });
        const folders = listSnapshotFolders(snapshotsDir);
        for (const folder of folders) {
          fs.cpSync(path.join(snapshotsDir, folder), path.join(target, folder), { recursive: true });
        }
        // The built site's latest.json names the snapshot it was built for, which during publish
        // and rollback is not yet the one the source folder's latest.json names.
        fs.writeFileSync(path.join(target, 'latest.json'), JSON.stringify({ snapshot: current }) + '\n');
        fs.writeFileSync(path.join(target, 'index.json'), JSON.stringify(readSnapshotIndex(snapshotsDir, current)) + '\n');
        logger.info(
          `Скопировано папок снимков: ${folders.length}, из ${snapshotsDir} в ${target}; latest.json называет ${current}; записан index.json · ` +
            `Snapshot folders copied: ${folders.length}, from ${snapshotsDir} to ${target}; latest.json names ${current}; index.json written`,
        );
      },
    },
  };
}
