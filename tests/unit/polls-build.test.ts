import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../../etl/lib/log.ts';
import type { PollsSummary } from '../../etl/polls/summary.ts';
import { buildPolls, type BuildPollsResult } from '../../etl/polls/write.ts';

const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

describe('buildPolls', () => {
  let outDir: string;
  let result: BuildPollsResult;
  let summary: PollsSummary;
  const logger = createMemoryLogger();

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'polls-build-'));
    result = await buildPolls({ dataDir: DATA_DIR, outDir, logger });
    summary = JSON.parse(await readFile(result.files.summary, 'utf8'));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:', { autoload_known_extensions: 'false', autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  // 16 transcribed polls + 1 ДЭГ + 20 Pabulib districts + 1 running count.
  it('counts 38 polls', () => {
    expect(result.counts.polls).toBe(38);
  });

  // 46 transcribed rows + 171 ДЭГ candidates + 333 Pabulib projects + 8 running-count options.
  it('counts 558 result rows', () => {
    expect(result.counts.results).toBe(558);
  });

  it('counts the 48 duplicate rejects', () => {
    expect(result.counts.rejects).toBe(48);
  });

  it('finds no problem in the shipped data', () => {
    expect(result.counts.problems).toBe(0);
  });

  it('writes polls.parquet', async () => {
    const rows = await query(`SELECT count(*) AS n FROM '${result.files.polls}'`);
    expect(Number(rows[0].n)).toBe(38);
  });

  it('writes typed dates', async () => {
    const rows = await query(`SELECT typeof(started_on) AS t FROM '${result.files.polls}' LIMIT 1`);
    expect(rows[0].t).toBe('DATE');
  });

  it('writes the ДЭГ total to poll_results.parquet', async () => {
    const rows = await query(`SELECT sum(votes) AS total FROM '${result.files.results}' WHERE poll_id = 'moscow_deg_2021_duma'`);
    expect(Number(rows[0].total)).toBe(1318976);
  });

  it('writes every schema column', async () => {
    const rows = await query(`SELECT column_name FROM (DESCRIBE SELECT * FROM '${result.files.results}')`);
    expect(rows.map((row) => row.column_name)).toEqual(['poll_id', 'kind', 'option_id', 'option_text', 'area_kind', 'area', 'votes', 'points', 'share_percent', 'participants', 'note', 'provenance']);
  });

  it('writes 15 okrug features', async () => {
    const layer = JSON.parse(await readFile(result.files.okrugs, 'utf8'));
    expect(layer.features).toHaveLength(15);
  });

  it('summarizes every poll', () => {
    expect(summary.polls).toHaveLength(38);
  });

  it('gives a Wilson interval where votes and n are known', () => {
    const poll = summary.polls.find((entry) => entry.id === 'lubyanka_2021_snap_20210225_1523')!;
    expect(poll.areas[0].results[0].interval).toEqual({ lowerPercent: 50.815, upperPercent: 51.426 });
  });

  it('gives no interval for shares only', () => {
    const poll = summary.polls.find((entry) => entry.id === 'lubyanka_2021')!;
    expect(poll.areas[0].results[0].intervalReason).toBe('no_votes');
  });

  it('labels okrug areas with names', () => {
    const poll = summary.polls.find((entry) => entry.id === 'moscow_deg_2021_duma')!;
    expect(poll.areas.map((area) => area.label).slice(0, 2)).toEqual(['196 Бабушкинский', '197 Кунцевский']);
  });

  it('lists covered districts of a district poll', () => {
    const poll = summary.polls.find((entry) => entry.id === 'tverskoy_ecoparking')!;
    expect(poll.coverage).toEqual({ kind: 'districts', districts: ['Тверской'] });
  });

  it('keeps participation rows apart', () => {
    const poll = summary.polls.find((entry) => entry.id === 'gazon_2016_week2_district_activity')!;
    expect(poll.participation.map((row) => row.participants)).toEqual([4188, 3377, 2792]);
  });

  it('adds the running-count series', () => {
    const poll = summary.polls.find((entry) => entry.id === 'fkgs_yakutsk_2025')!;
    expect(poll.series!.reduce((sum, option) => sum + option.points.length, 0)).toBe(192);
  });

  it('logs the duplicate rejects', () => {
    expect(logger.entries.some((entry) => entry.level === 'warn' && entry.message.en.includes('duplicate_row'))).toBe(true);
  });

  it('explains the duplicate rejects in Russian', () => {
    const warning = logger.entries.find((entry) => entry.level === 'warn' && entry.message.en.includes('duplicate_row'))!;
    expect(warning.message.ru).toContain('программа сбора сохранила эту порцию строк дважды');
    expect(warning.message.ru).not.toMatch(/[A-Za-z]{3,} [a-z]{3,}/);
  });

  const duplicateWarning = () => logger.entries.find((entry) => entry.level === 'warn' && entry.message.en.includes('duplicate_row'))!;

  it('keeps Russian out of the English duplicate log', () => {
    expect(duplicateWarning().message.en).not.toMatch(/[а-яё]/i);
  });
});
