// Per-region and per-district aggregates for the site build, computed with SQL over the appeals
// table of the snapshot database. Weeks start on Monday in the region's time zone.

import type { DuckDBConnection } from '@duckdb/node-api';

import type { AgencyRow, AppealMetrics, AreaAggregate, CountRow, RegionAggregate, StatusRow, WeekRow } from './aggregates-types.ts';
import type { Region } from './districts.ts';
import { sqlString } from './lib/duckdb.ts';
import { OPEN_STATUSES } from './schema.ts';

const TOP_RUBRICS = 10;
const TOP_AGENCIES = 15;

const OPEN_LIST = OPEN_STATUSES.map(sqlString).join(', ');

const METRICS_SELECT = `
  count(*)::INTEGER AS received,
  count(first_answer_at)::INTEGER AS answered,
  count(*) FILTER (WHERE status = 'resolved')::INTEGER AS resolved,
  count(*) FILTER (WHERE status = 'closed_without_confirmation')::INTEGER AS closed_without_confirmation,
  count(*) FILTER (WHERE status IN (${OPEN_LIST}))::INTEGER AS in_progress,
  count(*) FILTER (WHERE overdue)::INTEGER AS overdue,
  median(days_to_first_answer) AS median_days`;

interface MetricsRow {
  received: number;
  answered: number;
  resolved: number;
  closed_without_confirmation: number;
  in_progress: number;
  overdue: number;
  median_days: number | null;
}

export async function aggregateRegion(connection: DuckDBConnection, region: Region, boundariesPath: string, asOf: number | null): Promise<RegionAggregate> {
  const where = `region = ${sqlString(region.config.id)}`;
  const population = region.districts.every((district) => district.population !== null)
    ? region.districts.reduce((sum, district) => sum + (district.population ?? 0), 0)
    : null;

  const areas = await aggregateAreas(connection, where, region.config.timeZone);
  const city = toArea(areas.get(CITY), population);
  const districts = region.districts.map((district) => ({
    district: district.name,
    slug: district.slug,
    population: district.population,
    ...toArea(areas.get(district.name), district.population),
  }));

  const [period] = await rows<{ first: string | null; last: string | null }>(
    connection,
    `SELECT strftime(min(created_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS first, strftime(max(created_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS last FROM appeals WHERE ${where}`,
  );

  return {
    id: region.config.id,
    name: region.config.name,
    timeZone: region.config.timeZone,
    population: region.config.population ? { year: region.config.population.year, source: region.config.population.attribution } : null,
    period: period.first && period.last ? { from: period.first, to: period.last } : null,
    asOf: asOf === null ? null : new Date(asOf).toISOString(),
    boundaries: boundariesPath,
    city,
    districts,
  };
}

/** Key of the whole region among the areas; no district is named "*". */
const CITY = '*';

/** SQL for the area of a grouped row: the district, or CITY in the row of the whole region. */
const AREA = `CASE WHEN grouping(district) = 1 THEN ${sqlString(CITY)} ELSE district::VARCHAR END`;

/** The figures of one area before the population is known; every list starts empty. */
interface AreaRows {
  metrics: MetricsRow | null;
  weekly: WeekRow[];
  rubrics: CountRow[];
  categories: CountRow[];
  municipalities: CountRow[];
  statuses: StatusRow[];
  agencies: AgencyRow[];
}

/**
 * Computes every area of a region at once: each query groups by district and by nothing
 * (GROUPING SETS), so one scan of the appeals serves the region and all its districts. Rows come
 * keyed by district name, or by CITY for the region.
 */
async function aggregateAreas(connection: DuckDBConnection, where: string, timeZone: string): Promise<Map<string, AreaRows>> {
  const areas = new Map<string, AreaRows>();
  const areaOf = (key: string) => {
    let area = areas.get(key);
    if (!area) {
      area = { metrics: null, weekly: [], rubrics: [], categories: [], municipalities: [], statuses: [], agencies: [] };
      areas.set(key, area);
    }
    return area;
  };

  for (const { area: key, ...metrics } of await rows<MetricsRow & { area: string | null }>(
    connection,
    `SELECT ${AREA} AS area, ${METRICS_SELECT} FROM appeals WHERE ${where} GROUP BY GROUPING SETS ((district), ())`,
  )) {
    if (key !== null) areaOf(key).metrics = metrics;
  }

  for (const { area: key, ...week } of await rows<WeekRow & { area: string | null }>(connection, weeklySql(where, timeZone))) {
    if (key !== null) areaOf(key).weekly.push(week);
  }

  const counts = async (column: string, limit: number | null) => {
    const result = new Map<string, CountRow[]>();
    for (const { area: key, ...row } of await rankedRows<CountRow>(connection, `"${column}" AS key, count(*)::INTEGER AS count`, `"${column}"`, `${where} AND "${column}" IS NOT NULL`, 'key', limit)) {
      if (key !== null) result.set(key, [...(result.get(key) ?? []), row]);
    }
    return result;
  };
  for (const [key, list] of await counts('rubric', TOP_RUBRICS)) areaOf(key).rubrics = list;
  for (const [key, list] of await counts('category', null)) areaOf(key).categories = list;
  for (const [key, list] of await counts('municipality', null)) areaOf(key).municipalities = list;

  for (const { area: key, ...row } of await rankedRows<StatusRow>(connection, 'status, count(*)::INTEGER AS count', 'status', where, 'status', null)) {
    if (key !== null) areaOf(key).statuses.push(row);
  }
  for (const { area: key, ...row } of await rankedRows<AgencyRow>(
    connection,
    `agency, count(*)::INTEGER AS count, median(days_to_first_answer) AS "medianDaysToFirstAnswer", avg(overdue::INTEGER) AS "overdueShare"`,
    'agency',
    `${where} AND agency IS NOT NULL`,
    'agency',
    TOP_AGENCIES,
  )) {
    if (key !== null) areaOf(key).agencies.push(row);
  }
  return areas;
}

/**
 * SQL for the count of appeals per district and local week, and per week for the region. Appeals
 * are first counted per district and UTC hour, so the time zone is applied once per hour instead of
 * once per appeal. An hour whose first and last microsecond fall in one local week is counted in
 * that week. The rare hour that a week boundary cuts (zones whose offset is not whole hours) has
 * its appeals placed one by one.
 * NOTE: this assumes that a zone's offset changes at most once within one hour. An hour with two
 * changes that left a week and re-entered it would be counted whole in that week.
 */
export function weeklySql(where: string, timeZone: string): string {
  const zone = sqlString(timeZone);
  const HOUR_MICROSECONDS = 3_600_000_000;
  const week = (instant: string) => `date_trunc('week', timezone(${zone}, ${instant}))`;
  // Floor division: // truncates toward zero, which would put an instant before 1970 in the hour after its own.
  const hourOf = (instant: string) => `(epoch_us(${instant}) - (epoch_us(${instant}) % ${HOUR_MICROSECONDS} + ${HOUR_MICROSECONDS}) % ${HOUR_MICROSECONDS}) // ${HOUR_MICROSECONDS}`;
  return `WITH hours AS (
      SELECT district, ${hourOf('created_at')} AS hour, count(*) AS count
      FROM appeals WHERE ${where} GROUP BY district, hour
    ), bounds AS (
      SELECT district, hour, count,
        ${week(`make_timestamptz(hour * ${HOUR_MICROSECONDS})`)} AS first_week,
        ${week(`make_timestamptz(hour * ${HOUR_MICROSECONDS} + ${HOUR_MICROSECONDS - 1})`)} AS last_week
      FROM hours
    ), counted AS (
      SELECT district, first_week AS week, count FROM bounds WHERE first_week = last_week
      UNION ALL
      SELECT district, ${week('created_at')} AS week, 1 AS count FROM appeals
      WHERE ${where} AND ${hourOf('created_at')} IN (SELECT hour FROM bounds WHERE first_week <> last_week)
    )
    SELECT ${AREA} AS area, strftime(week, '%Y-%m-%d') AS week, sum(count)::INTEGER AS count
    FROM counted GROUP BY GROUPING SETS ((district, week), (week)) ORDER BY area, week`;
}

/**
 * Groups appeals by district and `column`, and by `column` alone for the region, and keeps each
 * area's rows by count, largest first, ties by `key` in text order, at most `limit` of them.
 */
async function rankedRows<T>(connection: DuckDBConnection, select: string, column: string, where: string, key: string, limit: number | null): Promise<(T & { area: string | null })[]> {
  const ranked = `SELECT ${AREA} AS area, ${select}
    FROM appeals WHERE ${where} GROUP BY GROUPING SETS ((district, ${column}), (${column}))`;
  return rows<T & { area: string | null }>(
    connection,
    `SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER (PARTITION BY area ORDER BY count DESC, ${key}) AS rank FROM (${ranked}))
     ${limit ? `WHERE rank <= ${limit}` : ''} ORDER BY area, rank`,
  );
}

/** Turns an area's rows into its aggregate; an area without appeals has zero counts and empty lists. */
function toArea(found: AreaRows | undefined, population: number | null): AreaAggregate {
  return {
    metrics: toMetrics(found?.metrics ?? EMPTY_METRICS, population),
    weekly: found?.weekly ?? [],
    rubrics: found?.rubrics ?? [],
    categories: found?.categories ?? [],
    agencies: found?.agencies ?? [],
    statuses: found?.statuses ?? [],
    municipalities: found?.municipalities ?? [],
  };
}

/** Metrics row of an area without appeals. */
const EMPTY_METRICS: MetricsRow = { received: 0, answered: 0, resolved: 0, closed_without_confirmation: 0, in_progress: 0, overdue: 0, median_days: null };

function toMetrics(row: MetricsRow, population: number | null): AppealMetrics {
  const share = (count: number) => (row.received > 0 ? count / row.received : null);
  return {
    received: row.received,
    answered: row.answered,
    resolved: row.resolved,
    closedWithoutConfirmation: row.closed_without_confirmation,
    inProgress: row.in_progress,
    overdue: row.overdue,
    medianDaysToFirstAnswer: row.median_days,
    overdueShare: share(row.overdue),
    resolvedShare: share(row.resolved),
    answeredShare: share(row.answered),
    perThousand: population ? (row.received / population) * 1000 : null,
  };
}

async function rows<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as T[];
}
