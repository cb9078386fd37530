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

/**
 * Reads the facet values of the `appeals` table or view in one scan. Each list is made distinct
 * while the column may still be an ENUM, and only then becomes text and is sorted.
 */
export async function readFacetValues(connection: DuckDBConnection): Promise<FacetValues> {
  const lists = FACET_COLUMNS.map((column) => `list_sort(list(DISTINCT "${column}") FILTER (WHERE "${column}" IS NOT NULL)::VARCHAR[]) AS "${column}"`);
  const reader = await connection.runAndReadAll(`SELECT ${lists.join(', ')},
      strftime(min(created_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS first, strftime(max(created_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS last
    FROM appeals`);
  const [row] = reader.getRowObjectsJS() as Record<string, unknown>[];

  const facets = {} as Record<FacetColumn, string[]>;
  for (const column of FACET_COLUMNS) facets[column] = ((row[column] as unknown[] | null) ?? []).map(String);
  const first = row.first as string | null;
  const last = row.last as string | null;
  return { created: first && last ? { from: first, to: last } : null, facets };
}

/**
 * Writes facet_values.json and explorer_facts.parquet of the `appeals` table or view into a
 * snapshot folder. Returns the rows of the Parquet file.
 */
export async function writeExplorerFiles(directory: string, connection: DuckDBConnection): Promise<number> {
  const values = await readFacetValues(connection);
  writeFileSync(join(directory, FACET_VALUES_FILE), JSON.stringify(values, null, 2) + '\n');

  const enums = await readEnumValues(connection);
  const codes: string[] = [];
  for (const column of FACET_COLUMNS) {
    const list = values.facets[column];
    // A code is a value's position in the list. USMALLINT has room for 65,536 positions.
    const type = list.length > 65_536 ? 'UINTEGER' : 'USMALLINT';
    if (list.length === 0) {
      codes.push(`NULL::${type} AS "${column}"`);
      continue;
    }
    const own = enums.get(column);
    if (own) {
      codes.push(`${enumCodeSql(column, own, list)}::${type} AS "${column}"`);
      continue;
    }
    await connection.run(`CREATE OR REPLACE TYPE explorer_${column}_codes AS ENUM (${list.map(sqlString).join(', ')})`);
    codes.push(`enum_code(CAST("${column}"::VARCHAR AS explorer_${column}_codes))::${type} AS "${column}"`);
  }
  const { rowsChanged } = await connection.run(`COPY (SELECT appeal_id, source, ${codes.join(', ')}, overdue, created_at, days_to_first_answer FROM appeals ORDER BY created_at, source, appeal_id)
    TO ${sqlString(join(directory, EXPLORER_FACTS_FILE))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`);
  for (const column of FACET_COLUMNS) await connection.run(`DROP TYPE IF EXISTS explorer_${column}_codes`);

  return Number(rowsChanged);
}

/** Reads every value of each facet column of `appeals` that is an ENUM, in the ENUM's order. */
async function readEnumValues(connection: DuckDBConnection): Promise<Map<FacetColumn, string[]>> {
  const types = await connection.runAndReadAll('SELECT column_name, column_type FROM (DESCRIBE appeals)');
  const columns = (types.getRowsJS() as [string, string][])
    .filter(([name, type]) => (FACET_COLUMNS as readonly string[]).includes(name) && type.startsWith('ENUM('))
    .map(([name]) => name as FacetColumn);
  const enums = new Map<FacetColumn, string[]>();
  if (columns.length === 0) return enums;

  // enum_range needs only the type of its argument, so any row will do; no row means no appeal.
  const reader = await connection.runAndReadAll(`SELECT ${columns.map((column) => `enum_range("${column}") AS "${column}"`).join(', ')} FROM appeals LIMIT 1`);
  const [row] = reader.getRowObjectsJS() as Record<string, unknown[]>[];
  if (row) for (const column of columns) enums.set(column, row[column].map(String));
  return enums;
}

/**
 * SQL for the code of an ENUM column: its ENUM code when the ENUM lists exactly the facet values
 * in order, otherwise its ENUM code looked up in a constant list of positions. Both spare the
 * per-row text lookup of a cast to the facet values' own ENUM.
 */
function enumCodeSql(column: FacetColumn, enumValues: readonly string[], facetValues: readonly string[]): string {
  const positions = new Map(facetValues.map((value, position) => [value, position]));
  const codes = enumValues.map((value) => positions.get(value) ?? null);
  if (codes.length === facetValues.length && codes.every((code, index) => code === index)) return `enum_code("${column}")`;
  return `[${codes.map((code) => (code === null ? 'NULL' : String(code))).join(', ')}][enum_code("${column}") + 1]`;
}
