// Files of a snapshot that only the explorer reads. `facet_values.json` lists the distinct values
// of the columns the explorer filters by, and the range of creation times. `explorer_facts.parquet`
// repeats the explorer's columns of appeals.parquet with each text value replaced by its position
// in that list, in creation order. The browser loads the small integers several times faster than
// the text, and needs no sort.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import { sqlString } from './lib/duckdb.ts';

/** Text columns of appeals.parquet that the explorer offers as facets. */
export const FACET_COLUMNS = ['region', 'district', 'municipality', 'category', 'rubric', 'agency', 'status'] as const;

export type FacetColumn = (typeof FACET_COLUMNS)[number];

export const FACET_VALUES_FILE = 'facet_values.json';
export const EXPLORER_FACTS_FILE = 'explorer_facts.parquet';

export interface FacetValues {
  /** Earliest and latest creation instant (ISO 8601, UTC) of the appeals; null without appeals. */
  created: { from: string; to: string } | null;
  /** Non-null values of each column, in DuckDB's text order (bytes of UTF-8). */
  facets: Record<FacetColumn, string[]>;
}

/** Reads the facet values of the `appeals` table or view. */
export async function readFacetValues(connection: DuckDBConnection): Promise<FacetValues> {
  const facets = {} as Record<FacetColumn, string[]>;
  for (const column of FACET_COLUMNS) {
    const reader = await connection.runAndReadAll(`SELECT DISTINCT "${column}"::VARCHAR AS value FROM appeals WHERE "${column}" IS NOT NULL ORDER BY 1`);
    facets[column] = reader.getRowsJS().map((row) => String(row[0]));
  }

  const reader = await connection.runAndReadAll(
    `SELECT strftime(min(created_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS first, strftime(max(created_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS last FROM appeals`,
  );
  const [first, last] = reader.getRowsJS()[0] as [string | null, string | null];
  return { created: first && last ? { from: first, to: last } : null, facets };
}

/**
 * Writes facet_values.json and explorer_facts.parquet of the `appeals` table or view into a
 * snapshot folder. Returns the rows of the Parquet file.
 */
export async function writeExplorerFiles(directory: string, connection: DuckDBConnection): Promise<number> {
  const values = await readFacetValues(connection);
  writeFileSync(join(directory, FACET_VALUES_FILE), JSON.stringify(values, null, 2) + '\n');

  const codes: string[] = [];
  for (const column of FACET_COLUMNS) {
    const list = values.facets[column];
    // A code is a value's position in the list. USMALLINT has room for 65,536 positions.
    const type = list.length > 65_536 ? 'UINTEGER' : 'USMALLINT';
    if (list.length === 0) {
      codes.push(`NULL::${type} AS "${column}"`);
      continue;
    }
    await connection.run(`CREATE OR REPLACE TYPE explorer_${column}_codes AS ENUM (${list.map(sqlString).join(', ')})`);
    codes.push(`enum_code(CAST("${column}"::VARCHAR AS explorer_${column}_codes))::${type} AS "${column}"`);
  }
  await connection.run(`COPY (SELECT appeal_id, source, ${codes.join(', ')}, overdue, created_at, days_to_first_answer FROM appeals ORDER BY created_at, source, appeal_id)
    TO ${sqlString(join(directory, EXPLORER_FACTS_FILE))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`);
  for (const column of FACET_COLUMNS) await connection.run(`DROP TYPE IF EXISTS explorer_${column}_codes`);

  const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER FROM appeals');
  return Number(reader.getRowsJS()[0][0]);
}
