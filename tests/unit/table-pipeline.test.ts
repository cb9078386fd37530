// The table path end to end: a windows-1251, ';'-separated export converted from the real
// St Petersburg slice goes through the pipeline and must agree with the portal adapter.

import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

import { loadRegion } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { runSource, type SourceResult } from '../../etl/pipeline.ts';
import { ROOT, testConfig } from '../helpers/fixtures.ts';

const EXPORT = join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv');

let table: SourceResult;
let portal: SourceResult;

function countBy(result: SourceResult, key: 'district' | 'status'): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const appeal of result.appeals) counts[String(appeal[key])] = (counts[String(appeal[key])] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  const config = testConfig();
  const region = loadRegion(config.regions[0]);
  portal = await runSource(config, config.sources[0], region, createMemoryLogger());
  const source = { ...config.sources[0], id: 'spb-export', format: 'table' as const, files: [EXPORT], mapping: join(ROOT, 'etl/mappings/spb-portal-export.json') };
  table = await runSource(config, source, region, createMemoryLogger());
  config.cleanup();
});

describe('table source converted from the portal', () => {
  test('accepts every row', () => {
    expect([table.counts.read, table.counts.accepted]).toEqual([2000, 2000]);
  });

  test('places districts by normalized name', () => {
    expect(table.districtRules.name).toBe(2000);
  });

  test('agrees on districts', () => {
    expect(countBy(table, 'district')).toEqual(countBy(portal, 'district'));
  });

  test('agrees on statuses', () => {
    expect(countBy(table, 'status')).toEqual(countBy(portal, 'status'));
  });

  test('agrees on creation times to the second', () => {
    const portalTimes = new Map(portal.appeals.map((appeal) => [appeal.appeal_id, Math.floor(appeal.created_at / 1000)]));
    const differing = table.appeals.filter((appeal) => portalTimes.get(appeal.appeal_id) !== Math.floor(appeal.created_at / 1000));
    expect(differing).toEqual([]);
  });

  test('agrees on answered appeals', () => {
    expect(table.appeals.filter((appeal) => appeal.first_answer_at !== null)).toHaveLength(1981);
  });
});
