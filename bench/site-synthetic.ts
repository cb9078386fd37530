// Writes a SYNTHETIC snapshot for the site benchmark: N appeals shaped like a real snapshot. Each
// synthetic appeal copies a real appeal drawn by a seeded generator and moves all its instants
// back by a random 0–72 hours. District, okrug, category, rubric, agency, status, grid cell and
// durations so stay jointly distributed as in the real data. Ids start with "SYN" and the source is
// "synthetic-benchmark", so the rows can never pass for real ones. The folder lives in a temporary
// directory and is never mixed into the real snapshots.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EXPLORER_FACTS_FILE, FACET_VALUES_FILE, writeExplorerFiles } from '../etl/explorer-files.ts';
import { openDatabase, sqlString } from '../etl/lib/duckdb.ts';
import { mulberry32 } from './random.ts';

export const SYNTHETIC_SOURCE = 'synthetic-benchmark';

export interface SyntheticOptions {
  /** Folder of the real snapshot to sample from. */
  realSnapshot: string;
  /** Folder that receives `<id>/` and `latest.json`. */
  outDir: string;
  rows: number;
  seed: number;
  /** Parquet row group size, as the ETL's `ROW_GROUP_SIZE`. */
  rowGroupSize: number;
  /** ORDER BY of appeals.parquet, as the ETL writes it by default. */
  orderBy: string;
}

export const DEFAULT_ORDER = 'region, district, created_at, appeal_id';

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const MAX_SHIFT_MS = 72 * 3_600_000;

/** Writes the synthetic snapshot and returns its id and folder. */
export async function writeSyntheticSnapshot(options: SyntheticOptions): Promise<{ id: string; directory: string }> {
  const realManifest = JSON.parse(fs.readFileSync(path.join(options.realSnapshot, 'manifest.json'), 'utf8'));
  const id = String(realManifest.snapshot ?? path.basename(options.realSnapshot));
  const directory = path.join(options.outDir, id);
  fs.rmSync(directory, { recursive: true, force: true });
  fs.mkdirSync(directory, { recursive: true });

  const { instance, connection } = await openDatabase();
  try {
    const appealsFile = path.join(options.realSnapshot, 'appeals.parquet');
    const eventsFile = path.join(options.realSnapshot, 'status_events.parquet');
    await connection.run(`CREATE TABLE real_appeals AS SELECT row_number() OVER (ORDER BY source, appeal_id) - 1 AS template, * FROM read_parquet(${sqlString(appealsFile)})`);
    const realCount = Number((await connection.runAndReadAll('SELECT count(*) FROM real_appeals')).getRows()[0][0]);
    const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(appealsFile)})`)).getRowObjectsJS().map((row) => String(row.column_name));

    // The seeded draws: which real appeal each synthetic one copies, and how far it moves back.
    await connection.run('CREATE TABLE draws (i INTEGER, template INTEGER, shift_ms BIGINT)');
    const appender = await connection.createAppender('draws');
    const random = mulberry32(options.seed);
    for (let i = 0; i < options.rows; i++) {
      appender.appendInteger(i);
      appender.appendInteger(Math.floor(random() * realCount));
      appender.appendBigInt(BigInt(Math.floor(random() * MAX_SHIFT_MS)));
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();

    const shifted = (column: string) => `r.${column} - to_milliseconds(d.shift_ms)`;
    const select = columns.map((column) => {
      switch (column) {
        case 'appeal_id':
          return `printf('SYN%07d', d.i) AS appeal_id`;
        case 'source':
          return `${sqlString(SYNTHETIC_SOURCE)} AS source`;
        case 'created_at':
        case 'first_answer_at':
        case 'final_answer_at':
        case 'closed_at':
        case 'deadline_at':
          return `${shifted(column)} AS ${column}`;
        case 'days_open':
          // Open appeals stay open until the unchanged as-of time, so they are open longer.
          return `CASE WHEN r.closed_at IS NULL THEN r.days_open + d.shift_ms / 86400000.0 ELSE r.days_open END AS days_open`;
        default:
          return `r.${column}`;
      }
    });
    await connection.run(`CREATE TABLE synthetic AS SELECT ${select.join(', ')} FROM draws d JOIN real_appeals r USING (template)`);
    await connection.run(
      `COPY (SELECT * FROM synthetic ORDER BY ${options.orderBy}) TO ${sqlString(path.join(directory, 'appeals.parquet'))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${options.rowGroupSize})`,
    );

    await connection.run(
      `COPY (SELECT printf('SYN%07d', d.i) AS appeal_id, ${sqlString(SYNTHETIC_SOURCE)} AS source, e.sequence, e.at - to_milliseconds(d.shift_ms) AS at, e.kind, e.status, e.status_original
        FROM draws d JOIN real_appeals r USING (template) JOIN read_parquet(${sqlString(eventsFile)}) e ON e.source = r.source AND e.appeal_id = r.appeal_id
        ORDER BY source, appeal_id, sequence)
      TO ${sqlString(path.join(directory, 'status_events.parquet'))} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 100000)`,
    );
    const eventCount = Number((await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(path.join(directory, 'status_events.parquet'))})`)).getRows()[0][0]);

    // The other files (aggregates, boundaries, polls) are the real snapshot's, so the site builds;
    // its home and district pages show the real aggregates, and only the explorer reads the rows.
    for (const entry of fs.readdirSync(options.realSnapshot)) {
      if (['appeals.parquet', 'status_events.parquet', 'manifest.json', FACET_VALUES_FILE, EXPLORER_FACTS_FILE].includes(entry)) continue;
      fs.cpSync(path.join(options.realSnapshot, entry), path.join(directory, entry), { recursive: true });
    }

    await connection.run(`CREATE VIEW appeals AS SELECT * FROM read_parquet(${sqlString(path.join(directory, 'appeals.parquet'))})`);
    await writeExplorerFiles(directory, connection);

    const rowsOf: Record<string, number> = { 'appeals.parquet': options.rows, 'status_events.parquet': eventCount, [EXPLORER_FACTS_FILE]: options.rows };
    const manifest = {
      ...realManifest,
      synthetic: true,
      note: `SYNTHETIC benchmark data: ${options.rows} appeals sampled from snapshot ${id} with seed ${options.seed}. Not real appeals.`,
      createdAt: new Date().toISOString(),
      counts: { read: options.rows, accepted: options.rows, rejected: 0, duplicates: 0 },
      sources: (realManifest.sources ?? []).map((source: Record<string, unknown>) => ({
        ...source,
        id: SYNTHETIC_SOURCE,
        title: { ru: 'СИНТЕТИЧЕСКИЕ данные для замера', en: 'SYNTHETIC benchmark data' },
      })),
      files: (realManifest.files as { path: string; rows: number | null }[]).map((file) => {
        const filePath = path.join(directory, file.path);
        return { ...file, bytes: fs.statSync(filePath).size, sha256: sha256(filePath), rows: rowsOf[file.path] ?? file.rows };
      }),
    };
    fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify(manifest));
    fs.writeFileSync(path.join(options.outDir, 'latest.json'), JSON.stringify({ snapshot: id }) + '\n');
    return { id, directory };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
