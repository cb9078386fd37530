import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, test } from 'vitest';

import { EtlError, InputError } from '../../etl/lib/errors.ts';
import { parseOpen311, parseOpen311Text, readOpen311Services, type Open311Options, type Open311Row } from '../../etl/sources/open311.ts';
import type { RowWarning } from '../../etl/sources/row-helpers.ts';
import { messageHalves } from '../helpers/messages.ts';

// Real samples live in shared/data/real beside the repository (CI lays out a copy there too).
const SAMPLES = process.env.OPEN_DISTRICT_SAMPLES ?? fileURLToPath(new URL('../fixtures/real/', import.meta.url));

type Appeal = Extract<Open311Row, { kind: 'appeal' }>;

async function readAll(path: string, timeZone: string, options: Open311Options = {}): Promise<Open311Row[]> {
  const rows: Open311Row[] = [];
  for await (const row of parseOpen311(SAMPLES + path, { timeZone, displayName: path }, options)) rows.push(row);
  return rows;
}

function appeals(rows: readonly Open311Row[]): Appeal[] {
  return rows.filter((row): row is Appeal => row.kind === 'appeal');
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(key(item))] = (counts[String(key(item))] ?? 0) + 1;
  return counts;
}

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

// Expected values below were computed once, independently, with Python: json.load for Bloomington,
// xml.etree for San Francisco (xsi:nil read as missing), datetime.fromisoformat for W3C times and
// zoneinfo America/Los_Angeles for San Francisco's zone-less times.

describe('open311 Bloomington requests.json', () => {
  let rows: Open311Row[];
  const warnings: RowWarning[] = [];

  beforeAll(async () => {
    const services = await readOpen311Services(SAMPLES + 'open311_bloomington_2012/bloomington_services.json');
    rows = await readAll('open311_bloomington_2012/bloomington_requests.json', 'America/Indiana/Indianapolis', { services, onWarning: (warning) => warnings.push(warning) });
  });

  test('reads every request', () => {
    expect(rows).toHaveLength(21);
  });

  test('accepts every request', () => {
    expect(appeals(rows)).toHaveLength(21);
  });

  test('maps open and closed', () => {
    expect(countBy(appeals(rows), (row) => row.draft.status)).toEqual({ in_progress: 18, closed: 3 });
  });

  test('keeps the original status', () => {
    expect(countBy(appeals(rows), (row) => row.draft.status_original)).toEqual({ open: 18, closed: 3 });
  });

  test('nulls locations written as null or 0', () => {
    expect(appeals(rows).filter((row) => row.draft.latitude === null && row.draft.longitude === null)).toHaveLength(8);
  });

  test('reads the first and last creation time', () => {
    const created = appeals(rows).map((row) => row.draft.created_at);
    expect([iso(Math.min(...created)), iso(Math.max(...created))]).toEqual(['2012-05-22T20:24:07.000Z', '2012-05-23T19:55:28.000Z']);
  });

  test('closes at updated_datetime', () => {
    const closed = appeals(rows).filter((row) => row.draft.status === 'closed').map((row) => iso(row.draft.closed_at)).sort();
    expect(closed).toEqual(['2012-05-23T16:46:31.000Z', '2012-05-23T16:47:28.000Z', '2012-05-23T16:47:59.000Z']);
  });

  test('leaves open requests without closed_at', () => {
    expect(appeals(rows).filter((row) => row.draft.status === 'in_progress' && row.draft.closed_at !== null)).toHaveLength(0);
  });

  test('takes the category from the service group', () => {
    expect(countBy(appeals(rows), (row) => row.draft.category)).toEqual({
      'Cleanup & Sanitation': 9,
      'Streets, Parking & Traffic': 8,
      'Most Popular': 3,
      Miscellaneous: 1,
    });
  });

  test('takes the agency from agency_responsible', () => {
    expect(countBy(appeals(rows), (row) => row.draft.agency)).toEqual({
      'Street Department': 6,
      HAND: 6,
      'Sanitation Department': 3,
      'Police Department': 2,
      'Information Services': 2,
      'Engineering Department': 2,
    });
  });

  test('leaves district_name empty', () => {
    expect(appeals(rows).filter((row) => row.draft.district_name !== null)).toHaveLength(0);
  });

  test('sets last_event_at from updated_datetime', () => {
    expect(iso(Math.max(...appeals(rows).map((row) => row.draft.last_event_at)))).toBe('2012-05-23T19:55:30.000Z');
  });

  test('reports no extras for spec keys', () => {
    expect(appeals(rows).filter((row) => row.extras !== null)).toHaveLength(0);
  });

  test('reports no warnings', () => {
    expect(warnings).toEqual([]);
  });

  test('keeps no free text in drafts', () => {
    const text = JSON.stringify(appeals(rows).map((row) => row.draft));
    expect(text).not.toContain('Bank of America');
  });
});

describe('open311 San Francisco requests.xml', () => {
  let rows: Open311Row[];
  const warnings: RowWarning[] = [];

  beforeAll(async () => {
    const services = await readOpen311Services(SAMPLES + 'open311_sanfrancisco_2012/san_francisco_services.xml');
    rows = await readAll('open311_sanfrancisco_2012/san_francisco_requests.xml', 'America/Los_Angeles', { services, onWarning: (warning) => warnings.push(warning) });
  });

  test('accepts every request', () => {
    expect(appeals(rows)).toHaveLength(56);
  });

  test('maps capitalised statuses', () => {
    expect(countBy(appeals(rows), (row) => row.draft.status)).toEqual({ in_progress: 52, closed: 4 });
  });

  test('keeps the capitalised original', () => {
    expect(countBy(appeals(rows), (row) => row.draft.status_original)).toEqual({ Open: 52, Closed: 4 });
  });

  test('nulls locations at 0.0', () => {
    expect(appeals(rows).filter((row) => row.draft.latitude === null)).toHaveLength(9);
  });

  test('reads zone-less times in the source zone', () => {
    const created = appeals(rows).map((row) => row.draft.created_at);
    expect([iso(Math.min(...created)), iso(Math.max(...created))]).toEqual(['2012-05-23T00:14:32.637Z', '2012-05-23T06:57:23.970Z']);
  });

  test('reads xsi:nil expected_datetime as null', () => {
    expect(appeals(rows).filter((row) => row.draft.deadline_at !== null)).toHaveLength(40);
  });

  test('closes at updated_datetime', () => {
    const closed = appeals(rows)
      .filter((row) => row.draft.status === 'closed')
      .map((row) => [row.draft.appeal_id, iso(row.draft.closed_at)])
      .sort();
    expect(closed).toEqual([
      ['1129684', '2012-05-23T00:23:05.560Z'],
      ['1129720', '2012-05-23T05:13:25.660Z'],
      ['1129724', '2012-05-23T01:48:57.490Z'],
      ['1129755', '2012-05-23T05:27:21.237Z'],
    ]);
  });

  test('matches leading-zero codes to services', () => {
    const illegalDumping = appeals(rows).filter((row) => row.draft.category === 'Illegal Dumping');
    expect(illegalDumping).toHaveLength(5);
  });

  test('counts categorised requests', () => {
    expect(appeals(rows).filter((row) => row.draft.category !== null)).toHaveLength(25);
  });

  test('warns for each request with an unknown service code', () => {
    expect(warnings.filter((warning) => warning.reason === 'unknown_service_code')).toHaveLength(31);
  });

  test('unknown service warnings name 20 codes', () => {
    expect(new Set(warnings.filter((warning) => warning.reason === 'unknown_service_code').map((warning) => warning.value)).size).toBe(20);
  });

  test('keeps the request service_name as rubric', () => {
    expect(appeals(rows)[0].draft.rubric).toBe('RCS - SFMTA - G');
  });
});

describe('open311 service lists', () => {
  test('keeps leading zeros in codes', async () => {
    const services = await readOpen311Services(SAMPLES + 'open311_sanfrancisco_2012/san_francisco_services.xml');
    expect(services.get('001')?.service_name).toBe('Cans_Left_Out_24x7');
  });

  test('reads all 38 San Francisco services', async () => {
    const services = await readOpen311Services(SAMPLES + 'open311_sanfrancisco_2012/san_francisco_services.xml');
    expect(services.size).toBe(38);
  });

  test('reads Helsinki lists in three languages', async () => {
    const sizes = await Promise.all(['services.json', 'services_en.json', 'services_sv.json', 'services.xml'].map(async (file) => (await readOpen311Services(`${SAMPLES}open311_helsinki_services/${file}`)).size));
    expect(sizes).toEqual([15, 15, 15, 15]);
  });

  test('joins Helsinki languages on service_code', async () => {
    const finnish = await readOpen311Services(SAMPLES + 'open311_helsinki_services/services.json');
    const english = await readOpen311Services(SAMPLES + 'open311_helsinki_services/services_en.json');
    expect([...english.keys()].sort()).toEqual([...finnish.keys()].sort());
  });

  test('reads the English Helsinki name', async () => {
    const english = await readOpen311Services(SAMPLES + 'open311_helsinki_services/services_en.json');
    expect(english.get('172')?.service_name).toBe('Vandalism');
  });

  test('reads the Finnish XML name', async () => {
    const finnish = await readOpen311Services(SAMPLES + 'open311_helsinki_services/services.xml');
    expect(finnish.get('172')?.service_name).toBe('Ilkivalta');
  });
});

// A real Bloomington request (the second in the file, free text removed) that the cases below vary.
const BASE = {
  service_request_id: '4fbd3beeb1fe2c9f5c000001',
  status: 'open',
  service_name: 'Graffiti',
  service_code: '4e090d24992b941e78000027',
  agency_responsible: 'Police Department',
  requested_datetime: '2012-05-23T15:35:08-04:00',
  updated_datetime: '2012-05-23T15:35:10-04:00',
  lat: 39.146551871103,
  long: -86.485448337464,
};

/** The run's clock of these tests: 4 December 2026. */
const CONTEXT = { timeZone: 'America/Indiana/Indianapolis', displayName: 'requests.json', now: Date.parse('2026-12-04T00:00:00Z') };

function parseText(text: string, options: Open311Options = {}): Open311Row[] {
  return [...parseOpen311Text(text, CONTEXT, options)];
}

function parseOne(record: Record<string, unknown>): Open311Row {
  return parseText(JSON.stringify([record]))[0];
}

describe('open311 record variants', () => {
  test('reads a wrapped service_requests list', () => {
    expect(parseText(JSON.stringify({ service_requests: [BASE] }))[0].kind).toBe('appeal');
  });

  test('reads a wrapped requests list', () => {
    expect(parseText(JSON.stringify({ requests: [BASE] }))[0].kind).toBe('appeal');
  });

  test('reads lon in place of long', () => {
    const { long, ...rest } = BASE;
    const row = parseOne({ ...rest, lon: long }) as Appeal;
    expect(row.draft.longitude).toBe(-86.485448337464);
  });

  test('returns vendor keys as extras', () => {
    const row = parseOne({ ...BASE, 'x-priority': 'high', detail: { ward: 7 } }) as Appeal;
    expect(row.extras).toEqual({ 'x-priority': 'high', detail: { ward: 7 } });
  });

  test('keeps zipcode out of extras', () => {
    const row = parseOne({ ...BASE, zipcode: '47401' }) as Appeal;
    expect(row.extras).toBeNull();
  });

  test('keeps zipcode out of the draft', () => {
    const row = parseOne({ ...BASE, zipcode: '47401' }) as Appeal;
    expect(JSON.stringify(row.draft)).not.toContain('47401');
  });

  test('keeps a long numeric id exact', () => {
    const text = JSON.stringify([BASE]).replace('"4fbd3beeb1fe2c9f5c000001"', '12345678901234567890');
    expect((parseText(text)[0] as Appeal).draft.appeal_id).toBe('12345678901234567890');
  });

  test('reads an offset-less time in the source zone', () => {
    const row = parseOne({ ...BASE, requested_datetime: '2012-05-23 15:35:08.97' }) as Appeal;
    expect(iso(row.draft.created_at)).toBe('2012-05-23T19:35:08.970Z');
  });

  test('reads expected_datetime as the deadline', () => {
    const row = parseOne({ ...BASE, expected_datetime: '2012-05-31T08:30:00-04:00' }) as Appeal;
    expect(iso(row.draft.deadline_at)).toBe('2012-05-31T12:30:00.000Z');
  });

  test('accepts a custom status map', () => {
    const rows = parseText(JSON.stringify([{ ...BASE, status: 'acknowledged' }]), { statusMap: { Acknowledged: 'in_progress' } });
    expect(rows[0].kind).toBe('appeal');
  });
});

describe('open311 duplicate JSON keys', () => {
  const text = '[{"service_request_id":"1","status":"open","status":"closed","requested_datetime":"2012-05-23T15:35:08-04:00","updated_datetime":"2012-05-23T16:00:00-04:00"}]';

  function run(): { rows: Open311Row[]; warnings: RowWarning[] } {
    const warnings: RowWarning[] = [];
    return { rows: parseText(text, { onWarning: (warning) => warnings.push(warning) }), warnings };
  }

  test('keeps the last value', () => {
    expect((run().rows[0] as Appeal).draft.status).toBe('closed');
  });

  test('reports the key', () => {
    expect(run().warnings[0].field).toBe('status');
  });

  test('reports both values', () => {
    expect(run().warnings[0].value).toBe('"open" | "closed"');
  });

  test('reports the record', () => {
    expect([run().warnings[0].row, run().warnings[0].record_id]).toEqual([1, '1']);
  });

  test('says which value is kept', () => {
    expect(run().warnings[0].message).toContain('the last value "closed" is kept, as JSON.parse does');
  });

  test('says which value is kept in Russian', () => {
    expect(run().warnings[0].message).toContain('оставлено последнее значение "closed", как делает JSON.parse');
  });

  test('hides values of free-text keys', () => {
    const warnings: RowWarning[] = [];
    const withText = text.replace('"status":"open",', '"description":"call Ann at 555-0100","description":"x","status":"open",');
    parseText(withText, { onWarning: (warning) => warnings.push(warning) });
    expect(warnings.find((warning) => warning.field === 'description')?.value).not.toContain('555-0100');
  });

  test('reports a repeated wrapper key', () => {
    const warnings: RowWarning[] = [];
    parseText(`{"service_requests":[],"service_requests":${JSON.stringify([BASE])}}`, { onWarning: (warning) => warnings.push(warning) });
    expect(warnings.map((warning) => [warning.field, warning.row])).toEqual([['service_requests', 0]]);
  });
});

interface BadCase {
  readonly name: string;
  readonly text: string;
  readonly reason?: string;
  readonly field?: string;
  readonly error?: RegExp;
}

const BAD_CASES: readonly BadCase[] = [
  { name: 'truncated JSON', text: JSON.stringify([BASE]).slice(0, 60), error: /invalid JSON .*truncated or damaged/ },
  { name: 'truncated XML', text: '<service_requests><request><service_request_id>1</service_request_id>', error: /ends at line 1 before its root element <service_requests> closes, so it is truncated/ },
  { name: 'broken XML', text: '<service_requests><request><id>1</idd></request></service_requests>', error: /invalid XML at line 1/ },
  { name: 'empty file', text: '', error: /the file is empty/ },
  { name: 'plain text', text: 'Service Unavailable', error: /neither JSON nor XML/ },
  { name: 'object without a list', text: '{"data":[]}', error: /no request list found/ },
  { name: 'error list', text: '[{"code":403,"description":"Invalid api_key"}]', error: /Open311 error in place of requests: 403 Invalid api_key/ },
  { name: 'service list', text: '[{"service_code":"001","service_name":"Cans left out 24x7","type":"realtime"}]', error: /looks like a service list .*--services/ },
  { name: 'service list in XML', text: '<services><service><service_code>001</service_code></service></services>', error: /looks like a service list .*--services/ },
  { name: 'string "null" date', text: JSON.stringify([{ ...BASE, requested_datetime: 'null' }]), reason: 'invalid_time', field: 'requested_datetime' },
  { name: 'string "true" date', text: JSON.stringify([{ ...BASE, updated_datetime: 'true' }]), reason: 'invalid_time', field: 'updated_datetime' },
  { name: 'boolean date', text: JSON.stringify([{ ...BASE, expected_datetime: true }]), reason: 'invalid_time', field: 'expected_datetime' },
  { name: 'numeric date', text: JSON.stringify([{ ...BASE, requested_datetime: 0 }]), reason: 'invalid_time', field: 'requested_datetime' },
  { name: 'impossible date', text: JSON.stringify([{ ...BASE, requested_datetime: '2012-02-30T10:00:00Z' }]), reason: 'impossible_date', field: 'requested_datetime' },
  { name: 'missing creation time', text: JSON.stringify([{ ...BASE, requested_datetime: null }]), reason: 'missing_created_at', field: 'requested_datetime' },
  { name: 'missing id', text: JSON.stringify([{ ...BASE, service_request_id: null }]), reason: 'missing_id', field: 'service_request_id' },
  { name: 'unknown status', text: JSON.stringify([{ ...BASE, status: 'pending' }]), reason: 'unknown_status', field: 'status' },
  { name: 'missing status', text: JSON.stringify([{ ...BASE, status: '' }]), reason: 'missing_status', field: 'status' },
  { name: 'closed without update time', text: JSON.stringify([{ ...BASE, status: 'closed', updated_datetime: null }]), reason: 'missing_closed_at', field: 'updated_datetime' },
  { name: 'closed before created', text: JSON.stringify([{ ...BASE, status: 'closed', updated_datetime: '2012-05-22T00:00:00-04:00' }]), reason: 'closed_before_created', field: 'updated_datetime' },
  { name: 'creation time in the future', text: JSON.stringify([{ ...BASE, requested_datetime: '2099-05-23T15:35:08-04:00', updated_datetime: null }]), reason: 'time_in_future', field: 'requested_datetime' },
  { name: 'closed request created in the future', text: JSON.stringify([{ ...BASE, status: 'closed', requested_datetime: '2099-05-23T15:35:08-04:00' }]), reason: 'time_in_future', field: 'requested_datetime' },
  { name: 'update time in the future', text: JSON.stringify([{ ...BASE, updated_datetime: '2099-05-23T15:35:10-04:00' }]), reason: 'time_in_future', field: 'updated_datetime' },
  { name: 'latitude out of range', text: JSON.stringify([{ ...BASE, lat: 139.1 }]), reason: 'invalid_coordinate', field: 'lat' },
  { name: 'text coordinate', text: JSON.stringify([{ ...BASE, long: 'west' }]), reason: 'invalid_coordinate', field: 'long' },
  { name: 'record not an object', text: '[42]', reason: 'invalid_record', field: '(record)' },
];

describe('open311 bad inputs', () => {
  for (const badCase of BAD_CASES) {
    test(`handles ${badCase.name}`, () => {
      if (badCase.error) {
        expect(() => parseText(badCase.text)).toThrow(badCase.error);
        return;
      }
      const row = parseText(badCase.text)[0];
      expect(row.kind === 'reject' ? [row.reject.reason, row.reject.field] : row.kind).toEqual([badCase.reason, badCase.field]);
    });

    if (badCase.error) continue;
    test(`explains ${badCase.name} in Russian`, () => {
      const row = parseText(badCase.text)[0];
      expect(row.kind).toBe('reject');
      if (row.kind !== 'reject') return;
      expect(messageHalves(row.reject.message).russian).toBe(true);
    });

    test(`cites the same numbers for ${badCase.name} in both languages`, () => {
      const row = parseText(badCase.text)[0];
      expect(row.kind).toBe('reject');
      if (row.kind !== 'reject') return;
      const halves = messageHalves(row.reject.message);
      expect(halves.ruNumbers).toEqual(expect.arrayContaining(halves.enNumbers));
    });
  }

  test('raises InputError for a missing file', async () => {
    let caught: unknown = null;
    try {
      await parseOpen311(SAMPLES + 'no-such-requests.json', CONTEXT).next();
    } catch (error) {
      caught = error;
    }
    expect((caught as EtlError | null)?.bilingual.en).toBe('requests.json: file not found (ENOENT)');
  });

  test('raises InputError for a broken file', () => {
    expect(() => parseText('[{')).toThrow(InputError);
  });

  test('gives the error in Russian too', () => {
    let caught: unknown = null;
    try {
      parseText('[{');
    } catch (error) {
      caught = error;
    }
    expect((caught as EtlError | null)?.bilingual.ru).toContain('неверный JSON');
  });

  test('rejects a repeated id', () => {
    const rows = parseText(JSON.stringify([BASE, BASE]));
    expect(rows[1]).toMatchObject({ reject: { reason: 'duplicate_id' } });
  });

  test('keeps the first of repeated ids', () => {
    const rows = parseText(JSON.stringify([BASE, BASE]));
    expect(rows[0].kind).toBe('appeal');
  });

  test('calls an exact repeat a copy', () => {
    const rows = parseText(JSON.stringify([BASE, BASE]));
    expect(rows[1]).toMatchObject({ reject: { message: expect.stringContaining('row 1, with the same values in every field read;') } });
  });

  test('calls a repeat with another status other values', () => {
    const rows = parseText(JSON.stringify([BASE, { ...BASE, status: 'closed' }]));
    expect(rows[1]).toMatchObject({ reject: { message: expect.stringContaining('row 1, with another value in at least one field read;') } });
  });

  test('rejects a point on the other side of the world', () => {
    const rows = parseText(JSON.stringify([{ ...BASE, lat: -39.146551871103, long: 93.514551662536 }]), { bounds: { south: 38.9, west: -86.8, north: 39.4, east: -86.3 } });
    expect(rows[0]).toMatchObject({ reject: { reason: 'coordinates_out_of_bounds' } });
  });

  test('names the fix for a far point', () => {
    const rows = parseText(JSON.stringify([{ ...BASE, long: 86.485448337464 }]), { bounds: { south: 38.9, west: -86.8, north: 39.4, east: -86.3 } });
    expect(rows[0]).toMatchObject({ reject: { message: expect.stringContaining('check the signs and the order of latitude and longitude') } });
  });
});
