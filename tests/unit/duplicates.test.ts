// Records whose id an earlier record of the same source had: every format counts them as
// duplicates, not as rejects, and lists them in rejects.csv with the first record's place.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { loadRegion } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { runSource, type SourceResult } from '../../etl/pipeline.ts';
import { splitRejectMessage } from '../../etl/reasons.ts';
import { ROOT, SPB_SLICE, testConfig } from '../helpers/fixtures.ts';
import { buildTestSnapshot } from '../helpers/snapshot.ts';

const folder = mkdtempSync(join(tmpdir(), 'open-district-duplicates-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const lines = readFileSync(SPB_SLICE, 'utf8').split('\n').slice(0, 4);

/** The first three portal records, and then the second to the fourth: two overlap. */
const earlyExtract = join(folder, 'extract-early.jsonl');
const lateExtract = join(folder, 'extract-late.jsonl');
writeFileSync(earlyExtract, lines.slice(0, 3).join('\n'));
writeFileSync(lateExtract, lines.slice(1, 4).join('\n'));

/** The windows-1251 export converted from the slice, with its first record written twice more. */
const EXPORT = join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv');
const repeatedExport = join(folder, 'converted-cp1251-repeated-row.csv');
const exportBytes = readFileSync(EXPORT);
const firstRecord = exportBytes.subarray(exportBytes.indexOf('\r\n') + 2, exportBytes.indexOf('\r\n', exportBytes.indexOf('\r\n') + 2) + 2);
writeFileSync(repeatedExport, Buffer.concat([exportBytes, firstRecord, firstRecord]));

const duplicateLines = (result: SourceResult) => result.rejects.filter((reject) => reject.reason === 'duplicate_id');
const english = (message: string) => splitRejectMessage(message).en;
const russian = (message: string) => splitRejectMessage(message).ru;

describe('portal records in overlapping extracts', () => {
  let result: SourceResult;

  beforeAll(async () => {
    const config = testConfig([earlyExtract, lateExtract]);
    result = await runSource(config, config.sources[0], loadRegion(config.regions[0]), createMemoryLogger());
    config.cleanup();
  });

  test('counts the overlap as duplicates', () => {
    expect(result.counts).toEqual({ read: 6, accepted: 4, rejected: 0, duplicates: 2 });
  });

  test('leaves the value of a duplicate to its record id', () => {
    expect(duplicateLines(result).map((reject) => [reject.record_id, reject.value])).toEqual([
      ['2947918', null],
      ['2947923', null],
    ]);
  });

  test('keeps duplicates out of the reasons of rejects', () => {
    expect(result.reasons).toEqual({});
  });

  test('lists each duplicate with the first record of its id', () => {
    expect(duplicateLines(result).map((reject) => [reject.file, reject.row, english(reject.message)])).toEqual([
      ['extract-late.jsonl', 1, 'the id already appeared in extract-early.jsonl, row 2, with the same values in every field read; only that first record is kept, and this one is counted as a duplicate'],
      ['extract-late.jsonl', 2, 'the id already appeared in extract-early.jsonl, row 3, with the same values in every field read; only that first record is kept, and this one is counted as a duplicate'],
    ]);
  });

  test('names the first record in the Russian half too', () => {
    expect(russian(duplicateLines(result)[0].message)).toMatch(/^номер уже встречался: extract-early\.jsonl, строка 2, и значения всех прочитанных полей те же;/);
  });
});

describe('portal records repeated with changes', () => {
  let result: SourceResult;
  let logLines: string[];

  beforeAll(async () => {
    const record = JSON.parse(lines[0]);
    const watched = { ...record, watchers_count: record.watchers_count + 5 };
    const renamed = { ...record, reason: { ...record.reason, name: 'Другая рубрика' } };
    const changed = join(folder, 'extract-changed.jsonl');
    writeFileSync(changed, [lines[0], JSON.stringify(watched), JSON.stringify(renamed)].join('\n'));
    const config = testConfig([changed]);
    const logger = createMemoryLogger();
    result = await runSource(config, config.sources[0], loadRegion(config.regions[0]), logger);
    logLines = logger.entries.map((entry) => entry.message.en);
    config.cleanup();
  });

  test('calls a change to an unread field the same values', () => {
    expect(english(duplicateLines(result)[0].message)).toContain('row 1, with the same values in every field read;');
  });

  test('calls a changed rubric another value', () => {
    expect(english(duplicateLines(result)[1].message)).toContain('row 1, with another value in at least one field read;');
  });

  test('counts the differing duplicates in the log', () => {
    expect(logLines).toContainEqual(expect.stringContaining('duplicates: 2 (1 of them differs from the record kept;'));
  });
});

describe('a portal record placed only in its second copy', () => {
  let result: SourceResult;

  beforeAll(async () => {
    const record = JSON.parse(lines[0]);
    const unplaced = { ...record, district_name: 'Марсианский', sidebar: { ...record.sidebar, district: { id: 999, name: 'Марсианский' }, latitude: null, longitude: null } };
    const path = join(folder, 'extract-unplaced-first.jsonl');
    writeFileSync(path, [JSON.stringify(unplaced), lines[0]].join('\n'));
    const config = testConfig([path]);
    result = await runSource(config, config.sources[0], loadRegion(config.regions[0]), createMemoryLogger());
    config.cleanup();
  });

  test('publishes the copy the district step can place', () => {
    expect(result.counts).toEqual({ read: 2, accepted: 1, rejected: 1, duplicates: 0 });
  });

  test('rejects the unplaced copy for its district', () => {
    expect(result.rejects.map((reject) => [reject.row, reject.reason])).toEqual([[1, 'district_unknown']]);
  });
});

describe('two files with the same name', () => {
  test('warn that their rows cannot be told apart', async () => {
    const paths = ['a', 'b'].map((folderName) => {
      mkdirSync(join(folder, folderName), { recursive: true });
      const path = join(folder, folderName, 'extract.jsonl');
      writeFileSync(path, lines[0]);
      return path;
    });
    const config = testConfig(paths);
    const logger = createMemoryLogger();
    await runSource(config, config.sources[0], loadRegion(config.regions[0]), logger);
    config.cleanup();
    expect(logger.entries.map((entry) => entry.message.en)).toContainEqual(expect.stringContaining('several files have the same name (extract.jsonl)'));
  });
});

describe('a table export with a repeated row', () => {
  let result: SourceResult;

  beforeAll(async () => {
    const config = testConfig();
    const source = { ...config.sources[0], id: 'spb-export', format: 'table' as const, files: [repeatedExport], mapping: join(ROOT, 'etl/mappings/spb-portal-export.json') };
    result = await runSource(config, source, loadRegion(config.regions[0]), createMemoryLogger());
    config.cleanup();
  });

  test('counts the repeats as duplicates', () => {
    expect(result.counts).toEqual({ read: 2002, accepted: 2000, rejected: 0, duplicates: 2 });
  });

  test('names the first row in each duplicate', () => {
    expect(duplicateLines(result).map((reject) => [reject.row, reject.field, english(reject.message)])).toEqual([
      [2002, 'Номер', 'the id already appeared in converted-cp1251-repeated-row.csv, row 2, with the same values in every mapped column; only that first record is kept, and this one is counted as a duplicate'],
      [2003, 'Номер', 'the id already appeared in converted-cp1251-repeated-row.csv, row 2, with the same values in every mapped column; only that first record is kept, and this one is counted as a duplicate'],
    ]);
  });
});

describe('rejects.csv of a snapshot with overlapping extracts', () => {
  let rejectsText: string;
  let cleanup: () => void;

  beforeAll(async () => {
    const { config, snapshot } = await buildTestSnapshot([earlyExtract, lateExtract]);
    cleanup = config.cleanup;
    rejectsText = readFileSync(join(snapshot.directory, 'rejects.csv'), 'utf8');
  });

  afterAll(() => cleanup());

  test('lists both duplicates', () => {
    expect(rejectsText.split('\n').filter((line) => line.includes(',duplicate_id,'))).toHaveLength(2);
  });

  test('explains a duplicate in Russian first', () => {
    expect(rejectsText).toContain('номер уже встречался: extract-early.jsonl, строка 2, и значения');
  });
});
