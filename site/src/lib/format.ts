// Locale-aware number and date formatting for the build and the browser. Pages pass their locale;
// instants are shown in the region's time zone, plain dates ("YYYY-MM-DD") as written.

export type Locale = 'ru' | 'en';

/** BCP 47 tags behind the two site languages: Russian, and British English for day-month order. */
export const INTL_LOCALES: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

export interface Formatters {
  integer(value: number): string;
  /** A number with one decimal, e.g. appeals per 1,000 residents. */
  decimal(value: number): string;
  /** A share 0..1 as a percentage with one decimal. */
  percent(value: number): string;
  /** Fractional days, e.g. "8,7 дн." or "8.7 days". */
  days(value: number): string;
  /** A plain calendar date "YYYY-MM-DD", with no time zone shift. */
  plainDate(value: string): string;
  /** A plain date as day and short month, for chart axes. */
  plainDateShort(value: string): string;
  /** An ISO instant as a date in the region's time zone. */
  date(value: string): string;
  /** An ISO instant as date and time in the region's time zone, with the zone's name. */
  dateTime(value: string): string;
  /** An ISO instant as a numeric date and time in the region's time zone, for table cells. */
  shortDateTime(value: string): string;
  /** The short name of the region's time zone at an ISO instant, e.g. "GMT+3". */
  zoneAt(value: string): string;
}

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads "YYYY-MM-DD" as noon UTC, so formatting it in UTC never moves it to another day. */
function parsePlainDate(value: string): Date | null {
  return PLAIN_DATE.test(value) ? new Date(`${value}T12:00:00Z`) : null;
}

export function createFormatters(locale: Locale, timeZone: string): Formatters {
  const tag = INTL_LOCALES[locale];
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  // One fixed decimal keeps columns of values aligned ("9,0 %" above "15,2 %").
  const oneDecimal = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  const decimal = new Intl.NumberFormat(tag, oneDecimal);
  const percent = new Intl.NumberFormat(tag, { style: 'percent', ...oneDecimal });
  const days = new Intl.NumberFormat(tag, { style: 'unit', unit: 'day', unitDisplay: 'short', ...oneDecimal });
  const plainDate = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  const plainDateShort = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone });
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeStyle: 'short', timeZone });
  const shortDateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'short', timeStyle: 'short', timeZone });
  const zoneName = new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'short' });
  const zoneOf = (instant: Date) => zoneName.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value;

  return {
    integer: (value) => integer.format(value),
    decimal: (value) => decimal.format(value),
    percent: (value) => percent.format(value),
    days: (value) => days.format(value),
    plainDate: (value) => {
      const parsed = parsePlainDate(value);
      return parsed ? plainDate.format(parsed) : value;
    },
    plainDateShort: (value) => {
      const parsed = parsePlainDate(value);
      return parsed ? plainDateShort.format(parsed) : value;
    },
    date: (value) => date.format(new Date(value)),
    dateTime: (value) => {
      const instant = new Date(value);
      const zone = zoneOf(instant);
      return zone ? `${dateTime.format(instant)} (${zone})` : dateTime.format(instant);
    },
    shortDateTime: (value) => shortDateTime.format(new Date(value)),
    zoneAt: (value) => zoneOf(new Date(value)) ?? timeZone,
  };
}
