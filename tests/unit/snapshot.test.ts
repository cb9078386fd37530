import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createMemoryLogger } from '../../etl/lib/log.ts';
import { runAllSources, runSource } from '../../etl/pipeline.ts';
import { publishedPath, readLatest, sha256, writeSnapshot } from '../../etl/snapshot.ts';
import { APPEAL_COLUMNS, STATUS_EVENT_COLUMNS } from '../../etl/schema.ts';
import { openDatabase } from '../../etl/lib/duckdb.ts';
import type { Manifest } from '../../etl/aggregates-types.ts';
import { POLL_COLUMNS, POLL_OPTION_RESULT_COLUMNS } from '../../etl/polls/schema.ts';
import { buildTestSnapshot, FIXED_NOW } from '../helpers/snapshot.ts';

let built: Awaited<ReturnType<typeof buildTestSnapshot>>;
let manifest: Manifest;

beforeAll(async () => {
  built = await buildTestSnapshot();
  manifest = JSON.parse(readFileSync(join(built.snapshot.directory, 'manifest.json'), 'utf8'));
});

afterAll(() => built.config.cleanup());

async function parquetColumns(path: string): Promise<string[]> {
  const { instance, connection } = await openDatabase();
  const reader = await connection.runAndReadAll(`SELECT name FROM parquet_schema('${path}') WHERE name <> 'duckdb_schema'`);
  const names = reader.getRowsJson().map(([name]) => String(name));
  connection.closeSync();
  instance.closeSync();
  return names;
}

describe('snapshot writer', () => {
  test('names the snapshot by the Moscow date', () => {
    expect(built.snapshot.id).toBe('2026-12-04');
  });

  test('points latest at the new snapshot', () => {
    expect(readLatest(built.config.snapshots.directory)).toBe('2026-12-04');
  });

  test('records a sha256 for every file', () => {
    const mismatched = manifest.files.filter((file) => sha256(join(built.snapshot.directory, file.path)) !== file.sha256);
    expect(mismatched).toEqual([]);
  });

  test('records row counts of the tables', () => {
    const appeals = manifest.files.find((file) => file.path === 'appeals.parquet');
    expect(appeals?.rows).toBe(2000);
  });

  test('records read, accepted and rejected counts', () => {
    expect(manifest.counts).toEqual({ read: 2000, accepted: 2000, rejected: 0, duplicates: 0 });
  });

  test('records the source licence and attribution', () => {
    expect(manifest.sources[0].attribution.ru).toContain('Наш Санкт-Петербург');
  });

  test('records the coverage the configuration gives the source', () => {
    expect(manifest.sources[0].coverage?.notice?.ru).toMatch(/^Это выборка/);
  });

  test('records the source file hash', () => {
    expect(manifest.sources[0].files[0].sha256).toBe(sha256(built.config.sources[0].files[0]));
  });

  test('records the as-of rule', () => {
    expect(manifest.sources[0].asOfRule).toBe('latest_event');
  });

  test('documents every appeals column', async () => {
    const columns = await parquetColumns(join(built.snapshot.directory, 'appeals.parquet'));
    expect(columns).toEqual(APPEAL_COLUMNS.map((column) => column.name));
  });

  test('documents every status event column', async () => {
    const columns = await parquetColumns(join(built.snapshot.directory, 'status_events.parquet'));
    expect(columns).toEqual(STATUS_EVENT_COLUMNS.map((column) => column.name));
  });

  test('documents every poll column', async () => {
    const columns = await parquetColumns(join(built.snapshot.directory, 'polls.parquet'));
    expect(columns).toEqual(POLL_COLUMNS.map((column) => column.name));
  });

  test('documents every poll result column', async () => {
    const columns = await parquetColumns(join(built.snapshot.directory, 'poll_results.parquet'));
    expect(columns).toEqual(POLL_OPTION_RESULT_COLUMNS.map((column) => column.name));
  });

  test('writes aggregates for 18 districts', () => {
    const aggregates = JSON.parse(readFileSync(join(built.snapshot.directory, 'aggregates.json'), 'utf8'));
    expect(aggregates.regions[0].districts).toHaveLength(18);
  });

  test('writes 18 simplified boundaries', () => {
    const boundaries = JSON.parse(readFileSync(join(built.snapshot.directory, 'boundaries/spb.geojson'), 'utf8'));
    expect(boundaries.features).toHaveLength(18);
  });

  test('gives a second run on the same date a new folder', async () => {
    const { regions, results } = await runAllSources(built.config, createMemoryLogger());
    const second = await writeSnapshot(built.config, regions, results, FIXED_NOW, createMemoryLogger());
    expect(second.id).toBe('2026-12-04-2');
  });
});

describe('failed snapshot run', () => {
  test('leaves the published snapshot and pointer untouched', async () => {
    const root = built.config.snapshots.directory;
    const before = readLatest(root);
    const { regions, results } = await runAllSources(built.config, createMemoryLogger());
    // runAllSources leaves the appeals in DuckDB; a source read into memory gives one to spoil.
    const [appeal] = (await runSource(built.config, built.config.sources[0], regions.get('spb')!, createMemoryLogger())).appeals;
    const broken = results.map((result) => ({ ...result, appeals: [{ ...appeal, created_at: null as unknown as number }] }));

    await expect(writeSnapshot(built.config, regions, broken, FIXED_NOW + 86_400_000, createMemoryLogger())).rejects.toThrow();
    expect(readLatest(root)).toBe(before);
  });

  test('publishes no folder for the failed date', () => {
    expect(existsSync(join(built.config.snapshots.directory, '2026-12-05'))).toBe(false);
  });

  test('the next run removes the unfinished folder', async () => {
    const root = built.config.snapshots.directory;
    const { regions, results } = await runAllSources(built.config, createMemoryLogger());
    await writeSnapshot(built.config, regions, results, FIXED_NOW + 86_400_000, createMemoryLogger());
    expect(readdirSync(root).filter((entry) => entry.startsWith('.incomplete-'))).toEqual([]);
  });
});

describe('snapshot without polls', () => {
  let directory: string;

  beforeAll(async () => {
    const config = { ...built.config, polls: undefined };
    const { regions, results } = await runAllSources(config, createMemoryLogger());
    directory = (await writeSnapshot(config, regions, results, FIXED_NOW + 2 * 86_400_000, createMemoryLogger())).directory;
  });

  test('writes a poll summary with no poll', () => {
    expect(JSON.parse(readFileSync(join(directory, 'polls.json'), 'utf8')).polls).toEqual([]);
  });

  test('writes an empty okrug layer', () => {
    expect(JSON.parse(readFileSync(join(directory, 'poll_okrugs.geojson'), 'utf8')).features).toEqual([]);
  });
});

describe('publishedPath', () => {
  test('keeps a path inside the project', () => {
    expect(publishedPath('/srv/open-district', '/srv/open-district/data/appeals.jsonl')).toBe('data/appeals.jsonl');
  });

  test('gives only the name of a file elsewhere', () => {
    expect(publishedPath('/srv/open-district', '/home/admin/exports/appeals.csv')).toBe('appeals.csv');
  });
});
