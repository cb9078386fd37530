import { describe, expect, test } from 'vitest';

import { daysBetween, localDate, parseLocalTimestamp } from '../../etl/lib/time.ts';

describe('parseLocalTimestamp', () => {
  test('reads Moscow time as UTC+3', () => {
    expect(new Date(parseLocalTimestamp('2020-10-18T14:50:40.817676', 'Europe/Moscow')!).toISOString()).toBe('2020-10-18T11:50:40.817Z');
  });

  test('reads a time without fractional seconds', () => {
    expect(new Date(parseLocalTimestamp('2021-04-01 09:00:00', 'Europe/Moscow')!).toISOString()).toBe('2021-04-01T06:00:00.000Z');
  });

  test('applies the 2011 Moscow offset of UTC+4', () => {
    expect(new Date(parseLocalTimestamp('2012-06-01T12:00:00', 'Europe/Moscow')!).toISOString()).toBe('2012-06-01T08:00:00.000Z');
  });

  test('applies daylight saving in New York', () => {
    expect(new Date(parseLocalTimestamp('2022-05-01T00:00:03', 'America/New_York')!).toISOString()).toBe('2022-05-01T04:00:03.000Z');
  });

  test('rejects an impossible date', () => {
    expect(parseLocalTimestamp('2021-02-29T10:00:00', 'Europe/Moscow')).toBeNull();
  });

  test('rejects the word null', () => {
    expect(parseLocalTimestamp('null', 'Europe/Moscow')).toBeNull();
  });
});

describe('daysBetween', () => {
  test('returns fractional days', () => {
    expect(daysBetween(0, 36 * 3_600_000)).toBe(1.5);
  });
});

describe('localDate', () => {
  test('uses the zone for the calendar date', () => {
    expect(localDate(Date.parse('2026-12-03T22:30:00Z'), 'Europe/Moscow')).toBe('2026-12-04');
  });
});
