import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { InputError } from '../../etl/lib/errors.ts';
import { parseIsoDate } from '../../etl/sources/dates.ts';
import { findDuplicateKeys } from '../../etl/sources/json-duplicate-keys.ts';
import { isServiceEntry, parseOpen311Text } from '../../etl/sources/open311.ts';

const CONTEXT = { timeZone: 'America/Los_Angeles', displayName: 'requests' };

/** Parses and returns 'rows' or 'input-error'; any other exception fails the property. */
function outcome(text: string): 'rows' | 'input-error' {
  try {
    const rows = [...parseOpen311Text(text, CONTEXT)];
    if (!rows.every((row) => row.kind === 'appeal' || row.kind === 'reject')) throw new Error('row of unknown kind');
    return 'rows';
  } catch (error) {
    if (error instanceof InputError) return 'input-error';
    throw error;
  }
}

const fieldValue = fc.oneof(
  fc.constant(null),
  fc.constant('null'),
  fc.constant('true'),
  fc.constant('0.0'),
  fc.constant('2012-05-22 23:57:23.97'),
  fc.constant('2012-05-23T15:55:28-04:00'),
  fc.boolean(),
  fc.double(),
  fc.string({ unit: 'grapheme' }),
  fc.jsonValue(),
);

const record = fc.record(
  {
    service_request_id: fieldValue,
    status: fc.oneof(fc.constantFrom('open', 'closed', 'Open', 'Closed'), fieldValue),
    service_code: fieldValue,
    service_name: fieldValue,
    agency_responsible: fieldValue,
    requested_datetime: fieldValue,
    updated_datetime: fieldValue,
    expected_datetime: fieldValue,
    lat: fieldValue,
    long: fieldValue,
    lon: fieldValue,
    extension: fieldValue,
  },
  { requiredKeys: [] },
);

describe('open311 parser properties', () => {
  test('survives any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => ['rows', 'input-error'].includes(outcome(text))), { numRuns: 500 });
  });

  test('survives any JSON value', () => {
    fc.assert(fc.property(fc.json(), (text) => ['rows', 'input-error'].includes(outcome(text))), { numRuns: 500 });
  });

  test('survives any request fields', () => {
    // Entries with only a service's code and name are a service list, which stops the read.
    const expected = (records: readonly object[]) => (records.length > 0 && records.every(isServiceEntry) ? 'input-error' : 'rows');
    fc.assert(fc.property(fc.array(record, { maxLength: 5 }), (records) => outcome(JSON.stringify(records)) === expected(records)), { numRuns: 500 });
  });

  test('survives XML-like text', () => {
    const piece = fc.constantFrom('<service_requests>', '</service_requests>', '<request>', '</request>', '<lat>0.0</lat>', '<status>Open</status>', '<x xsi:nil="true"/>', '<!--', '&amp;', '<![CDATA[', ']]>', 'text');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => ['rows', 'input-error'].includes(outcome(pieces.join('')))), { numRuns: 500 });
  });
});

describe('open311 duplicate-key detector properties', () => {
  test('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => Array.isArray(findDuplicateKeys(text))), { numRuns: 500 });
  });

  test('finds none in JSON.stringify output', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => findDuplicateKeys(JSON.stringify(value)).length === 0), { numRuns: 500 });
  });

  test('finds a key repeated in any object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue(), (object, extra) => {
        const text = JSON.stringify(object);
        const [key] = Object.keys(object);
        const repeated = `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(extra)}}`;
        return findDuplicateKeys(repeated).some((duplicate) => duplicate.key === key && duplicate.path.length === 0);
      }),
      { numRuns: 300 },
    );
  });

  test('handles nesting deeper than the call stack', () => {
    const depth = 100_000;
    const text = '['.repeat(depth) + '{"a":1,"a":2}' + ']'.repeat(depth);
    expect(findDuplicateKeys(text)).toHaveLength(1);
  });
});

describe('open311 timestamp properties', () => {
  test('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => typeof parseIsoDate(text, 'Europe/Moscow').ok === 'boolean'), { numRuns: 1000 });
  });

  test('rejects words that Date accepts', () => {
    const results = ['null', 'true', 'false', '0', '1', 'May 23 2012', ''].map((text) => parseIsoDate(text, 'UTC').ok);
    expect(results).toEqual([false, false, false, false, false, false, false]);
  });
});
