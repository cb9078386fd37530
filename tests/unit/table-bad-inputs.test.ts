import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { ConfigError, InputError, type EtlError } from '../../etl/lib/errors.ts';
import { parseCsv } from '../../etl/lib/csv.ts';
import { parseTable, parseTableBytes, type TableRow } from '../../etl/sources/table.ts';
import { validateTableMapping, type TableMapping } from '../../etl/sources/table-mapping.ts';
import { messageHalves } from '../helpers/messages.ts';

// Each bad input is built from the first two real rows of the NYC 311 sample, changed in one place.
const SAMPLES = process.env.OPEN_DISTRICT_SAMPLES ?? fileURLToPath(new URL('../fixtures/real/', import.meta.url));
const MAPPINGS = fileURLToPath(new URL('../../etl/mappings/', import.meta.url));
const NYC_MAPPING: Record<string, unknown> = JSON.parse(readFileSync(MAPPINGS + 'nyc-311.json', 'utf8'));
const [HEADER, FIRST, SECOND] = parseCsv(readFileSync(SAMPLES + 'nyc_311_2022_sample/311_Service_Requests_from_2010_to_Present.csv', 'utf8'));

function mapping(overrides: Record<string, unknown> = {}): TableMapping {
  return validateTableMapping({ ...NYC_MAPPING, ...overrides }, 'etl/mappings/nyc-311.json');
}

function withCell(row: readonly string[], column: string, value: string): string[] {
  const copy = [...row];
  copy[HEADER.indexOf(column)] = value;
  return copy;
}

function toCsv(rows: readonly (readonly string[])[], delimiter = ','): string {
  const quote = (field: string) => (/[",;\t\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
  return rows.map((row) => row.map(quote).join(delimiter)).join('\n') + '\n';
}

async function read(input: string | Uint8Array, tableMapping = mapping()): Promise<TableRow[]> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const rows: TableRow[] = [];
  for await (const row of parseTableBytes(bytes, { timeZone: 'Europe/Moscow', displayName: 'export.csv', now: Date.parse('2026-12-04T00:00:00Z') }, tableMapping)) rows.push(row);
  return rows;
}

async function failure(promise: Promise<unknown>): Promise<EtlError | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return error as EtlError;
  }
}

function rejectOf(row: TableRow | undefined): [string, string] | string | undefined {
  return row?.kind === 'reject' ? [row.reject.reason, row.reject.field] : row?.kind;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/table/', import.meta.url));

/** The header and first row of the converted Kursk fixture: windows-1251 bytes, `;`, CRLF. */
const KURSK_CP1251 = firstLines(readFileSync(FIXTURES + 'kursk-converted-cp1251-semicolon.csv'), 2);
const KURSK_UTF8 = new TextDecoder('windows-1251').decode(KURSK_CP1251);

function firstLines(bytes: Uint8Array, count: number): Uint8Array {
  let end = 0;
  for (let line = 0; line < count; line += 1) end = bytes.indexOf(0x0a, end) + 1;
  return bytes.subarray(0, end);
}

const KURSK_MAPPING = {
  columns: { appeal_id: 'id', created_at: null, rubric: 'Тематика', agency: 'Ответственное лицо' },
  created_at_fallback: { value: '2022-01-01T00:00:00+03:00', reason: 'test' },
  status_default: { status: 'in_progress', original: 'нет' },
};

interface RowCase {
  readonly name: string;
  readonly csv: string;
  readonly expected: [string, string];
  readonly overrides?: Record<string, unknown>;
}

const ROW_CASES: readonly RowCase[] = [
  { name: 'impossible date', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', '02/31/2021 10:00:00 AM')]), expected: ['impossible_date', 'Created Date'] },
  { name: 'impossible Russian date', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', '31.02.2021')]), expected: ['impossible_date', 'Created Date'], overrides: { date_formats: ['dd.mm.yyyy'] } },
  { name: 'hour 13 PM', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', '05/01/2022 13:00:03 PM')]), expected: ['impossible_date', 'Created Date'] },
  { name: 'string "null" date', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', 'null')]), expected: ['invalid_time', 'Created Date'] },
  { name: 'string "true" date', csv: toCsv([HEADER, withCell(SECOND, 'Closed Date', 'true')]), expected: ['invalid_time', 'Closed Date'] },
  { name: 'ISO date in a US column', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', '2022-05-01T00:00:03')]), expected: ['invalid_time', 'Created Date'] },
  { name: 'empty creation time', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', '')]), expected: ['missing_created_at', 'Created Date'] },
  { name: 'empty id', csv: toCsv([HEADER, withCell(FIRST, 'Unique Key', '')]), expected: ['missing_id', 'Unique Key'] },
  { name: 'unknown status', csv: toCsv([HEADER, withCell(FIRST, 'Status', 'Assigned')]), expected: ['unknown_status', 'Status'] },
  { name: 'closed without a date', csv: toCsv([HEADER, withCell(SECOND, 'Closed Date', '')]), expected: ['missing_closed_at', 'Closed Date'] },
  { name: 'closed before created', csv: toCsv([HEADER, withCell(SECOND, 'Closed Date', '04/30/2022 11:00:00 PM')]), expected: ['closed_before_created', 'Closed Date'] },
  { name: 'creation time in the future', csv: toCsv([HEADER, withCell(FIRST, 'Created Date', '05/01/2099 12:00:03 AM')]), expected: ['time_in_future', 'Created Date'] },
  {
    name: 'point on the other side of the world',
    csv: toCsv([HEADER, withCell(withCell(FIRST, 'Latitude', '-40.83065331987539'), 'Longitude', '106.07691768966835')]),
    expected: ['coordinates_out_of_bounds', 'Latitude,Longitude'],
  },
  { name: 'latitude over 90', csv: toCsv([HEADER, withCell(FIRST, 'Latitude', '140.83065331987539')]), expected: ['invalid_coordinate', 'Latitude'] },
  { name: 'text in a coordinate', csv: toCsv([HEADER, withCell(FIRST, 'Longitude', 'n/a')]), expected: ['invalid_coordinate', 'Longitude'] },
  { name: 'missing field', csv: toCsv([HEADER]) + FIRST.slice(0, -1).join(',') + '\n', expected: ['wrong_field_count', '(record)'] },
  { name: 'text after a closing quote', csv: toCsv([HEADER]) + '"54049402"x,' + FIRST.slice(1).join(',') + '\n', expected: ['malformed_csv', '(record)'] },
];

/**
 * The header and first three records of the export converted from real portal records, with an
 * opening quote and no closing one put before the first record's agency, as a hand edit leaves it.
 */
const SPB_MAPPING = validateTableMapping(JSON.parse(readFileSync(MAPPINGS + 'spb-portal-export.json', 'utf8')), 'etl/mappings/spb-portal-export.json');
const STRAY_QUOTE_CSV = (() => {
  const lines = new TextDecoder('windows-1251').decode(firstLines(readFileSync(FIXTURES + 'spb-portal-converted-cp1251-semicolon.csv'), 4)).split('\r\n');
  const cells = lines[1].split(';');
  cells[7] = `"${cells[7]}`;
  lines[1] = cells.join(';');
  return lines.join('\r\n');
})();

describe('table bad rows', () => {
  for (const rowCase of ROW_CASES) {
    test(`rejects ${rowCase.name}`, async () => {
      const rows = await read(rowCase.csv, mapping(rowCase.overrides));
      expect(rejectOf(rows[0])).toEqual(rowCase.expected);
    });

    test(`explains ${rowCase.name} in Russian`, async () => {
      const rows = await read(rowCase.csv, mapping(rowCase.overrides));
      expect(rows[0].kind).toBe('reject');
      if (rows[0].kind !== 'reject') return;
      expect(messageHalves(rows[0].reject.message).russian).toBe(true);
    });

    test(`cites the same numbers for ${rowCase.name} in both languages`, async () => {
      const rows = await read(rowCase.csv, mapping(rowCase.overrides));
      expect(rows[0].kind).toBe('reject');
      if (rows[0].kind !== 'reject') return;
      const halves = messageHalves(rows[0].reject.message);
      expect(halves.ruNumbers).toEqual(expect.arrayContaining(halves.enNumbers));
    });
  }

  test('rejects a repeated id', async () => {
    const rows = await read(toCsv([HEADER, FIRST, FIRST]));
    expect(rejectOf(rows[1])).toEqual(['duplicate_id', 'Unique Key']);
  });

  test('keeps the first of repeated ids', async () => {
    const rows = await read(toCsv([HEADER, FIRST, FIRST]));
    expect(rows[0].kind).toBe('appeal');
  });

  test('names the first row of a repeated id', async () => {
    const rows = await read(toCsv([HEADER, FIRST, FIRST]));
    expect(rows[1]).toMatchObject({ reject: { message: expect.stringMatching(/already appeared in .+, row 2, with the same values in every mapped column;/) } });
  });

  test('advises the latest version for a differing repeat', async () => {
    const rows = await read(toCsv([HEADER, FIRST, withCell(FIRST, 'Status', 'Open')]));
    expect(rows[1]).toMatchObject({ reject: { message: expect.stringContaining('with another value in the column "Status"; only that first record is kept, and this one is counted as a duplicate; if the export holds several versions of an appeal, export only the latest') } });
  });

  test('names the lines a stray quote joined', async () => {
    const rows = await read(STRAY_QUOTE_CSV, SPB_MAPPING);
    expect(rows[0]).toMatchObject({ reject: { message: expect.stringContaining('the record took up lines 2–4 of the file') } });
  });

  test('names the column of a stray quote', async () => {
    const rows = await read(STRAY_QUOTE_CSV, SPB_MAPPING);
    expect(rows[0]).toMatchObject({ reject: { message: expect.stringMatching(/^текст после закрывающей кавычки поля 8 \(в заголовке — «Исполнитель»\)/) } });
  });

  test('names the accepted formats', async () => {
    const rows = await read(toCsv([HEADER, withCell(FIRST, 'Created Date', 'null')]));
    expect(rows[0]).toMatchObject({ reject: { message: expect.stringContaining('05/01/2022 12:00:03 AM') } });
  });
});

interface FileCase {
  readonly name: string;
  readonly input: () => string | Uint8Array;
  readonly mapping: () => TableMapping;
  readonly message: RegExp;
}

const FILE_CASES: readonly FileCase[] = [
  {
    name: 'missing mapped column',
    input: () => toCsv([HEADER.filter((name) => name !== 'Created Date'), FIRST.filter((_, index) => HEADER[index] !== 'Created Date')]),
    mapping,
    message: /missing column "?«Created Date» \(columns\.created_at\) named in the mapping file nyc-311\.json/,
  },
  {
    name: 'wrong delimiter',
    input: () => toCsv([HEADER, FIRST]),
    mapping: () => mapping({ delimiter: ';' }),
    message: /read as one column with the delimiter ";", but it contains ",": set delimiter to "," or "auto"/,
  },
  {
    name: 'windows-1251 declared as UTF-8',
    input: () => KURSK_CP1251,
    mapping: () => validateTableMapping({ ...KURSK_MAPPING, encoding: 'utf-8' }, 'kursk.json'),
    message: /kursk\.json sets encoding "utf-8", but the byte at offset 3 \(counting from 0\) is not valid UTF-8; .*set encoding to "windows-1251" or "auto"/,
  },
  {
    name: 'UTF-8 declared as windows-1251',
    input: () => KURSK_UTF8,
    mapping: () => validateTableMapping({ ...KURSK_MAPPING, encoding: 'windows-1251' }, 'kursk.json'),
    message: /looks like UTF-8 but was read as windows-1251/,
  },
  {
    name: 'unclosed quote',
    input: () => toCsv([HEADER, FIRST]) + '"54049403,' + FIRST.slice(1).join(','),
    mapping,
    message: /a quoted field that opens on line 3 is not closed before the end of the file/,
  },
  {
    name: 'repeated mapped column',
    input: () => toCsv([[...HEADER, 'Status'], [...FIRST, 'Open']]),
    mapping,
    message: /the column "Status" \(columns\.status in nyc-311\.json\) occurs 2 times/,
  },
  { name: 'empty file', input: () => '', mapping, message: /the file is empty, with no header row/ },
  { name: 'old Excel file', input: () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), mapping, message: /old Excel format \(\.xls\) is not read/ },
  { name: 'broken XLSX', input: () => new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), mapping, message: /the XLSX file could not be read/ },
];

describe('table bad files', () => {
  for (const fileCase of FILE_CASES) {
    test(`raises for ${fileCase.name}`, async () => {
      const error = await failure(read(fileCase.input(), fileCase.mapping()));
      expect(error?.bilingual.en).toMatch(fileCase.message);
    });
  }

  test('raises InputError for a missing column', async () => {
    const error = await failure(read(toCsv([['Unique Key'], ['1']])));
    expect(error).toBeInstanceOf(InputError);
  });

  test('names the missing column in Russian', async () => {
    const error = await failure(read(toCsv([['Unique Key'], ['1']])));
    expect(error?.bilingual.ru).toContain('нет столбцов «Created Date» (columns.created_at)');
  });

  test('raises InputError for a missing file', async () => {
    const rows = parseTable(FIXTURES + 'no-such-export.csv', { timeZone: 'Europe/Moscow', displayName: 'no-such-export.csv' }, mapping());
    const error = await failure(rows.next());
    expect(error?.bilingual.en).toBe('no-such-export.csv: file not found (ENOENT)');
  });

  test('reads windows-1251 when detecting', async () => {
    const rows = await read(KURSK_CP1251, validateTableMapping(KURSK_MAPPING, 'kursk.json'));
    expect(rows[0]).toMatchObject({ draft: { agency: 'Администрация Льговского района' } });
  });
});

interface MappingCase {
  readonly name: string;
  readonly json: Record<string, unknown>;
  readonly message: RegExp;
}

const MAPPING_CASES: readonly MappingCase[] = [
  { name: 'unknown key', json: { ...NYC_MAPPING, dateformat: 'x' }, message: /dateformat: unknown key/ },
  { name: 'unknown field', json: { ...NYC_MAPPING, columns: { ...(NYC_MAPPING.columns as object), address: 'Incident Address' } }, message: /columns\.address: unknown field/ },
  { name: 'no created_at entry', json: { ...NYC_MAPPING, columns: { appeal_id: 'Unique Key' } }, message: /columns\.created_at: required: a column name, or null/ },
  { name: 'unknown status', json: { ...NYC_MAPPING, status_map: { Open: 'opened' } }, message: /status_map\.Open: unknown status "opened"/ },
  { name: 'unknown date format', json: { ...NYC_MAPPING, date_formats: ['yyyy/mm/dd'] }, message: /date_formats: unknown format "yyyy\/mm\/dd"/ },
  { name: 'unknown zone', json: { ...NYC_MAPPING, time_zone: 'Moscow' }, message: /time_zone: unknown time zone "Moscow"/ },
  { name: 'fallback without offset', json: { ...NYC_MAPPING, created_at_fallback: { value: '2022-01-01T00:00:00', reason: 'x' } }, message: /created_at_fallback\.value: expected an ISO 8601 timestamp with an offset/ },
  { name: 'invalid pattern', json: { ...NYC_MAPPING, agency_district_pattern: { pattern: '(', district: '$1' } }, message: /agency_district_pattern\.pattern: invalid regular expression/ },
  { name: 'inverted bounds', json: { ...NYC_MAPPING, bounds: { south: 41, west: -74.3, north: 40.4, east: -73.6 } }, message: /bounds: expected numbers south ≤ north/ },
];

describe('table mapping checks', () => {
  for (const mappingCase of MAPPING_CASES) {
    test(`raises for ${mappingCase.name}`, () => {
      expect(() => validateTableMapping(mappingCase.json, 'm.json')).toThrow(mappingCase.message);
    });
  }

  test('raises ConfigError', () => {
    expect(() => validateTableMapping({}, 'm.json')).toThrow(ConfigError);
  });
});
