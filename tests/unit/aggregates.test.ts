import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

import { weeklySql } from '../../etl/aggregates.ts';
import { openDatabase } from '../../etl/lib/duckdb.ts';
import { buildTestSnapshot } from '../helpers/snapshot.ts';

let built: Awaited<ReturnType<typeof buildTestSnapshot>>;
let database: { instance: DuckDBInstance; connection: DuckDBConnection };

beforeAll(async () => {
  built = await buildTestSnapshot();
  database = await openDatabase();
  const appeals = join(built.snapshot.directory, 'appeals.parquet');
  await database.connection.run(`CREATE VIEW appeals AS SELECT * FROM read_parquet('${appeals}')`);
});

afterAll(() => {
  database.connection.closeSync();
  database.instance.closeSync();
  built.config.cleanup();
});

/** Weekly counts with the time zone applied to each appeal, the form weeklySql must match. */
function perAppealSql(timeZone: string): string {
  return `SELECT CASE WHEN grouping(district) = 1 THEN '*' ELSE district::VARCHAR END AS area, week, count(*)::INTEGER AS count
    FROM (SELECT district, strftime(date_trunc('week', timezone('${timeZone}', created_at)), '%Y-%m-%d') AS week FROM appeals WHERE region = 'spb')
    GROUP BY GROUPING SETS ((district, week), (week)) ORDER BY area, week`;
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await database.connection.runAndReadAll(sql)).getRowsJson();
}

describe('weekly counts (weeklySql)', () => {
  // Kolkata (+5:30) and Kathmandu (+5:45) start their weeks inside a UTC hour; Berlin changes its
  // offset twice a year; Moscow has one offset over the real appeals' period.
  test.each(['Europe/Moscow', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu'])('match counting each appeal in %s', async (timeZone) => {
    expect(await rows(weeklySql("region = 'spb'", timeZone))).toEqual(await rows(perAppealSql(timeZone)));
  });

  test('fixture splits a Kolkata boundary hour', async () => {
    // Sunday 18:30 UTC is Monday 00:00 in Kolkata: some Sunday 18:00–19:00 UTC contains appeals on both sides.
    const [[hours]] = await rows(`SELECT count(*)::INTEGER FROM (
        SELECT CAST(utc AS DATE) AS day FROM (SELECT created_at AT TIME ZONE 'UTC' AS utc FROM appeals)
        WHERE dayofweek(utc) = 0 AND hour(utc) = 18 GROUP BY day HAVING min(minute(utc)) < 30 AND max(minute(utc)) >= 30)`);
    expect(hours).toBeGreaterThan(0);
  });
});
