import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, test } from 'vitest';

import { parseTable, parseTableBytes, type TableLayout, type TableRow } from '../../etl/sources/table.ts';
import { readTableMapping, validateTableMapping, type TableMapping } from '../../etl/sources/table-mapping.ts';

// Real samples live in shared/data/real beside the repository (CI lays out a copy there too).
const SAMPLES = process.env.OPEN_DISTRICT_SAMPLES ?? fileURLToPath(new URL('../fixtures/real/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/table/', import.meta.url));
const MAPPINGS = fileURLToPath(new URL('../../etl/mappings/', import.meta.url));
const NYC = SAMPLES + 'nyc_311_2022_sample/311_Service_Requests_from_2010_to_Present.csv';
const KURSK = SAMPLES + 'kursk_obrashcheniya_2022/train_dataset_train.csv';

type Appeal = Extract<TableRow, { kind: 'appeal' }>;

interface Reading {
  rows: TableRow[];
  layout: TableLayout | null;
}

async function readTable(source: string | Uint8Array, mapping: TableMapping): Promise<Reading> {
  const reading: Reading = { rows: [], layout: null };
  const context = { timeZone: 'Europe/Moscow', displayName: 'table' };
  const options = { onLayout: (layout: TableLayout) => void (reading.layout = layout) };
  const rows = typeof source === 'string' ? parseTable(source, context, mapping, options) : parseTableBytes(source, context, mapping, options);
  for await (const row of rows) reading.rows.push(row);
  return reading;
}

function appeals(rows: readonly TableRow[]): Appeal[] {
  return rows.filter((row): row is Appeal => row.kind === 'appeal');
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(key(item))] = (counts[String(key(item))] ?? 0) + 1;
  return counts;
}

function rawMapping(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(MAPPINGS + name, 'utf8'));
}

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

// Expected values below were computed once, independently, with Python: csv.DictReader over the
// original UTF-8 files, datetime.strptime('%m/%d/%Y %I:%M:%S %p') with zoneinfo America/New_York
// for NYC, and re.sub(r'^Администрация ([А-ЯЁ][а-яё-]+)ского района$', r'\1ский район') for Kursk.

describe('table NYC 311 CSV', () => {
  let reading: Reading;

  beforeAll(async () => {
    reading = await readTable(NYC, await readTableMapping(MAPPINGS + 'nyc-311.json'));
  });

  test('accepts every row', () => {
    expect(appeals(reading.rows)).toHaveLength(924);
  });

  test('maps statuses', () => {
    expect(countBy(appeals(reading.rows), (row) => row.draft.status)).toEqual({ closed: 480, in_progress: 444 });
  });

  test('keeps original statuses', () => {
    expect(countBy(appeals(reading.rows), (row) => row.draft.status_original)).toEqual({ Closed: 480, 'In Progress': 440, Open: 4 });
  });

  test('nulls missing coordinates', () => {
    expect(appeals(reading.rows).filter((row) => row.draft.latitude === null)).toHaveLength(11);
  });

  test('reads 12 AM as midnight', () => {
    expect(iso(appeals(reading.rows)[0].draft.created_at)).toBe('2022-05-01T04:00:03.000Z');
  });

  test('reads the last creation time', () => {
    expect(iso(Math.max(...appeals(reading.rows).map((row) => row.draft.created_at)))).toBe('2022-05-01T06:06:26.000Z');
  });

  test('reads the last closing time', () => {
    expect(iso(Math.max(...appeals(reading.rows).map((row) => row.draft.closed_at ?? 0)))).toBe('2022-05-01T06:06:52.000Z');
  });

  test('reads boroughs as district names', () => {
    expect(countBy(appeals(reading.rows), (row) => row.draft.district_name)).toEqual({ BROOKLYN: 269, MANHATTAN: 240, QUEENS: 237, BRONX: 158, 'STATEN ISLAND': 20 });
  });

  test('numbers rows as a spreadsheet does', () => {
    expect(appeals(reading.rows).at(-1)?.row).toBe(925);
  });

  test('detects ASCII as UTF-8', () => {
    expect(reading.layout?.encoding).toBe('utf-8');
  });

  test('detects the comma', () => {
    expect(reading.layout?.delimiter).toBe(',');
  });

  test('keeps addresses out of drafts', () => {
    expect(JSON.stringify(appeals(reading.rows).map((row) => row.draft))).not.toContain('GERARD AVENUE');
  });
});

describe('table NYC 311 CSV with a UTF-8 byte order mark', () => {
  let reading: Reading;

  beforeAll(async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...readFileSync(NYC)]);
    reading = await readTable(bytes, await readTableMapping(MAPPINGS + 'nyc-311.json'));
  });

  test('names the mark as the reason', () => {
    expect(reading.layout?.encodingReason?.en).toBe('UTF-8 byte order mark');
  });

  test('finds the first column behind the mark', () => {
    expect(appeals(reading.rows)[0].draft.appeal_id).toBe('54049402');
  });
});

describe('table Kursk messages CSV', () => {
  let plain: Reading;
  let withFallback: Reading;

  beforeAll(async () => {
    plain = await readTable(KURSK, await readTableMapping(MAPPINGS + 'kursk-messages.json'));
    const mapping = {
      ...rawMapping('kursk-messages.json'),
      created_at_fallback: { value: '2022-01-01T00:00:00+03:00', reason: 'test only: one time for every row' },
      status_default: { status: 'in_progress', original: 'нет в выгрузке' },
    };
    withFallback = await readTable(KURSK, validateTableMapping(mapping, 'kursk-with-fallback.json'));
  });

  test('reads records with line breaks in quotes', () => {
    expect(plain.rows).toHaveLength(2000);
  });

  test('rejects rows without a creation time', () => {
    expect(countBy(plain.rows, (row) => (row.kind === 'reject' ? row.reject.reason : row.kind))).toEqual({ missing_created_at: 2000 });
  });

  test('names the mapping in the reject', () => {
    const reject = plain.rows[0].kind === 'reject' ? plain.rows[0].reject : null;
    expect(reject?.message).toContain('kursk-messages.json declares that the export has no creation time');
  });

  test('accepts rows with a fallback', () => {
    expect(appeals(withFallback.rows)).toHaveLength(2000);
  });

  test('marks the fallback per row', () => {
    expect(appeals(withFallback.rows).every((row) => row.created_at_fallback)).toBe(true);
  });

  test('infers districts from agencies', () => {
    expect(appeals(withFallback.rows).filter((row) => row.district_inferred)).toHaveLength(191);
  });

  test('infers 26 distinct districts', () => {
    expect(new Set(appeals(withFallback.rows).map((row) => row.draft.district_name).filter(Boolean)).size).toBe(26);
  });

  test('turns the genitive into the district name', () => {
    expect(appeals(withFallback.rows).filter((row) => row.draft.district_name === 'Льговский район')).toHaveLength(12);
  });

  test('leaves town bodies without a district', () => {
    const town = appeals(withFallback.rows).find((row) => row.draft.agency === 'Администрация города Железногорска');
    expect([town?.draft.district_name, town?.district_inferred]).toEqual([null, false]);
  });

  test('keeps message texts out of drafts', () => {
    expect(JSON.stringify(appeals(withFallback.rows).map((row) => row.draft))).not.toContain('<p>');
  });
});

describe('table Kursk rows converted to windows-1251 with semicolons', () => {
  let reading: Reading;

  beforeAll(async () => {
    const mapping = {
      ...rawMapping('kursk-messages.json'),
      created_at_fallback: { value: '2022-01-01T00:00:00+03:00', reason: 'test only: one time for every row' },
      status_default: { status: 'in_progress', original: 'нет в выгрузке' },
    };
    reading = await readTable(FIXTURES + 'kursk-converted-cp1251-semicolon.csv', validateTableMapping(mapping, 'kursk-with-fallback.json'));
  });

  test('falls back to windows-1251', () => {
    expect(reading.layout?.encoding).toBe('windows-1251');
  });

  test('says why it fell back', () => {
    expect(reading.layout?.encodingReason?.en).toMatch(/^not valid UTF-8 \(the byte at offset \d+\), read as windows-1251$/);
  });

  test('detects the semicolon', () => {
    expect(reading.layout?.delimiter).toBe(';');
  });

  test('accepts all 200 rows', () => {
    expect(appeals(reading.rows)).toHaveLength(200);
  });

  test('decodes Cyrillic agencies', () => {
    expect(appeals(reading.rows).filter((row) => row.draft.agency === 'Администрация города Курска')).toHaveLength(38);
  });

  test('infers districts', () => {
    expect(appeals(reading.rows).filter((row) => row.district_inferred)).toHaveLength(13);
  });
});

describe('table NYC rows converted to semicolons and dd.mm.yyyy', () => {
  let reading: Reading;

  beforeAll(async () => {
    const mapping = { ...rawMapping('nyc-311.json'), date_formats: ['dd.mm.yyyy'] };
    reading = await readTable(FIXTURES + 'nyc-311-converted-cp1251-semicolon.csv', validateTableMapping(mapping, 'nyc-311-russian-dates.json'));
  });

  test('accepts all 200 rows', () => {
    expect(appeals(reading.rows)).toHaveLength(200);
  });

  test('maps statuses', () => {
    expect(countBy(appeals(reading.rows), (row) => row.draft.status)).toEqual({ closed: 147, in_progress: 53 });
  });

  test('reads dd.mm.yyyy in the mapping zone', () => {
    expect(iso(appeals(reading.rows)[0].draft.created_at)).toBe('2022-05-01T04:00:03.000Z');
  });

  test('reads the last creation time', () => {
    expect(iso(Math.max(...appeals(reading.rows).map((row) => row.draft.created_at)))).toBe('2022-05-01T04:18:32.000Z');
  });

  test('reads decimal commas', () => {
    expect(appeals(reading.rows)[1].draft.latitude).toBe(40.812);
  });

  test('nulls missing coordinates', () => {
    expect(appeals(reading.rows).filter((row) => row.draft.latitude === null)).toHaveLength(2);
  });
});

describe('table NYC rows converted to XLSX', () => {
  let xlsx: Reading;
  let csv: Reading;

  beforeAll(async () => {
    xlsx = await readTable(FIXTURES + 'nyc-311-converted.xlsx', await readTableMapping(MAPPINGS + 'nyc-311.json'));
    const mapping = { ...rawMapping('nyc-311.json'), date_formats: ['dd.mm.yyyy'] };
    csv = await readTable(FIXTURES + 'nyc-311-converted-cp1251-semicolon.csv', validateTableMapping(mapping, 'nyc-311-russian-dates.json'));
  });

  test('accepts all 200 rows', () => {
    expect(appeals(xlsx.rows)).toHaveLength(200);
  });

  test('reports the XLSX layout', () => {
    expect(xlsx.layout?.kind).toBe('xlsx');
  });

  test('reads ids from number cells', () => {
    expect(appeals(xlsx.rows)[0].draft.appeal_id).toBe('54049402');
  });

  test('matches the CSV creation times', () => {
    expect(appeals(xlsx.rows).map((row) => row.draft.created_at)).toEqual(appeals(csv.rows).map((row) => row.draft.created_at));
  });

  test('matches the CSV closing times', () => {
    expect(appeals(xlsx.rows).map((row) => row.draft.closed_at)).toEqual(appeals(csv.rows).map((row) => row.draft.closed_at));
  });

  test('matches the CSV coordinates', () => {
    expect(appeals(xlsx.rows).map((row) => row.draft.longitude)).toEqual(appeals(csv.rows).map((row) => row.draft.longitude));
  });

  test('reads the sheet the mapping names', async () => {
    const mapping = validateTableMapping({ ...rawMapping('nyc-311.json'), sheet: '311 requests' }, 'nyc-311-sheet.json');
    expect(appeals((await readTable(FIXTURES + 'nyc-311-converted.xlsx', mapping)).rows)).toHaveLength(200);
  });

  test('lists the sheets when one is missing', async () => {
    const mapping = validateTableMapping({ ...rawMapping('nyc-311.json'), sheet: 'Обращения' }, 'nyc-311-sheet.json');
    await expect(readTable(FIXTURES + 'nyc-311-converted.xlsx', mapping)).rejects.toThrow('no sheet "Обращения"; the workbook has: 311 requests');
  });

  test('reads the same bytes from memory', async () => {
    const fromBytes = await readTable(readFileSync(FIXTURES + 'nyc-311-converted.xlsx'), await readTableMapping(MAPPINGS + 'nyc-311.json'));
    expect(appeals(fromBytes.rows)).toHaveLength(200);
  });
});
