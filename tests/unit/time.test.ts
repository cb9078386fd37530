import { describe, expect, test } from 'vitest';

import { daysBetween, exactZoneOffset, localDate, parseLocalTimestamp, zoneOffset } from '../../etl/lib/time.ts';

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

describe('zoneOffset', () => {
  // Every 37 minutes from 2010 to 2016, which crosses Moscow's 2011 and 2014 changes, the yearly
  // shifts of New York and Lord Howe (half an hour, at 15:30 UTC) and Kathmandu's +5:45.
  const from = Date.UTC(2010, 0, 1);
  const to = Date.UTC(2016, 0, 1);
  const step = 37 * 60_000;

  for (const zone of ['Europe/Moscow', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
    test(`matches Intl in ${zone}`, () => {
      const mismatches: number[] = [];
      for (let instant = from; instant < to; instant += step) {
        if (zoneOffset(instant, zone) !== exactZoneOffset(instant, zone)) mismatches.push(instant);
      }
      expect(mismatches).toEqual([]);
    });
  }

  test('matches Intl on both sides of a half-hour shift', () => {
    // Lord Howe left daylight time at 02:00 local on 3 April 2011, 15:00 UTC.
    const shift = Date.UTC(2011, 3, 2, 15, 0, 0);
    const around = [shift - 1000, shift, shift + 1000].map((instant) => zoneOffset(instant, 'Australia/Lord_Howe'));
    expect(around).toEqual([shift - 1000, shift, shift + 1000].map((instant) => exactZoneOffset(instant, 'Australia/Lord_Howe')));
  });
});
