// Text of poll figures for the build: voting dates as one range, the as-of time of the figures,
// shares with the precision they carry, interval bounds and margins. Built on the site's
// formatters in format.ts, with the poll's own time zone.

import { zoneOffset } from '../../../etl/lib/time.ts';
import { createFormatters, INTL_LOCALES, type Formatters, type Locale } from './format.ts';
import { translate } from './i18n.ts';
import type { ShareValue } from './polls.ts';

export interface PollFormatters extends Formatters {
  /**
   * Voting dates "YYYY-MM-DD" as one range ("25–26 февраля 2021 г."), or what is known of them:
   * with neither date, the year the vote ended when the source names it.
   */
  dateRange(start: string | null, end: string | null, endedYear?: number | null): string;
  /** `snapshotAt`: a plain date as written, an instant as date and time in the poll's time zone. */
  asOf(value: string): string;
  /** A share in percent: one decimal when computed from votes, the source's own digits when printed. */
  share(share: ShareValue): string;
  /** Interval bounds in percent as one range with one decimal, e.g. "45,6–46,2 %". */
  intervalRange(lowerPercent: number, upperPercent: number): string;
  /** A difference of two shares in percentage points, with one decimal. */
  percentagePoints(value: number): string;
  /** Short name of the poll's time zone, e.g. "GMT+9". */
  zoneName: string;
}

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parsePlainDate(value: string): Date {
  return new Date(`${value}T12:00:00Z`);
}

export function createPollFormatters(locale: Locale, timeZone: string): PollFormatters {
  const base = createFormatters(locale, timeZone);
  const tag = INTL_LOCALES[locale];
  const longDate = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  // Printed shares keep the source's digits: 55 % stays "55 %", 62.22 % stays "62,22 %".
  const givenPercent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 2 });
  const oneDecimal = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const zoneName =
    new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'short' }).formatToParts(new Date()).find((part) => part.type === 'timeZoneName')
      ?.value ?? timeZone;

  return {
    ...base,
    zoneName,
    dateRange(start, end, endedYear = null) {
      const validStart = start && PLAIN_DATE.test(start) ? start : null;
      const validEnd = end && PLAIN_DATE.test(end) ? end : null;
      if (validStart && validEnd) return longDate.formatRange(parsePlainDate(validStart), parsePlainDate(validEnd));
      if (validStart) return translate(locale, 'polls.dates.from', { date: longDate.format(parsePlainDate(validStart)) });
      if (validEnd) return translate(locale, 'polls.dates.until', { date: longDate.format(parsePlainDate(validEnd)) });
      if (endedYear !== null) return translate(locale, 'polls.dates.year', { year: endedYear });
      return translate(locale, 'polls.dates.unknown');
    },
    asOf(value) {
      return PLAIN_DATE.test(value) ? base.plainDate(value) : base.dateTime(value);
    },
    share(share) {
      return share.basis === 'given' ? givenPercent.format(share.percent / 100) : base.percent(share.percent / 100);
    },
    intervalRange(lowerPercent, upperPercent) {
      return `${oneDecimal.format(lowerPercent)}–${base.percent(upperPercent / 100)}`;
    },
    percentagePoints(value) {
      return translate(locale, 'polls.marginPoints', { value: oneDecimal.format(value) });
    },
  };
}

/**
 * Returns the wall-clock time of an instant in a time zone as a Date whose UTC fields hold it, so
 * that a chart with a UTC axis shows local days and hours.
 */
export function toWallClock(instant: string, timeZone: string): Date {
  // The offset is measured to the whole second, so the wall clock drops the milliseconds.
  const milliseconds = Date.parse(instant);
  return new Date(Math.floor(milliseconds / 1000) * 1000 + zoneOffset(milliseconds, timeZone));
}
