// Runs the queries behind the explorer's views for one state and returns plain data: totals,
// counts per facet value, the district metrics of the map, the histogram and one table page.

import type { ExplorerDatabase, Row } from '../lib/duckdb-client.ts';
import {
  districtMedianQuery,
  enumValuesQuery,
  facetQuery,
  histogramQuery,
  medianQuery,
  pageQuery,
  pageWindow,
  dateToDay,
  decodeValue,
  dictionaryFromLists,
  TEXT_FACETS,
  TABLE_COLUMNS,
  type SnapshotFacetValues,
  type FacetDictionary,
  type FilterContext,
} from '../lib/explorer-sql.ts';
import { EMPTY_VALUE, FACETS, type ExplorerState, type Facet } from '../lib/url-state.ts';

export const PAGE_SIZE = 50;

export interface Metrics {
  received: number;
  overdue: number;
  resolved: number;
  /** Median days to first answer over answered appeals; null when none was answered. */
  medianDays: number | null;
}

export interface ViewData {
  totals: Metrics;
  /** Rows per value of each facet under every other filter; null values under EMPTY_VALUE. */
  facets: Record<Facet, Map<string, number>>;
  /** Map metrics per district under every filter except the district one. */
  districts: Map<string, Metrics>;
  /** True when `districts` carries medians, which are queried only while the map shows them. */
  districtMedians: boolean;
  histogram: { day: number; received: number }[];
  page: Row[];
}

function toMetrics(row: Row): Metrics {
  return {
    received: Number(row.received ?? 0),
    overdue: Number(row.overdue_count ?? 0),
    resolved: Number(row.resolved_count ?? 0),
    medianDays: row.median_days === null || row.median_days === undefined ? null : Number(row.median_days),
  };
}

const TEXT_FACET_SET = new Set<string>(TEXT_FACETS);

/**
 * Turns a facet value of a result into its list key: a code becomes its text, null becomes
 * EMPTY_VALUE, and booleans "true"/"false".
 */
function valueKey(facet: Facet, value: unknown, dictionary: FacetDictionary): string {
  const text = TEXT_FACET_SET.has(facet) ? decodeValue(dictionary, facet as keyof FacetDictionary, value) : value;
  return text === null || text === undefined ? EMPTY_VALUE : String(text);
}

/**
 * Returns the dictionary of facet values: from the snapshot's facet_values.json when it lists
 * every facet, else from the ENUM types the setup made.
 */
export async function loadDictionary(db: ExplorerDatabase, facetValues: SnapshotFacetValues | null): Promise<FacetDictionary> {
  if (facetValues && TEXT_FACETS.every((facet) => facetValues.facets[facet] !== undefined)) {
    return dictionaryFromLists(facetValues.facets as Record<keyof FacetDictionary, string[]>);
  }
  const lists = Object.fromEntries(TEXT_FACETS.map((facet) => [facet, [] as string[]])) as Record<keyof FacetDictionary, string[]>;
  for (const row of await db.queryObjects(enumValuesQuery())) lists[row.facet as keyof FacetDictionary].push(String(row.value));
  return dictionaryFromLists(lists);
}

/** Replaces the codes of a table row's facet columns with their texts. */
function decodeRow(row: Row, dictionary: FacetDictionary): Row {
  const decoded: Row = { ...row };
  for (const column of TABLE_COLUMNS) {
    if (TEXT_FACET_SET.has(column)) decoded[column] = decodeValue(dictionary, column as keyof FacetDictionary, row[column]);
  }
  return decoded;
}

/** Queries the median of days_to_first_answer per district, under every filter but the district one. */
export async function queryDistrictMedians(db: ExplorerDatabase, state: ExplorerState, context: FilterContext): Promise<Map<string, number | null>> {
  const medians = new Map<string, number | null>();
  for (const row of await db.queryObjects(districtMedianQuery(state, context))) {
    medians.set(valueKey('district', row.value, context.dictionary!), row.median_days === null || row.median_days === undefined ? null : Number(row.median_days));
  }
  return medians;
}

/**
 * Queries every view of a state: per facet, the counts under every other filter; the median of
 * the filtered rows; the histogram; one table page. Medians per district are queried only while
 * the map shows them, because a median per group costs several counts. The queries run one after
 * another in the engine's worker; the histogram goes first, because its counts place the page.
 */
export async function queryViews(db: ExplorerDatabase, state: ExplorerState, context: FilterContext): Promise<ViewData> {
  const dictionary = context.dictionary!;
  const withDistrictMedians = state.metric === 'medianDaysToFirstAnswer';
  const histogram = (await db.queryObjects(histogramQuery(state, context))).map((row) => ({ day: Number(row.day), received: Number(row.received) }));
  const [median, page, districtMedians, ...facetRows] = await Promise.all([
    db.queryObjects(medianQuery(state, context)),
    queryPage(db, state, context, histogram),
    withDistrictMedians ? db.queryObjects(districtMedianQuery(state, context)) : Promise.resolve([]),
    ...FACETS.map((facet) => db.queryObjects(facetQuery(state, facet, context))),
  ]);

  const facets = Object.fromEntries(FACETS.map((facet) => [facet, new Map<string, number>()])) as unknown as Record<Facet, Map<string, number>>;
  const districts = new Map<string, Metrics>();
  FACETS.forEach((facet, index) => {
    for (const row of facetRows[index]) {
      facets[facet].set(valueKey(facet, row.value, dictionary), Number(row.received));
      if (facet === 'district') districts.set(valueKey(facet, row.value, dictionary), toMetrics(row));
    }
  });
  for (const row of districtMedians) {
    const metrics = districts.get(valueKey('district', row.value, dictionary));
    if (metrics) metrics.medianDays = row.median_days === null ? null : Number(row.median_days);
  }

  // The totals are the district counts of the rows inside the district filter, so no scan of
  // its own is needed. Every appeal has a district (the column is NOT NULL).
  const selected = state.filters.district;
  const totals: Metrics = { received: 0, overdue: 0, resolved: 0, medianDays: null };
  for (const [district, metrics] of districts) {
    if (selected.length > 0 && !selected.includes(district)) continue;
    totals.received += metrics.received;
    totals.overdue += metrics.overdue;
    totals.resolved += metrics.resolved;
  }
  totals.medianDays = median[0]?.median_days === null || median[0]?.median_days === undefined ? null : Number(median[0].median_days);

  return {
    totals,
    facets,
    districts,
    districtMedians: withDistrictMedians,
    histogram,
    page,
  };
}

/**
 * Queries one table page. `histogram` is the view's count per creation day under every filter but
 * the dates. Its days inside the date filter place a page sorted by creation time.
 */
export async function queryPage(db: ExplorerDatabase, state: ExplorerState, context: FilterContext, histogram: readonly { day: number; received: number }[]): Promise<Row[]> {
  const from = state.from ? dateToDay(state.from) : -Infinity;
  const to = state.to ? dateToDay(state.to) : Infinity;
  const days = histogram.filter(({ day }) => day >= from && day <= to);
  const rows = await db.queryObjects(pageQuery(state, context, PAGE_SIZE, pageWindow(state, days, PAGE_SIZE)));
  return rows.map((row) => decodeRow(row, context.dictionary!));
}
