// Strict readers for the cell values of poll files. Each returns null for text it does not accept,
// so the adapter can reject the row with the field and the value.

import { isValidWallClock } from '../lib/time.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const INTEGER = /^\d+$/;
const DECIMAL = /^\d+(?:[.,]\d+)?$/;

/** Reads "YYYY-MM-DD" naming a real calendar day; returns it unchanged. */
export function readIsoDate(text: string): string | null {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  return isValidWallClock([year, month, day]) ? match[0] : null;
}

/** Returns the year of a "YYYY-MM-DD" date, or null without a date. */
export function yearOfDate(date: string | null): number | null {
  return date === null ? null : Number(date.slice(0, 4));
}

/** Reads "dd.mm.yyyy" (Pabulib, Polish and Russian documents) into "YYYY-MM-DD". */
export function readDottedDate(text: string): string | null {
  const match = DOTTED_DATE.exec(text.trim());
  if (!match) return null;
  const [day, month, year] = match.slice(1).map(Number);
  return isValidWallClock([year, month, day]) ? `${match[3]}-${match[2]}-${match[1]}` : null;
}

/** Reads a non-negative integer written as plain digits, with no group separators. */
export function readCount(text: string): number | null {
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/** Reads a non-negative decimal with "." or "," as the decimal mark ("62.87", "62,87"). */
export function readDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return null;
  return Number(trimmed.replace(',', '.'));
}

/** Returns the text trimmed, or null when nothing is left. */
export function optionalText(text: string | undefined): string | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

/** Formats an epoch-milliseconds instant as "YYYY-MM-DDThh:mm:ssZ". */
export function isoInstant(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
