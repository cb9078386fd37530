import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { parseDateText, wallClockDateToInstant, type DateFormat } from '../../etl/sources/dates.ts';

const ALL: readonly DateFormat[] = ['iso', 'dd.mm.yyyy', 'mm/dd/yyyy'];

function at(text: string, formats: readonly DateFormat[] = ALL, timeZone = 'Europe/Moscow'): string | null {
  const parsed = parseDateText(text, formats, timeZone);
  return parsed.ok ? new Date(parsed.at).toISOString() : null;
}

function reason(text: string, formats: readonly DateFormat[] = ALL): string | null {
  const parsed = parseDateText(text, formats, 'Europe/Moscow');
  return parsed.ok ? null : parsed.reason;
}

// Expected instants were worked out by hand from the zone offsets: Moscow is UTC+3 all year since
// 2014 (UTC+4 in 2012), New York is UTC−4 in May (EDT).
describe('table date parsing', () => {
  test('reads dd.mm.yyyy alone as local midnight', () => {
    expect(at('01.05.2022', ['dd.mm.yyyy'])).toBe('2022-04-30T21:00:00.000Z');
  });

  test('reads dd.mm.yyyy HH:MM', () => {
    expect(at('01.05.2022 14:05', ['dd.mm.yyyy'])).toBe('2022-05-01T11:05:00.000Z');
  });

  test('reads dd.mm.yyyy HH:MM:SS', () => {
    expect(at('1.5.2022 14:05:09', ['dd.mm.yyyy'])).toBe('2022-05-01T11:05:09.000Z');
  });

  test('reads 12 AM as midnight', () => {
    expect(at('05/01/2022 12:00:03 AM', ['mm/dd/yyyy'], 'America/New_York')).toBe('2022-05-01T04:00:03.000Z');
  });

  test('reads 12 PM as noon', () => {
    expect(at('05/01/2022 12:00:03 PM', ['mm/dd/yyyy'], 'America/New_York')).toBe('2022-05-01T16:00:03.000Z');
  });

  test('reads 1 PM as 13:00', () => {
    expect(at('05/01/2022 01:30:00 PM', ['mm/dd/yyyy'], 'America/New_York')).toBe('2022-05-01T17:30:00.000Z');
  });

  test('reads a US date without a meridiem as 24-hour', () => {
    expect(at('05/01/2022 13:30', ['mm/dd/yyyy'], 'America/New_York')).toBe('2022-05-01T17:30:00.000Z');
  });

  test('reads ISO with an offset', () => {
    expect(at('2012-05-23T15:55:28-04:00', ['iso'])).toBe('2012-05-23T19:55:28.000Z');
  });

  test('reads ISO with Z', () => {
    expect(at('2012-05-23T15:55:28Z', ['iso'])).toBe('2012-05-23T15:55:28.000Z');
  });

  test('reads ISO with a compact offset', () => {
    expect(at('2012-05-23T15:55:28+0530', ['iso'])).toBe('2012-05-23T10:25:28.000Z');
  });

  test('reads ISO without a zone as local time', () => {
    expect(at('2012-05-22 23:57:23.97', ['iso'], 'America/Los_Angeles')).toBe('2012-05-23T06:57:23.970Z');
  });

  test('uses Moscow time of 2012', () => {
    expect(at('2012-05-23 00:00', ['iso'])).toBe('2012-05-22T20:00:00.000Z');
  });

  test('tries formats in order', () => {
    expect(at('2022-05-01', ['dd.mm.yyyy', 'iso'])).toBe('2022-04-30T21:00:00.000Z');
  });
});

describe('table date rejects', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['31.02.2021', 'impossible_date'],
    ['29.02.2021', 'impossible_date'],
    ['32.01.2021', 'impossible_date'],
    ['01.13.2021', 'impossible_date'],
    ['01.01.2021 24:00', 'impossible_date'],
    ['02/30/2022 10:00:00 AM', 'impossible_date'],
    ['05/01/2022 00:10:00 AM', 'impossible_date'],
    ['05/01/2022 13:10:00 PM', 'impossible_date'],
    ['2021-02-29T10:00:00', 'impossible_date'],
    ['2021-01-01T10:00:00+25:00', 'impossible_date'],
    ['null', 'invalid_time'],
    ['true', 'invalid_time'],
    ['0', 'invalid_time'],
    ['2021', 'invalid_time'],
    ['May 1, 2022', 'invalid_time'],
    ['01-05-2022', 'invalid_time'],
  ];

  for (const [text, expected] of cases) {
    test(`rejects ${text} as ${expected}`, () => {
      expect(reason(text)).toBe(expected);
    });
  }

  test('reads 29 February of a leap year', () => {
    expect(at('29.02.2020', ['dd.mm.yyyy'])).toBe('2020-02-28T21:00:00.000Z');
  });
});

describe('table spreadsheet dates', () => {
  test('reads cell wall-clock time in the zone', () => {
    expect(new Date(wallClockDateToInstant(new Date(Date.UTC(2022, 4, 1, 0, 0, 3)), 'America/New_York')!).toISOString()).toBe('2022-05-01T04:00:03.000Z');
  });

  test('returns null for an invalid Date', () => {
    expect(wallClockDateToInstant(new Date(NaN), 'UTC')).toBeNull();
  });
});

describe('table date properties', () => {
  test('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => typeof parseDateText(text, ALL, 'Europe/Moscow').ok === 'boolean'), { numRuns: 2000 });
  });

  test('round-trips every valid dd.mm.yyyy', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        const pad = (value: number) => String(value).padStart(2, '0');
        const text = `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
        return at(text, ['dd.mm.yyyy'], 'UTC') === new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
      }),
      { numRuns: 1000 },
    );
  });
});
