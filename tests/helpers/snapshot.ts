// Runs the whole ETL into a temporary snapshot folder, and reads published files back as values.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { openDatabase } from '../../etl/lib/duckdb.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { runAllSources } from '../../etl/pipeline.ts';
import { writeSnapshot, type SnapshotResult } from '../../etl/snapshot.ts';
import { parseCsv } from '../../etl/lib/csv.ts';
import { testConfig } from './fixtures.ts';

/** A fixed clock: 4 December 2026, 03:00 Moscow time. */
export const FIXED_NOW = Date.parse('2026-12-04T00:00:00Z');

export async function buildTestSnapshot(files?: string[], now = FIXED_NOW) {
  const config = testConfig(files);
  const logger = createMemoryLogger();
  const { regions, results } = await runAllSources(config, logger);
  const snapshot: SnapshotResult = await writeSnapshot(config, regions, results, now, logger);
  return { config, snapshot, logger, results };
}

export function listSnapshotFiles(directory: string, prefix = ''): string[] {
  return readdirSync(join(directory, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listSnapshotFiles(directory, path) : [path];
  });
}

/** Reads every cell of a Parquet file as text. */
export async function parquetCells(path: string): Promise<string[]> {
  const { instance, connection } = await openDatabase();
  const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
  const cells = reader.getRowsJson().flat().map((value) => (value === null ? '' : String(value)));
  connection.closeSync();
  instance.closeSync();
  return cells;
}

/** Reads every string and number inside a published file as text cells, whatever its format. */
export async function publishedCells(path: string): Promise<string[]> {
  if (path.endsWith('.parquet')) return parquetCells(path);
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.csv')) return parseCsv(text).flat();
  const cells: string[] = [];
  const walk = (value: unknown) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        cells.push(key);
        walk(child);
      }
    } else {
      cells.push(String(value));
    }
  };
  walk(JSON.parse(text));
  return cells;
}

/** Converts a row read from DuckDB to the values the JS pipeline holds: instants as epoch ms. */
export function plainRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.getTime();
    else if (typeof value === 'bigint') out[key] = Number(value);
    else out[key] = value;
  }
  return out as T;
}
