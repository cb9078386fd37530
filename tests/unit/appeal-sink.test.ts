// The two sinks of the pipeline (etl/appeal-sink.ts) on real portal records: appeals streamed into
// DuckDB must read back as the ones kept in memory, days to the as-of time included.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { BulkDatabase } from '../../etl/bulk/database.ts';
import type { Config, SourceConfig } from '../../etl/config.ts';
import { loadRegion, type Region } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { DEFAULT_EFFECTS, runSource, type SourceResult } from '../../etl/pipeline.ts';
import type { Appeal, StatusEvent } from '../../etl/schema.ts';
import { SPB_SLICE, testConfig } from '../helpers/fixtures.ts';
import { plainRow } from '../helpers/snapshot.ts';

interface Streamed {
  result: SourceResult;
  appeals: Appeal[];
  events: StatusEvent[];
  /** Appeals whose days open were left to the as-of time. */
  openDays: number;
  /** Appeal ids in the order of the appeals view. */
  order: string[];
}

let config: Config & { cleanup: () => void };
let region: Region;

beforeAll(() => {
  config = testConfig();
  region = loadRegion(config.regions[0]);
});

afterAll(() => config.cleanup());

async function stream(source: SourceConfig): Promise<Streamed> {
  const database = await BulkDatabase.open();
  try {
    const result = await runSource(config, source, region, createMemoryLogger(), DEFAULT_EFFECTS, { database: async () => database });
    const tables = result.bulk!;
    const read = async <T,>(sql: string) => (await database.rows<Record<string, unknown>>(sql)).map((row) => plainRow<T>(row));
    const [{ open }] = await database.rows<{ open: number }>(`SELECT count(*)::INTEGER AS open FROM ${tables.appeals.replace(/_appeals$/, '_streamed_appeals')} WHERE days_open IS NULL`);
    return {
      result,
      appeals: await read<Appeal>(`SELECT * FROM ${tables.appeals} ORDER BY appeal_id`),
      events: await read<StatusEvent>(`SELECT * FROM ${tables.events} ORDER BY appeal_id, sequence`),
      openDays: open,
      order: (await database.rows<{ appeal_id: string }>(`SELECT appeal_id FROM ${tables.appeals}`)).map((row) => row.appeal_id),
    };
  } finally {
    database.close();
  }
}

/** Orders texts as DuckDB orders VARCHAR: by code point, which matches code units for these names and ids. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const byId = <T extends { appeal_id: string }>(items: readonly T[]) => [...items].sort((a, b) => compareText(a.appeal_id, b.appeal_id));
const byIdAndSequence = (events: readonly StatusEvent[]) => [...events].sort((a, b) => compareText(a.appeal_id, b.appeal_id) || a.sequence - b.sequence);

describe.each([
  ['the as-of time of the latest event', null],
  ['a configured as-of time', '2021-01-15T00:00:00+03:00'],
])('database sink on the portal slice with %s', (_name, asOf) => {
  let memory: SourceResult;
  let streamed: Streamed;

  beforeAll(async () => {
    const source: SourceConfig = { ...config.sources[0], files: [SPB_SLICE], asOf };
    memory = await runSource(config, source, region, createMemoryLogger());
    streamed = await stream(source);
  });

  test('leaves some days open to the as-of time', () => {
    expect(streamed.openDays).toBeGreaterThan(0);
  });

  test('gives the appeals kept in memory', () => {
    expect(streamed.appeals).toEqual(byId(memory.appeals));
  });

  test('gives the events kept in memory', () => {
    expect(streamed.events).toEqual(byIdAndSequence(memory.events));
  });

  test('keeps no appeal in memory', () => {
    expect(streamed.result.appeals).toEqual([]);
  });

  test('gives the same counts', () => {
    expect(streamed.result.counts).toEqual(memory.counts);
  });

  test('gives the same as-of time', () => {
    expect(streamed.result.asOf).toBe(memory.asOf);
  });

  test('gives the same period', () => {
    expect(streamed.result.period).toEqual(memory.period);
  });

  test('lists the appeals by district, creation time and id', () => {
    const sorted = [...memory.appeals]
      .sort((a, b) => compareText(a.district ?? '\uffff', b.district ?? '\uffff') || a.created_at - b.created_at || compareText(a.appeal_id, b.appeal_id))
      .map((appeal) => appeal.appeal_id);
    expect(streamed.order).toEqual(sorted);
  });
});

describe('database sink after a failed read', () => {
  test('drops the tables of the source', async () => {
    const database = await BulkDatabase.open();
    try {
      const source: SourceConfig = { ...config.sources[0], files: [SPB_SLICE, `${SPB_SLICE}.missing`] };
      await runSource(config, source, region, createMemoryLogger(), DEFAULT_EFFECTS, { database: async () => database }).catch(() => null);
      expect(await database.rows(`SELECT table_name FROM duckdb_tables()`)).toEqual([]);
    } finally {
      database.close();
    }
  });
});
