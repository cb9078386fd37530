// The snapshot's `facet_values.json`: the distinct values of the columns the explorer filters by,
// and the range of creation times. The explorer builds its dictionary types from this file instead
// of scanning appeals.parquet for them on every visit.

import type { DuckDBConnection } from '@duckdb/node-api';

/** Text columns of appeals.parquet that the explorer offers as facets. */
export const FACET_COLUMNS = ['region', 'district', 'municipality', 'category', 'rubric', 'agency', 'status'] as const;

export type FacetColumn = (typeof FACET_COLUMNS)[number];

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
