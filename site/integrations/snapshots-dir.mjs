// Location of the ETL's snapshot folders, shared by the build-time reader and the integration.

import fs from 'node:fs';
import path from 'node:path';

/**
 * Returns the absolute path of the snapshots folder: `OPEN_DISTRICT_SNAPSHOTS` when set (relative
 * paths resolve against the working directory), else `snapshots/` in the working directory, which
 * is the repository root for npm scripts.
 */
export function resolveSnapshotsDir() {
  const configured = process.env.OPEN_DISTRICT_SNAPSHOTS;
  return path.resolve(process.cwd(), configured && configured.trim() !== '' ? configured : 'snapshots');
}

/** Snapshot ids are folder names: a date, with "-2", "-3"… for a second run on the same date. */
const SNAPSHOT_ID = /^\d{4}-\d{2}-\d{2}(-\d+)?$/;

/**
 * Returns the id of the snapshot a build shows: `OPEN_DISTRICT_SNAPSHOT` when set (publish and
 * rollback set it, because they switch `latest.json` only after the build), else the id that
 * `latest.json` names. Throws when the id is invalid or its folder has no `manifest.json`.
 *
 * @param {string} snapshotsDir
 * @returns {string}
 */
export function resolveSnapshotId(snapshotsDir) {
  const selected = process.env.OPEN_DISTRICT_SNAPSHOT?.trim();
  let id = selected;
  if (!id) {
    const pointerPath = path.join(snapshotsDir, 'latest.json');
    if (!fs.existsSync(pointerPath)) {
      throw new Error(`Snapshot pointer latest.json not found: ${pointerPath}. Run "npm run etl -- run" to write a snapshot, or set OPEN_DISTRICT_SNAPSHOTS or OPEN_DISTRICT_SNAPSHOT.`);
    }
    let pointer;
    try {
      pointer = JSON.parse(fs.readFileSync(pointerPath, 'utf8'));
    } catch (error) {
      throw new Error(`latest.json is not valid JSON: ${pointerPath}: ${error.message}`);
    }
    if (typeof pointer?.snapshot !== 'string' || pointer.snapshot === '') {
      throw new Error(`latest.json in ${snapshotsDir} has no "snapshot" string; expected {"snapshot": "<folder name>"}.`);
    }
    id = pointer.snapshot;
  }

  const origin = selected ? 'OPEN_DISTRICT_SNAPSHOT' : 'latest.json';
  if (!SNAPSHOT_ID.test(id)) {
    throw new Error(`Snapshot id "${id}" named by ${origin} is invalid; expected a folder name such as 2026-12-04 or 2026-12-04-2.`);
  }
  const manifestPath = path.join(snapshotsDir, id, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`Snapshot "${id}" named by ${origin} not found: ${manifestPath} does not exist. Name a folder of ${snapshotsDir} that contains manifest.json.`);
  }
  return id;
}
