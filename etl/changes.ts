// "What changed since the previous snapshot": appeals that are new, newly answered and newly
// resolved, per region, district and agency. Computed with SQL against the previous snapshot's
// appeals.parquet; appeals are matched by source and appeal id.

import type { DuckDBConnection } from '@duckdb/node-api';

import { sqlString } from './lib/duckdb.ts';

export interface ChangeCounts {
  new: number;
  answered: number;
  resolved: number;
}

export interface ChangeRow extends ChangeCounts {
  key: string;
}

export interface RegionChanges {
  region: string;
  totals: ChangeCounts;
  districts: ChangeRow[];
  agencies: ChangeRow[];
}

export interface PollChanges {
  /** Polls published for the first time. */
  opened: string[];
  /** Polls whose results became final since the previous snapshot. */
  closed: string[];
}

export interface Changes {
  /** The snapshot compared against; null for the first snapshot. */
  previous: string | null;
  totals: ChangeCounts;
  regions: RegionChanges[];
  polls: PollChanges;
}

interface PollStatus {
  id: string;
  status: string;
}

/** Compares the poll lists of two `polls.json` files; a missing file counts as no polls. */
export function comparePolls(previous: readonly PollStatus[] | null, current: readonly PollStatus[]): PollChanges {
  if (previous === null) return { opened: [], closed: [] };
  const before = new Map(previous.map((poll) => [poll.id, poll.status]));
  return {
    opened: current.filter((poll) => !before.has(poll.id)).map((poll) => poll.id),
    closed: current.filter((poll) => poll.status === 'final' && before.has(poll.id) && before.get(poll.id) !== 'final').map((poll) => poll.id),
  };
}

const TOP_AGENCIES = 15;

export async function computeChanges(connection: DuckDBConnection, previousId: string | null, previousAppeals: string | null): Promise<Changes> {
  const polls = { opened: [], closed: [] };
  if (!previousId || !previousAppeals) return { previous: null, totals: { new: 0, answered: 0, resolved: 0 }, regions: [], polls };

  await connection.run(`CREATE OR REPLACE TEMP VIEW changed AS
    SELECT a.region, a.district, a.agency,
           p.appeal_id IS NULL AS is_new,
           a.first_answer_at IS NOT NULL AND (p.appeal_id IS NULL OR p.first_answer_at IS NULL) AS newly_answered,
           a.status = 'resolved' AND (p.appeal_id IS NULL OR p.status <> 'resolved') AS newly_resolved
    FROM appeals a
    LEFT JOIN read_parquet(${sqlString(previousAppeals)}) p USING (source, appeal_id)`);

  const counts = `count(*) FILTER (WHERE is_new)::INTEGER AS new,
    count(*) FILTER (WHERE newly_answered)::INTEGER AS answered,
    count(*) FILTER (WHERE newly_resolved)::INTEGER AS resolved`;
  const [totals] = await rows<ChangeCounts>(connection, `SELECT ${counts} FROM changed`);

  const regions: RegionChanges[] = [];
  for (const { region } of await rows<{ region: string }>(connection, 'SELECT DISTINCT region FROM changed ORDER BY region')) {
    const where = `region = ${sqlString(region)}`;
    const [regionTotals] = await rows<ChangeCounts>(connection, `SELECT ${counts} FROM changed WHERE ${where}`);
    const districts = await rows<ChangeRow>(connection, `SELECT district AS key, ${counts} FROM changed WHERE ${where} GROUP BY district ORDER BY district`);
    const agencies = await rows<ChangeRow>(
      connection,
      `SELECT agency AS key, ${counts} FROM changed WHERE ${where} AND agency IS NOT NULL GROUP BY agency
       HAVING new + answered + resolved > 0 ORDER BY new + answered + resolved DESC, agency LIMIT ${TOP_AGENCIES}`,
    );
    regions.push({ region, totals: regionTotals, districts, agencies });
  }

  return { previous: previousId, totals, regions, polls };
}

async function rows<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
}
