// check's examples: one per reason at least, in the order of the file's rows.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { checkFile, chooseExamples, type CheckSummary } from '../../etl/check.ts';
import { loadConfig } from '../../etl/config.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { CONFIG_PATH, ROOT, SPB_SLICE } from '../helpers/fixtures.ts';

const folder = mkdtempSync(join(tmpdir(), 'open-district-check-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * Writes the first ten records of the export converted from real portal records and returns the
 * path. Row 3 has its district and point blanked (a placement reject), row 6 a misspelt district
 * («…скй»), and row 8 an impossible creation time (a reading reject).
 */
function brokenExport(): string {
  const lines = new TextDecoder('windows-1251').decode(readFileSync(join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv'))).split('\r\n').slice(0, 11);
  const blank = lines[2].split(';');
  blank[8] = '';
  blank[9] = '';
  blank[10] = '';
  lines[2] = blank.join(';');
  const misspelt = lines[5].split(';');
  misspelt[8] = misspelt[8].replace('ский', 'скй');
  lines[5] = misspelt.join(';');
  const impossible = lines[7].split(';');
  impossible[1] = '31.02.2021 10:00:00';
  lines[7] = impossible.join(';');
  const path = join(folder, 'broken-export.csv');
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  return path;
}

describe('check examples', () => {
  let summary: CheckSummary;

  beforeAll(async () => {
    const config = loadConfig(CONFIG_PATH, ROOT);
    summary = await checkFile(config, brokenExport(), 'table', 'spb', createMemoryLogger(), { mapping: join(ROOT, 'etl/mappings/spb-portal-export.json') });
  });

  test('counts a misspelt district placed by its point', () => {
    expect(summary.districtNamesUnmatched).toBe(1);
  });

  test('lists rejects in row order', () => {
    expect(summary.examples.map((example) => [example.row, example.reason])).toEqual([
      [3, 'no_location'],
      [8, 'impossible_date'],
    ]);
  });
});

describe('check of repeated ids', () => {
  let summary: CheckSummary;

  beforeAll(async () => {
    const lines = new TextDecoder('windows-1251').decode(readFileSync(join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv'))).split('\r\n').slice(0, 4);
    const changed = lines[1].split(';');
    changed[4] = 'Рассмотрение';
    const path = join(folder, 'repeated-export.csv');
    writeFileSync(path, [...lines, changed.join(';'), lines[2]].join('\r\n') + '\r\n');
    const config = loadConfig(CONFIG_PATH, ROOT);
    summary = await checkFile(config, path, 'table', 'spb', createMemoryLogger(), { mapping: join(ROOT, 'etl/mappings/spb-portal-export.json') });
  });

  test('counts both repeats as duplicates', () => {
    expect(summary.duplicates).toBe(2);
  });

  test('counts the repeat with another status apart', () => {
    expect(summary.differingDuplicates).toBe(1);
  });
});

describe('check of a source with a district policy', () => {
  let summary: CheckSummary;
  let logLines: string[];

  beforeAll(async () => {
    const record = JSON.parse(readFileSync(SPB_SLICE, 'utf8').split('\n')[0]);
    const unplaced = { ...record, district_name: 'Марсианский', sidebar: { ...record.sidebar, district: { id: 999, name: 'Марсианский' }, latitude: null, longitude: null } };
    const path = join(folder, 'unplaced.jsonl');
    writeFileSync(path, JSON.stringify(unplaced) + '\n');
    const config = loadConfig(CONFIG_PATH, ROOT);
    const portal = config.sources.find((source) => source.format === 'spb-portal')!;
    portal.districtPolicy = { conflict: 'reject', pointMismatch: 'keep', unplaced: 'keep' };
    const logger = createMemoryLogger();
    summary = await checkFile(config, path, 'spb-portal', portal.region, logger);
    logLines = logger.entries.map((entry) => entry.message.en);
  });

  test("keeps an unplaced record as the configured source's policy says", () => {
    expect([summary.accepted, summary.rejected]).toEqual([1, 0]);
  });

  test('names the source and the policy it applies', () => {
    expect(logLines).toContainEqual(expect.stringContaining('the only spb-portal source of region spb: conflict = "reject", pointMismatch = "keep", unplaced = "keep"'));
  });
});

describe('chooseExamples', () => {
  test('keeps the first of a rare reason behind a common one', () => {
    const rejects = [...Array.from({ length: 30 }, (_, row) => ({ row, reason: 'missing_created_at' })), { row: 30, reason: 'wrong_field_count' }];
    expect(chooseExamples(rejects, 20).map((reject) => reject.reason).filter((reason) => reason === 'wrong_field_count')).toEqual(['wrong_field_count']);
  });
});
