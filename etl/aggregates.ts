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

  const city = await aggregateArea(connection, where, region.config.timeZone, population);
  const districts = [];
  for (const district of region.districts) {
    const area = await aggregateArea(connection, `${where} AND district = ${sqlString(district.name)}`, region.config.timeZone, district.population);
    districts.push({ district: district.name, slug: district.slug, population: district.population, ...area });
  }

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

async function aggregateArea(connection: DuckDBConnection, where: string, timeZone: string, population: number | null): Promise<AreaAggregate> {
  const [metricsRow] = await rows<MetricsRow>(connection, `SELECT ${METRICS_SELECT} FROM appeals WHERE ${where}`);

  const weekly = await rows<WeekRow>(
    connection,
    `SELECT strftime(date_trunc('week', timezone(${sqlString(timeZone)}, created_at)), '%Y-%m-%d') AS week, count(*)::INTEGER AS count
     FROM appeals WHERE ${where} GROUP BY week ORDER BY week`,
  );
  const rubrics = await countBy(connection, 'rubric', where, TOP_RUBRICS);
  const categories = await countBy(connection, 'category', where, null);
  const municipalities = await countBy(connection, 'municipality', where, null);
  const statuses = await rows<StatusRow>(
    connection,
    `SELECT status, count(*)::INTEGER AS count FROM appeals WHERE ${where} GROUP BY status ORDER BY count DESC, status`,
  );
  const agencies = await rows<AgencyRow>(
    connection,
    `SELECT agency, count(*)::INTEGER AS count, median(days_to_first_answer) AS "medianDaysToFirstAnswer",
            avg(overdue::INTEGER) AS "overdueShare"
     FROM appeals WHERE ${where} AND agency IS NOT NULL
     GROUP BY agency ORDER BY count DESC, agency LIMIT ${TOP_AGENCIES}`,
  );

  return { metrics: toMetrics(metricsRow, population), weekly, rubrics, categories, agencies, statuses, municipalities };
}

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

async function countBy(connection: DuckDBConnection, column: string, where: string, limit: number | null): Promise<CountRow[]> {
  return rows<CountRow>(
    connection,
    `SELECT "${column}" AS key, count(*)::INTEGER AS count FROM appeals WHERE ${where} AND "${column}" IS NOT NULL
     GROUP BY key ORDER BY count DESC, key ${limit ? `LIMIT ${limit}` : ''}`,
  );
}

async function rows<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as T[];
}
