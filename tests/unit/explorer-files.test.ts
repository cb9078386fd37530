import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

import { EXPLORER_FACTS_FILE, FACET_COLUMNS, FACET_VALUES_FILE, writeExplorerFiles } from '../../etl/explorer-files.ts';
import { openDatabase } from '../../etl/lib/duckdb.ts';
import { buildTestSnapshot } from '../helpers/snapshot.ts';

let built: Awaited<ReturnType<typeof buildTestSnapshot>>;
let database: { instance: DuckDBInstance; connection: DuckDBConnection };
let scratch: string;

beforeAll(async () => {
  built = await buildTestSnapshot();
  database = await openDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'open-district-explorer-files-'));
});

afterAll(() => {
  database.connection.closeSync();
  database.instance.closeSync();
  rmSync(scratch, { recursive: true, force: true });
  built.config.cleanup();
});

/** Writes the explorer files of `appeals` into a new folder and returns the folder. */
async function writeInto(name: string): Promise<string> {
  const directory = join(scratch, name);
  mkdirSync(directory);
  await writeExplorerFiles(directory, database.connection);
  return directory;
}

async function factRows(directory: string): Promise<unknown[][]> {
  return (await database.connection.runAndReadAll(`SELECT * FROM read_parquet('${join(directory, EXPLORER_FACTS_FILE)}')`)).getRowsJson();
}

describe('explorer files (writeExplorerFiles)', () => {
  let text: string;
  let enums: string;

  beforeAll(async () => {
    const { connection } = database;
    await connection.run(`CREATE TABLE appeals_text AS SELECT * FROM read_parquet('${join(built.snapshot.directory, 'appeals.parquet')}')`);
    await connection.run('CREATE VIEW appeals AS SELECT * FROM appeals_text');
    text = await writeInto('text');

    // ENUM columns as the bulk reader leaves them: each lists a value absent from the data first,
    // so that its codes differ from the positions in facet_values.json.
    const casts: string[] = [];
    for (const column of FACET_COLUMNS) {
      await connection.run(`CREATE TYPE test_${column} AS ENUM (SELECT '(absent)' UNION ALL (SELECT DISTINCT "${column}" FROM appeals_text WHERE "${column}" IS NOT NULL ORDER BY 1 DESC))`);
      casts.push(`"${column}"::test_${column} AS "${column}"`);
    }
    await connection.run(`CREATE OR REPLACE VIEW appeals AS SELECT * REPLACE (${casts.join(', ')}) FROM appeals_text`);
    enums = await writeInto('enums');
  });

  test('ENUM columns give the same facet values', () => {
    expect(readFileSync(join(enums, FACET_VALUES_FILE), 'utf8')).toBe(readFileSync(join(text, FACET_VALUES_FILE), 'utf8'));
  });

  test('ENUM columns give the same codes', async () => {
    expect(await factRows(enums)).toEqual(await factRows(text));
  });

  test('codes cover every appeal', async () => {
    expect((await factRows(text)).length).toBe(built.results.reduce((sum, result) => sum + result.counts.accepted, 0));
  });
});
