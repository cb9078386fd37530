// Strict parsing of timestamps as exports write them: ISO 8601 with or without an offset, Russian
// `dd.mm.yyyy [HH:MM[:SS]]` and US `MM/DD/YYYY hh:mm:ss AM`. Text is parsed only when it matches
// one of these shapes in full, so `null`, `true`, numbers and free text never become dates.
// Times without an offset are wall-clock time in the source's zone.

import type { Message } from '../lib/log.ts';
import { isValidWallClock, localToInstant } from '../lib/time.ts';

/** Date formats a table mapping may list; each accepts a date alone or a date with a time. */
export const DATE_FORMATS = ['iso', 'dd.mm.yyyy', 'mm/dd/yyyy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export type DateParseResult =
  | { readonly ok: true; readonly at: number }
  | { readonly ok: false; readonly reason: 'invalid_time' | 'impossible_date'; readonly message: Message };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const RUSSIAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;

/** Maximum offset from UTC accepted, in minutes. ECMAScript's Date accepts offsets up to ±18:00. */
const MAX_OFFSET_MINUTES = 18 * 60;

const EXAMPLES: Record<DateFormat, Message> = {
  iso: { ru: '2022-05-01T00:00:03 или 2012-05-23T15:55:28-04:00', en: '2022-05-01T00:00:03 or 2012-05-23T15:55:28-04:00' },
  'dd.mm.yyyy': { ru: '31.01.2021 или 31.01.2021 14:05:00', en: '31.01.2021 or 31.01.2021 14:05:00' },
  'mm/dd/yyyy': { ru: '05/01/2022 12:00:03 AM', en: '05/01/2022 12:00:03 AM' },
};

/**
 * Parses `text` with the first of `formats` whose shape it matches. A text that matches a shape but
 * names a day or time that does not exist (31.02.2021, 13:00 PM) fails with `impossible_date`,
 * and no other format is tried for it.
 */
export function parseDateText(text: string, formats: readonly DateFormat[], timeZone: string): DateParseResult {
  const trimmed = text.trim();
  for (const format of formats) {
    const parsed = PARSERS[format](trimmed, timeZone);
    if (parsed !== null) return parsed;
  }
  const examples = (language: keyof Message) => formats.map((format) => EXAMPLES[format][language]).join('; ');
  return {
    ok: false,
    reason: 'invalid_time',
    message: { ru: `«${text}» — дата не в ожидаемом формате (${examples('ru')})`, en: `"${text}" is not a date in the expected format (${examples('en')})` },
  };
}

/** Parses an Open311 timestamp: W3C/ISO with an offset, or without one as local time. */
export function parseIsoDate(text: string, timeZone: string): DateParseResult {
  return parseDateText(text, ['iso'], timeZone);
}

/**
 * Converts a spreadsheet cell date to an instant. Spreadsheets store wall-clock time with no zone,
 * and the XLSX reader returns it as a Date whose UTC fields are that wall clock.
 */
export function wallClockDateToInstant(date: Date, timeZone: string): number | null {
  if (Number.isNaN(date.getTime())) return null;
  const fields = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  return localToInstant(fields, timeZone, date.getUTCMilliseconds());
}

type ShapeParser = (text: string, timeZone: string) => DateParseResult | null;

const PARSERS: Record<DateFormat, ShapeParser> = {
  iso: parseIsoShape,
  'dd.mm.yyyy': parseRussianShape,
  'mm/dd/yyyy': parseUsShape,
};

function parseIsoShape(text: string, timeZone: string): DateParseResult | null {
  const match = ISO.exec(text);
  if (!match) return null;

  const fields = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const fraction = match[7] ?? '';
  const milliseconds = fraction ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0;
  if (!isValidWallClock(fields)) return impossible(text);

  const offset = match[8];
  if (offset === undefined) return { ok: true, at: localToInstant(fields, timeZone, milliseconds) };

  const offsetMinutes = readOffsetMinutes(offset);
  if (offsetMinutes === null) return impossible(text);
  const [year, month, day, hour, minute, second] = fields;
  return { ok: true, at: Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offsetMinutes * 60_000 };
}

function readOffsetMinutes(offset: string): number | null {
  if (offset === 'Z' || offset === 'z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes > 59) return null;
  const total = hours * 60 + minutes;
  if (total > MAX_OFFSET_MINUTES) return null;
  return offset.startsWith('-') ? -total : total;
}

function parseRussianShape(text: string, timeZone: string): DateParseResult | null {
  const match = RUSSIAN.exec(text);
  if (!match) return null;
  const [day, month, year, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  return fromFields([year, month, day, hour, minute, second], text, timeZone);
}

function parseUsShape(text: string, timeZone: string): DateParseResult | null {
  const match = US.exec(text);
  if (!match) return null;
  const [month, day, year, clockHour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));

  const meridiem = match[7]?.toUpperCase();
  let hour = clockHour;
  if (meridiem !== undefined) {
    // A 12-hour clock runs 12, 1, …, 11: 12 AM is midnight and 12 PM is noon.
    if (clockHour < 1 || clockHour > 12) return impossible(text);
    hour = (clockHour % 12) + (meridiem === 'P' ? 12 : 0);
  }
  return fromFields([year, month, day, hour, minute, second], text, timeZone);
}

function fromFields(fields: number[], text: string, timeZone: string): DateParseResult {
  if (!isValidWallClock(fields)) return impossible(text);
  return { ok: true, at: localToInstant(fields, timeZone) };
}

function impossible(text: string): DateParseResult {
  return {
    ok: false,
    reason: 'impossible_date',
    message: { ru: `«${text}» — такого дня или времени нет; проверьте день, месяц и час`, en: `"${text}" names a day or time that does not exist; check the day, month and hour` },
  };
}
