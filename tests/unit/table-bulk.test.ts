// The bulk table reader (etl/bulk/) against the row-by-row adapter and pipeline: on the real
// fixtures and on a small export made of hard cases, both must give the same counts, appeals,
// status events and rejects, and the same snapshot files.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { BulkDatabase } from '../../etl/bulk/database.ts';
import type { Config, DistrictPolicy, SourceConfig } from '../../etl/config.ts';
import { loadRegion, type Region } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { DEFAULT_EFFECTS, runAllSources, runSource, type SourceResult } from '../../etl/pipeline.ts';
import type { Appeal, Reject, StatusEvent } from '../../etl/schema.ts';
import { writeSnapshot } from '../../etl/snapshot.ts';
import ExcelJS from 'exceljs';

import { encodeWindows1251 } from '../../bench/etl-generate.ts';
import { parseCsv } from '../../etl/lib/csv.ts';
import { ROOT, testConfig } from '../helpers/fixtures.ts';
import { FIXED_NOW, parquetCells, plainRow } from '../helpers/snapshot.ts';

const SPB_EXPORT = join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv');
const SPB_MAPPING = join(ROOT, 'etl/mappings/spb-portal-export.json');
const NYC = join(ROOT, 'tests/fixtures/real/nyc_311_2022_sample/311_Service_Requests_from_2010_to_Present.csv');
const NYC_MAPPING = join(ROOT, 'etl/mappings/nyc-311.json');
const KURSK = join(ROOT, 'tests/fixtures/real/kursk_obrashcheniya_2022/train_dataset_train.csv');
const KURSK_MAPPING = join(ROOT, 'etl/mappings/kursk-messages.json');

const KEEP_UNPLACED: DistrictPolicy = { conflict: 'reject', pointMismatch: 'keep', unplaced: 'keep' };

interface Both {
  js: SourceResult;
  bulk: SourceResult;
  bulkAppeals: Appeal[];
  bulkEvents: StatusEvent[];
  bulkRejects: Reject[];
  warnings: string[];
  warningsRu: string[];
  /** English warnings of the row-by-row run. */
  jsWarnings: string[];
}

let config: Config & { cleanup: () => void };
let region: Region;
let scratch: string;

beforeAll(() => {
  config = testConfig();
  region = loadRegion(config.regions[0]);
  scratch = mkdtempSync(join(tmpdir(), 'open-district-bulk-'));
});

afterAll(() => {
  config.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

function tableSource(files: string[], mapping: string, districtPolicy?: DistrictPolicy): SourceConfig {
  return { ...config.sources[0], id: 'table-export', format: 'table', files, mapping, districtPolicy };
}

/** Runs a source row by row and in bulk, and reads the bulk tables back. */
/** A fixed clock for both readers, so that their messages about times in the future agree. */
const FIXED_EFFECTS = { ...DEFAULT_EFFECTS, now: () => FIXED_NOW };

async function runBoth(source: SourceConfig): Promise<Both> {
  const jsLogger = createMemoryLogger();
  const js = await runSource(config, source, region, jsLogger, FIXED_EFFECTS);
  const database = await BulkDatabase.open();
  try {
    const logger = createMemoryLogger();
    const bulk = await runSource(config, source, region, logger, FIXED_EFFECTS, { bulk: 'always', database: async () => database });
    const tables = bulk.bulk;
    const read = async <T,>(sql: string) => (tables ? (await database.rows<Record<string, unknown>>(sql)).map((row) => plainRow<T>(row)) : []);
    return {
      js,
      bulk,
      bulkAppeals: await read<Appeal>(`SELECT * FROM ${tables?.appeals} ORDER BY appeal_id`),
      bulkEvents: await read<StatusEvent>(`SELECT * FROM ${tables?.events} ORDER BY appeal_id, sequence`),
      // A file that fell back to the row-by-row adapter keeps its rejects in the result.
      bulkRejects: tables?.rejects ? await read<Reject>(`SELECT source, file, row, record_id, field, value, reason, message FROM ${tables.rejects} ORDER BY stage, file_index, row`) : bulk.rejects,
      warnings: logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message.en),
      warningsRu: logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message.ru),
      jsWarnings: jsLogger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message.en),
    };
  } finally {
    database.close();
  }
}

function summary(result: SourceResult) {
  const { counts, reasons, districtRules, pointsOutsideDistrict, scrubbed, districtsInferred, districtNamesUnmatched, districtFlags, warnings, asOf, asOfRule, period } = result;
  return { counts, reasons, districtRules, pointsOutsideDistrict, scrubbed, districtsInferred, districtNamesUnmatched, districtFlags, warnings, asOf, asOfRule, period };
}

/** Orders ids as DuckDB orders VARCHAR: by code unit, which for these ASCII ids is byte order. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const byAppealId = <T extends { appeal_id: string }>(items: readonly T[]) => [...items].sort((a, b) => compareIds(a.appeal_id, b.appeal_id));
const byAppealAndSequence = (events: readonly StatusEvent[]) => [...events].sort((a, b) => compareIds(a.appeal_id, b.appeal_id) || a.sequence - b.sequence);
const rejectObjects = (rejects: readonly Reject[]) => rejects.map(({ source, file, row, record_id, field, value, reason, message }) => ({ source, file, row, record_id, field, value, reason, message }));

/** Asserts that the two readers agree on everything a snapshot is made of. */
function expectAgreement(both: Both): void {
  expect(both.bulk.bulk?.readInBulk, 'the bulk reader fell back to the row-by-row adapter').toBe(true);
  expect(summary(both.bulk)).toEqual(summary(both.js));
  expect(both.bulkAppeals).toEqual(byAppealId(both.js.appeals));
  expect(both.bulkEvents).toEqual(byAppealAndSequence(both.js.events));
  expect(rejectObjects(both.bulkRejects)).toEqual(rejectObjects(both.js.rejects));
}

describe('bulk reader on the converted portal export', () => {
  let both: Both;

  beforeAll(async () => {
    both = await runBoth(tableSource([SPB_EXPORT], SPB_MAPPING));
  });

  test('reads in bulk without falling back', () => {
    expect([both.bulk.bulk?.readInBulk, both.warnings]).toEqual([true, []]);
  });

  test('accepts the same ids', () => {
    expect(both.bulkAppeals.map((appeal) => appeal.appeal_id)).toEqual(byAppealId(both.js.appeals).map((appeal) => appeal.appeal_id));
  });

  test('gives the same statuses', () => {
    expect(both.bulkAppeals.map((appeal) => appeal.status)).toEqual(byAppealId(both.js.appeals).map((appeal) => appeal.status));
  });

  test('gives the same districts', () => {
    expect(both.bulkAppeals.map((appeal) => appeal.district)).toEqual(byAppealId(both.js.appeals).map((appeal) => appeal.district));
  });

  test('gives the same creation times', () => {
    expect(both.bulkAppeals.map((appeal) => appeal.created_at)).toEqual(byAppealId(both.js.appeals).map((appeal) => appeal.created_at));
  });

  test('agrees on every column, event and count', () => {
    expectAgreement(both);
  });

  test('counts add up to the rows read', () => {
    const { read, accepted, rejected, duplicates } = both.bulk.counts;
    expect(accepted + rejected + duplicates).toBe(read);
  });
});

describe('bulk reader on NYC 311', () => {
  test('rejects every row for the same reasons', async () => {
    const both = await runBoth(tableSource([NYC], NYC_MAPPING));
    expect(both.bulk.reasons).toEqual({ district_unknown: 924 });
    expectAgreement(both);
  });

  test('names the export column of a district reject', async () => {
    const both = await runBoth(tableSource([NYC], NYC_MAPPING));
    expect(new Set(both.bulkRejects.map((reject) => reject.field))).toEqual(new Set(['Borough']));
  });

  test('keeps the same unplaced rows under a keeping policy', async () => {
    const both = await runBoth(tableSource([NYC], NYC_MAPPING, KEEP_UNPLACED));
    expect(both.bulk.counts.accepted).toBe(924);
    expectAgreement(both);
  });

  test('agrees on the windows-1251 conversion', async () => {
    expectAgreement(await runBoth(tableSource([join(ROOT, 'tests/fixtures/table/nyc-311-converted-cp1251-semicolon.csv')], NYC_MAPPING, KEEP_UNPLACED)));
  });
});

describe('bulk reader on the Kursk messages', () => {
  test('reads values spanning lines in bulk', async () => {
    const both = await runBoth(tableSource([KURSK], KURSK_MAPPING));
    expect(both.bulk.reasons).toEqual({ missing_created_at: 2000 });
    expectAgreement(both);
  });
});

// ------------------------------------------------------------------------------------------------
// Hard cases, one or two per row. The columns are those of spb-portal-export.json.

const HEADER = ['Номер', 'Дата создания', 'Дата первого ответа', 'Дата закрытия', 'Статус', 'Категория', 'Рубрика', 'Исполнитель', 'Район', 'Широта', 'Долгота'];
const OPEN = 'Рассмотрение';
const AUTO_CLOSED = 'Завершено: Автоматически';
const RESOLVED = 'Завершено: Пользователь удовлетворен решением проблемы';

function record(id: string, created: string, overrides: Partial<Record<'first' | 'closed' | 'status' | 'category' | 'rubric' | 'agency' | 'district' | 'latitude' | 'longitude', string>> = {}): string[] {
  return [
    id,
    created,
    overrides.first ?? '',
    overrides.closed ?? '',
    overrides.status ?? OPEN,
    overrides.category ?? 'Благоустройство',
    overrides.rubric ?? 'Мусор',
    overrides.agency ?? 'Администрация Невского района',
    overrides.district ?? 'Невский район',
    overrides.latitude ?? '59.87',
    overrides.longitude ?? '30.45',
  ];
}

const HARD_CASES: string[][] = [
  record('100001', '01.11.2020 10:00:00', { first: '02.11.2020 10:00:00', closed: '03.11.2020 10:00:00', status: RESOLVED }),
  record('', '01.11.2020 10:00:00'),
  record(' 100003 ', '01.11.2020 10:00:00'),
  record('100004\u00a0', '01.11.2020 10:00:00'),
  record('100001', '05.11.2020 10:00:00'),
  record('100006', '31.02.2021 10:00:00'),
  record('100006', '06.11.2020 10:00:00'),
  record('100006', '07.11.2020 10:00:00', { status: 'Неизвестный статус' }),
  record('100009', '2020/11/01'),
  record('100010', '1.11.2020 9:05'),
  record('100011', '2020-11-01T10:00:00Z'),
  record('100012', '01.11.2020'),
  record('100013', '01.11.2020 10:00:00', { status: ' рассмотрение ' }),
  record('100014', '01.11.2020 10:00:00', { status: '' }),
  record('100015', '01.11.2020 10:00:00', { status: AUTO_CLOSED }),
  record('100016', '05.11.2020 10:00:00', { closed: '01.11.2020 10:00:00', status: AUTO_CLOSED }),
  record('100017', '01.11.2020 10:00:00', { latitude: 'abc' }),
  record('100018', '01.11.2020 10:00:00', { latitude: '55.75', longitude: '37.62' }),
  record('100019', '01.11.2020 10:00:00', { latitude: '59,87', longitude: '30,45' }),
  record('100020', '01.11.2020 10:00:00', { latitude: '0', longitude: '0' }),
  record('100021', '01.11.2020 10:00:00', { district: '', latitude: '59.994', longitude: '30.197' }),
  record('100022', '01.11.2020 10:00:00', { district: '', latitude: '59.95', longitude: '29.45' }),
  record('100023', '01.11.2020 10:00:00', { district: '', latitude: '', longitude: '' }),
  record('100024', '01.11.2020 10:00:00', { district: 'Марсианский район', latitude: '', longitude: '' }),
  record('100045', '01.11.2020 10:00:00', { district: 'Выборгскй район', latitude: '59.994', longitude: '30.197' }),
  record('100025', '01.11.2020 10:00:00', { latitude: '59.735', longitude: '30.570' }),
  record('100026', '01.11.2020 10:00:00', { category: 'Звонить +7 (812) 576-82-14', agency: 'Отдел, почта otdel@example.ru' }),
  ['', '', '', '', '', '', '', '', '', '', ''],
  record('100028', '01.11.2020 10:00:00', { rubric: 'Рубрика\r\nс переносом строки' }),
  record('100029', '02.11.2020 10:00:00', { first: '01.11.2020 10:00:00', closed: '02.11.2020 10:00:00', status: AUTO_CLOSED }),
  record('100030', '01.11.2020 10:00:00', { first: '03.11.2020 10:00:00', closed: '03.11.2020 10:00:00', status: RESOLVED }),
  record('100031', '01.11.2020 10:00:00', { agency: 'СПб ГКУ "Жилищное агентство; Невского района"' }),
  record('100032', `${'не дата '.repeat(40)}`),
  record('100033', '01.11.2020 10:00:00', { status: 'Смотрите у Иванова И. И., тел. 576-82-14' }),
  record('100034', '01.11.2020 10:00:00', { district: 'НЕВСКИЙ Р-Н' }),
  record('100035', '15.03.2021 23:59:59', { first: '15.04.2021 23:59:59' }),
  record('100036', '29.02.2020 12:00:00', { first: '31.04.2020 12:00:00' }),
  record('100037', '01.11.2099 10:00:00'),
  record('100038', '01.11.2020 10:00:00', { first: '01.12.2099 10:00:00' }),
  record('100039', '01.11.2020 10:00:00', { closed: '01.12.2099 10:00:00', status: AUTO_CLOSED }),
  record('100040', '01.11.2099 10:00:00', { first: '02.11.2020 10:00:00', closed: '03.11.2020 10:00:00', status: AUTO_CLOSED }),
  record('100041', '01.11.2020 10:00:00', { first: '01.11.2020' }),
  record('100042', '05.11.2020 10:00:00', { first: '01.11.2020 10:00:00' }),
  record('100030', '01.11.2020 10:00:00', { first: '03.11.2020 10:00:00', closed: '03.11.2020 10:00:00', status: RESOLVED }),
  record('100043', '01.11.2020 10:00:00', { closed: '05.11.2020 10:00:00' }),
  record('100044', '01.11.2020 10:00:00', { closed: '06.11.2020' }),
  record('100050', '01.11.2020 10:00:00', { district: 'Марсианский район', latitude: '', longitude: '' }),
  record('100050', '02.11.2020 10:00:00'),
  record('100050', '03.11.2020 10:00:00'),
  record('100061', '01.11.2020 10:00:00', { latitude: '59.870', longitude: '30,45' }),
  record('100061', '01.11.2020 10:00:00', { latitude: '59.87', longitude: '30.450' }),
];

function csvText(rows: readonly (readonly string[])[], lineBreak = '\r\n'): string {
  const field = (value: string) => (/[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [HEADER, ...rows].map((row) => row.map(field).join(';')).join(lineBreak) + lineBreak;
}

function writeExport(name: string, contents: string | Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, contents);
  return path;
}

function writeMapping(name: string, changes: Record<string, unknown>): string {
  const mapping = { ...JSON.parse(readFileSync(SPB_MAPPING, 'utf8')), ...changes };
  return writeExport(name, JSON.stringify(mapping));
}

describe('bulk reader on hard cases', () => {
  let both: Both;

  beforeAll(async () => {
    both = await runBoth(tableSource([writeExport('hard-cases.csv', csvText(HARD_CASES))], SPB_MAPPING));
  });

  test('counts the misspelt district placed by its point', () => {
    expect([both.bulk.districtNamesUnmatched, both.js.districtNamesUnmatched]).toEqual([1, 1]);
  });

  test('meets every reject reason of the cases', () => {
    expect(Object.keys(both.bulk.reasons).sort()).toEqual(
      [
        'answer_before_created',
        'closed_before_created',
        'coordinates_out_of_bounds',
        'district_unknown',
        'impossible_date',
        'invalid_coordinate',
        'invalid_time',
        'missing_closed_at',
        'missing_id',
        'missing_status',
        'no_location',
        'outside_region',
        'time_in_future',
        'unknown_status',
      ].sort(),
    );
  });

  test('blames a creation time in the future on the creation time', () => {
    expect(both.bulkRejects.find((reject) => reject.record_id === '100040')).toMatchObject({ field: 'Дата создания', reason: 'time_in_future' });
  });

  test('keeps an answer dated on the day of the creation', () => {
    expect(both.bulkRejects.some((reject) => reject.record_id === '100041')).toBe(false);
  });

  test('counts repeated ids as duplicates', () => {
    expect(both.bulk.counts.duplicates).toBe(5);
  });

  test('publishes a copy of a record that the district step rejected', () => {
    expect(both.bulkAppeals.filter((appeal) => appeal.appeal_id === '100050').map((appeal) => appeal.created_at)).toEqual([Date.parse('2020-11-02T07:00:00Z')]);
  });

  test('lists repeated ids in the rejects with their first rows', () => {
    const messages = both.bulkRejects.filter((reject) => reject.reason === 'duplicate_id').map((reject) => reject.message);
    expect(messages).toEqual([
      expect.stringContaining('already appeared in hard-cases.csv, row 2, with another value in the column "Дата создания";'),
      expect.stringContaining('already appeared in hard-cases.csv, row 8, with another value in the column "Дата создания";'),
      expect.stringContaining('already appeared in hard-cases.csv, row 32, with the same values in every mapped column;'),
      expect.stringContaining('already appeared in hard-cases.csv, row 49, with another value in the column "Дата создания";'),
      expect.stringContaining('already appeared in hard-cases.csv, row 51, with the same values in every mapped column;'),
    ]);
  });

  test('counts closing times beside an open status as warnings', () => {
    expect(both.bulk.warnings).toEqual({ closed_at_ignored: 2 });
  });

  test('logs the same warnings as the row-by-row reader', () => {
    expect(both.warnings).toEqual(both.jsWarnings);
  });

  test('names the first ignored closing time', () => {
    expect(both.warnings).toContainEqual(expect.stringContaining('closed_at_ignored in 2 records; the first: hard-cases.csv, row 46, field "Дата закрытия" = 05.11.2020 10:00:00 — the status "Рассмотрение" is not a closing one'));
  });

  test('skips the blank record', () => {
    expect(both.bulk.counts.read).toBe(HARD_CASES.length - 1);
  });

  test('agrees on every column, event, reject and count', () => {
    expectAgreement(both);
  });

  test('agrees with LF line breaks and windows-1251 bytes', async () => {
    expectAgreement(await runBoth(tableSource([writeExport('hard-cases-1251.csv', encodeWindows1251(csvText(HARD_CASES, '\n')))], SPB_MAPPING)));
  });

  test('agrees on a gzip file', async () => {
    const both = await runBoth(tableSource([writeExport('hard-cases.csv.gz', gzipSync(encodeWindows1251(csvText(HARD_CASES))))], SPB_MAPPING));
    expectAgreement(both);
  });

  test('names a truncated gzip file as the row-by-row reader does', async () => {
    const whole = gzipSync(encodeWindows1251(csvText(HARD_CASES)));
    const path = writeExport('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    const database = await BulkDatabase.open();
    try {
      const outcome = await runSource(config, tableSource([path], SPB_MAPPING), region, createMemoryLogger(), FIXED_EFFECTS, { bulk: 'always', database: async () => database }).then(
        () => 'no error',
        (error: Error) => error.message,
      );
      expect(outcome).toContain('cut.csv.gz: the gzip archive is truncated or damaged');
    } finally {
      database.close();
    }
  });

  test('names a plain CSV named .gz', async () => {
    const path = writeExport('plain.csv.gz', csvText(HARD_CASES));
    const outcome = await runSource(config, tableSource([path], SPB_MAPPING), region, createMemoryLogger(), FIXED_EFFECTS).then(
      () => 'no error',
      (error: Error) => error.message,
    );
    expect(outcome).toContain('plain.csv.gz: the name ends in .gz, but the file is not gzip');
  });

  test('agrees after a byte order mark and a sep= line', async () => {
    expectAgreement(await runBoth(tableSource([writeExport('hard-cases-sep.csv', `\uFEFFsep=;\r\n${csvText(HARD_CASES)}`)], SPB_MAPPING)));
  });

  test('agrees when point mismatches are rejected and unplaced rows kept', async () => {
    const policy: DistrictPolicy = { conflict: 'keep', pointMismatch: 'reject', unplaced: 'keep' };
    expectAgreement(await runBoth(tableSource([writeExport('hard-cases-policy.csv', csvText(HARD_CASES))], SPB_MAPPING, policy)));
  });

  test('agrees on repeats across files', async () => {
    const first = writeExport('part-1.csv', csvText(HARD_CASES.slice(0, 20)));
    const second = writeExport('part-2.csv', csvText(HARD_CASES));
    const both = await runBoth(tableSource([first, second], SPB_MAPPING));
    expect(both.bulk.counts.duplicates).toBeGreaterThan(0);
    expectAgreement(both);
  });

  test('keeps an id free across files until a record with it is accepted', async () => {
    const unplaced = record('300010', '01.11.2020 10:00:00', { district: 'Марсианский район', latitude: '', longitude: '' });
    const accepted = record('300011', '01.11.2020 10:00:00');
    const first = writeExport('free-1.csv', csvText([unplaced, accepted]));
    const second = writeExport('free-2.csv', csvText([
      record('300010', '02.11.2020 10:00:00'),
      record('300011', '02.11.2020 10:00:00', { district: 'Марсианский район', latitude: '', longitude: '' }),
      record('300011', '31.02.2021 10:00:00'),
      record('300011', '03.11.2020 10:00:00'),
    ]));
    const both = await runBoth(tableSource([first, second], SPB_MAPPING));
    expect(both.bulkRejects.map((reject) => [reject.file, reject.row, reject.reason])).toEqual([
      ['free-2.csv', 3, 'duplicate_id'],
      ['free-2.csv', 4, 'impossible_date'],
      ['free-2.csv', 5, 'duplicate_id'],
      ['free-1.csv', 2, 'district_unknown'],
    ]);
    expectAgreement(both);
  });

  test('tells copies from other values across files', async () => {
    const first = writeExport('versions-1.csv', csvText([record('300001', '01.11.2020 10:00:00'), record('300002', '01.11.2020 10:00:00')]));
    const later = record('300001', '01.11.2020 10:00:00', { first: '02.11.2020 10:00:00', closed: '03.11.2020 10:00:00', status: RESOLVED });
    const second = writeExport('versions-2.csv', csvText([later, record('300002', '01.11.2020 10:00:00')]));
    const both = await runBoth(tableSource([first, second], SPB_MAPPING));
    const messages = both.bulkRejects.map((reject) => reject.message);
    expect(messages).toEqual([
      expect.stringContaining('already appeared in versions-1.csv, row 2, with another value in the column "Дата первого ответа"; only that first record is kept, and this one is counted as a duplicate; the record of the file listed earlier in sources[].files is kept'),
      expect.stringContaining('already appeared in versions-1.csv, row 3, with the same values in every mapped column;'),
    ]);
    expectAgreement(both);
  });
});

describe('bulk reader with other mapping settings', () => {
  test('agrees on district codes and conflicts', async () => {
    const mapping = writeMapping('with-codes.json', { columns: { ...JSON.parse(readFileSync(SPB_MAPPING, 'utf8')).columns, district_code: 'Код района' } });
    const rows = [
      [...record('200001', '01.11.2020 10:00:00'), '36'],
      [...record('200002', '01.11.2020 10:00:00'), '999'],
      [...record('200003', '01.11.2020 10:00:00', { district: '' }), '32'],
      [...record('200004', '01.11.2020 10:00:00'), ''],
    ];
    const text = [[...HEADER, 'Код района'], ...rows].map((row) => row.join(';')).join('\r\n') + '\r\n';
    for (const policy of [undefined, { conflict: 'keep', pointMismatch: 'keep', unplaced: 'reject' } as DistrictPolicy]) {
      expectAgreement(await runBoth(tableSource([writeExport('with-codes.csv', text)], mapping, policy)));
    }
  });

  test('agrees on a creation time fallback and a default status', async () => {
    const columns = { ...JSON.parse(readFileSync(SPB_MAPPING, 'utf8')).columns, created_at: null, status: null };
    const mapping = writeMapping('fallbacks.json', {
      columns,
      status_map: {},
      status_default: { status: 'in_progress', original: 'Принято' },
      created_at_fallback: { value: '2021-01-01T00:00:00+03:00', reason: 'the export was made on 1 January 2021' },
    });
    expectAgreement(await runBoth(tableSource([writeExport('fallbacks.csv', csvText(HARD_CASES))], mapping)));
  });

  test('agrees on districts read out of agency names', async () => {
    const mapping = writeMapping('agency-districts.json', {
      agency_district_pattern: { pattern: '^Администрация (?<stem>[А-ЯЁ][а-яё-]+)ского района$', district: '$<stem>ский район' },
    });
    const rows = HARD_CASES.map((row) => [...row.slice(0, 8), '', ...row.slice(9)]);
    const both = await runBoth(tableSource([writeExport('agency-districts.csv', csvText(rows))], mapping));
    expect(both.bulk.districtsInferred).toBeGreaterThan(0);
    expectAgreement(both);
  });

  test('agrees on a zone with daylight saving time', async () => {
    const mapping = writeMapping('new-york.json', { time_zone: 'America/New_York', bounds: null });
    const rows = [
      record('300001', '13.03.2022 01:30:00'),
      record('300002', '13.03.2022 02:30:00'),
      record('300003', '06.11.2022 01:30:00'),
      record('300004', '14.03.2022 12:00:00', { first: '06.11.2022 01:59:59' }),
      record('300005', '01.07.2022 12:00:00'),
    ];
    expectAgreement(await runBoth(tableSource([writeExport('new-york.csv', csvText(rows))], mapping, KEEP_UNPLACED)));
  });
});

describe('bulk reader fallback', () => {
  test('reads a file with a blank line row by row', async () => {
    const text = csvText(HARD_CASES.slice(0, 3)) + '\r\n' + csvText(HARD_CASES.slice(3, 6)).split('\r\n').slice(1).join('\r\n');
    const source = tableSource([writeExport('blank-line.csv', text)], SPB_MAPPING);
    const both = await runBoth(source);
    expect(both.bulk.bulk?.readInBulk).toBe(false);
    expect(both.warnings.join('\n')).toContain('read row by row');
    expect(summary(both.bulk)).toEqual(summary(both.js));
  });

  test('explains the fallback in Russian', async () => {
    const text = csvText(HARD_CASES.slice(0, 3)) + '\r\n' + csvText(HARD_CASES.slice(3, 6)).split('\r\n').slice(1).join('\r\n');
    const both = await runBoth(tableSource([writeExport('blank-line-ru.csv', text)], SPB_MAPPING));
    expect(both.warningsRu.join('\n')).toContain('читается построчно, потому что пакетное чтение не подходит: пустая строка среди записей');
  });

  test('reads a record with a wrong field count row by row', async () => {
    const text = csvText(HARD_CASES.slice(0, 3)) + '100099;01.11.2020 10:00:00\r\n';
    const both = await runBoth(tableSource([writeExport('short-record.csv', text)], SPB_MAPPING));
    expect([both.bulk.bulk?.readInBulk, both.bulk.reasons.wrong_field_count]).toEqual([false, 1]);
  });
});

describe('bulk reader errors', () => {
  /** Returns the message each reader fails with. */
  async function failures(source: SourceConfig): Promise<[string, string]> {
    const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
    const js = await runSource(config, source, region, createMemoryLogger()).then(() => 'no error', message);
    const database = await BulkDatabase.open();
    try {
      const bulk = await runSource(config, source, region, createMemoryLogger(), DEFAULT_EFFECTS, { bulk: 'always', database: async () => database }).then(() => 'no error', message);
      return [bulk, js];
    } finally {
      database.close();
    }
  }

  test('fails as the adapter does for a wrong encoding setting', async () => {
    const mapping = writeMapping('declared-utf8.json', { encoding: 'utf-8' });
    const [bulk, js] = await failures(tableSource([writeExport('really-1251.csv', encodeWindows1251(csvText(HARD_CASES)))], mapping));
    expect(js).toContain('is not valid UTF-8');
    expect(bulk).toBe(js);
  });

  test('fails as the adapter does for a missing column', async () => {
    const columns = { ...JSON.parse(readFileSync(SPB_MAPPING, 'utf8')).columns, rubric: 'Тема' };
    const [bulk, js] = await failures(tableSource([writeExport('missing-column.csv', csvText(HARD_CASES))], writeMapping('missing-column.json', { columns })));
    expect(js).toContain('«Тема» (columns.rubric)');
    expect(bulk).toBe(js);
  });
});

describe('snapshot from a bulk-read source', () => {
  let bulkSnapshot: string;
  let jsSnapshot: string;
  let bulkConfig: ReturnType<typeof testConfig>;
  let jsConfig: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    const files = [SPB_EXPORT, writeExport('snapshot-cases.csv', csvText(HARD_CASES))];
    const build = async (mode: 'always' | 'never') => {
      const built = testConfig();
      // Keeping unplaced rows puts appeals with no district into the sorted appeals.parquet.
      built.sources = [tableSource(files, SPB_MAPPING, KEEP_UNPLACED)];
      const { regions, results } = await runAllSources(built, createMemoryLogger(), FIXED_EFFECTS, mode);
      const snapshot = await writeSnapshot(built, regions, results, FIXED_NOW, createMemoryLogger());
      return { built, directory: snapshot.directory };
    };
    ({ built: bulkConfig, directory: bulkSnapshot } = await build('always'));
    ({ built: jsConfig, directory: jsSnapshot } = await build('never'));
  });

  afterAll(() => {
    bulkConfig.cleanup();
    jsConfig.cleanup();
  });

  for (const file of ['appeals.parquet', 'status_events.parquet']) {
    test(`writes the same ${file}`, async () => {
      expect(await parquetCells(join(bulkSnapshot, file))).toEqual(await parquetCells(join(jsSnapshot, file)));
    });
  }

  for (const file of ['rejects.csv', 'aggregates.json', 'changes.json']) {
    test(`writes the same ${file}`, () => {
      expect(readFileSync(join(bulkSnapshot, file), 'utf8')).toBe(readFileSync(join(jsSnapshot, file), 'utf8'));
    });
  }

  test('records the same sources in the manifest', () => {
    const sources = (directory: string) => JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')).sources;
    expect(sources(bulkSnapshot)).toEqual(sources(jsSnapshot));
  });
});

describe('the log line of the reader', () => {
  const NYC_XLSX = join(ROOT, 'tests/fixtures/table/nyc-311-converted.xlsx');

  /** Runs a source with a bulk mode and returns the English read lines of its log. */
  async function readLines(source: SourceConfig, mode: 'auto' | 'always'): Promise<string[]> {
    const database = await BulkDatabase.open();
    try {
      const logger = createMemoryLogger();
      await runSource(config, source, region, logger, FIXED_EFFECTS, { bulk: mode, database: async () => database });
      return logger.entries.filter((entry) => entry.step === 'read').map((entry) => entry.message.en);
    } finally {
      database.close();
    }
  }

  test('names DuckDB for a CSV read in bulk', async () => {
    const lines = await readLines(tableSource([SPB_EXPORT], SPB_MAPPING), 'always');
    expect(lines).toContain('table-export: DuckDB reads the file (0.5 MiB) in bulk');
  });

  test('gives the size of a CSV read row by row', async () => {
    const lines = await readLines(tableSource([SPB_EXPORT], SPB_MAPPING), 'auto');
    expect(lines).toContain("table-export: the file is read row by row, because its size (521.5 KiB) is under the 1 MiB (1,024 KiB) from which DuckDB's bulk reader is used");
  });

  test('finds no difference between an XLSX and a CSV of the same records', async () => {
    // The first records of the converted export, once as CSV text and once as an XLSX sheet whose
    // time cells are dates, as a spreadsheet program writes them.
    const lines = new TextDecoder('windows-1251').decode(readFileSync(SPB_EXPORT)).split('\r\n').slice(0, 6);
    const csv = writeExport('same-records.csv', lines.join('\r\n') + '\r\n');
    const rows = parseCsv(lines.join('\r\n'), ';');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('appeals');
    const asDate = (text: string) => {
      const [day, month, year, hours, minutes, seconds] = text.split(/[. :]/).map(Number);
      return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
    };
    for (const [index, row] of rows.entries()) sheet.addRow(index === 0 ? row : row.map((cell, column) => (column >= 1 && column <= 3 && cell !== '' ? asDate(cell) : cell)));
    const xlsx = join(scratch, 'same-records.xlsx');
    await workbook.xlsx.writeFile(xlsx);

    const result = await runSource(config, tableSource([xlsx, csv], SPB_MAPPING), region, createMemoryLogger(), FIXED_EFFECTS);
    expect([result.counts.duplicates, result.differingDuplicates]).toEqual([5, 0]);
  });

  test('names the XLSX read row by row', async () => {
    const lines = await readLines(tableSource([NYC_XLSX], NYC_MAPPING), 'always');
    expect(lines).toContain("table-export: the file is read row by row, because DuckDB's bulk reader takes only CSV, plain or gzip (here: XLSX)");
  });
});
