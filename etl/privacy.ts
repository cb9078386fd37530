// Privacy rules applied before anything is written (152-ФЗ). Adapters never read names, phones,
// e-mails, addresses, building ids, photos or texts of applicants into a draft. This step also
// coarsens coordinates to a grid cell and removes personal data that slipped into a kept field.

import type { PrivacyConfig } from './config.ts';

/**
 * Snaps a point to the centre of its grid cell. The default cell, 0.01° of latitude by 0.02° of
 * longitude, is about 1.1 km × 1.1 km at St Petersburg's 60° N (1.1 km × 1.3 km at Moscow's
 * 56° N): in a built-up area such a cell contains dozens to hundreds of buildings, so a published
 * point cannot single out a house, while a district map keeps its shape.
 */
export function coarsenPoint(latitude: number | null, longitude: number | null, grid: PrivacyConfig): { latitude: number | null; longitude: number | null } {
  if (latitude === null || longitude === null) return { latitude: null, longitude: null };
  return {
    latitude: cellCentre(latitude, grid.gridLatitudeDegrees),
    longitude: cellCentre(longitude, grid.gridLongitudeDegrees),
  };
}

/** Reject reasons whose value quotes a record's point as "latitude, longitude". */
export const POINT_REJECT_REASONS: readonly string[] = ['outside_region', 'point_outside_district', 'coordinates_out_of_bounds'];

/**
 * Generalises the point that a reject's value quotes, as appeals.parquet does: the first two
 * numbers, read as latitude and longitude, become their grid cell's centre ("59.9125, 30.3375 ∉
 * Невский"). Returns null when the value has fewer than two numbers, and the value unchanged for
 * other reasons.
 */
export function generaliseRejectPoint(reason: string, value: string | null, grid: PrivacyConfig): string | null {
  if (value === null || !POINT_REJECT_REASONS.includes(reason)) return value;
  const numbers = [...value.matchAll(/-?\d+(?:\.\d+)?/g)];
  if (numbers.length < 2) return null;
  const [latitude, longitude] = numbers;
  const cell = coarsenPoint(Number(latitude[0]), Number(longitude[0]), grid);
  const end = longitude.index! + longitude[0].length;
  return `${value.slice(0, latitude.index)}${cell.latitude}, ${cell.longitude}${value.slice(end)}`;
}

function cellCentre(value: number, size: number): number {
  const centre = (Math.floor(value / size) + 0.5) * size;
  return Math.round(centre * 1e6) / 1e6;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;

/**
 * Phone numbers in Russian and international forms: +7 (812) 576-82-14, 8 812 5768214,
 * 576-82-14, +1 212-555-0100. Seven or more digits with optional separators.
 */
const PHONE = /(?<![\p{L}\p{N}])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,3}(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])\+?\d{7,15}(?![\p{L}\p{N}])/gu;

/** Russian personal names written as «Фамилия И.», «Фамилия И. О.», «И. О. Фамилия». */
const INITIALS_NAME = /(?<![\p{L}])(?:\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?\s+\p{Lu}\.\s?(?:\p{Lu}\.)?|\p{Lu}\.\s?\p{Lu}\.\s?\p{Lu}\p{Ll}+)(?![\p{L}])/gu;

/**
 * Dates look like phone numbers to the pattern above: 2021-04-01, 01.04.2021, 01-04-2021 12, and
 * 18.10.20 15 with a two-digit year, which only a real day and month (and hour) let through.
 */
const DATE = /^(\d{4}[-.]\d{2}[-.]\d{2}|\d{2}[-.]\d{2}[-.]\d{4})(\s\d{2})?$|^(0[1-9]|[12]\d|3[01])\.(0[1-9]|1[0-2])\.\d{2}(\s([01]\d|2[0-3]))?$/;

export const REDACTED = '[скрыто]';

export interface ScrubResult {
  text: string;
  removed: number;
}

/**
 * Removes e-mails, phone numbers and initials-style names from a kept short field (an agency,
 * a category). Digits that are only part of an organisation's name such as «№65» are kept because
 * a phone needs at least seven digits.
 */
export function scrubText(text: string): ScrubResult {
  let removed = 0;
  const replace = () => {
    removed += 1;
    return REDACTED;
  };
  const cleaned = text
    .replace(EMAIL, replace)
    .replace(PHONE, (match) => (countDigits(match) >= 7 && !DATE.test(match.trim()) ? replace() : match))
    .replace(INITIALS_NAME, replace);
  return { text: cleaned, removed };
}

function countDigits(text: string): number {
  return text.replace(/\D/g, '').length;
}

/**
 * Key names that may carry free text, addresses, contacts or links to a person's media; such
 * extra fields are dropped whatever their value.
 */
const PERSONAL_KEY = /addr|name|phone|mail|desc|note|comment|text|media|photo|image|url|contact|person|zip|post|author|user|account|lat|lon|coord/i;

/** Maximum length of a kept extra value: short codes and flags, never a sentence. */
const MAX_EXTRA_LENGTH = 40;

/**
 * Keeps the vendor extensions that are short scalars under neutral keys, with personal data
 * scrubbed, as a JSON object; returns null when nothing is left.
 */
export function filterExtras(extras: Readonly<Record<string, unknown>> | null | undefined): { json: string | null; removed: number } {
  if (!extras) return { json: null, removed: 0 };
  const kept: Record<string, string | number | boolean> = {};
  let removed = 0;
  for (const [key, value] of Object.entries(extras)) {
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (!scalar || PERSONAL_KEY.test(key) || String(value).length > MAX_EXTRA_LENGTH) {
      removed += 1;
      continue;
    }
    kept[key] = typeof value === 'string' ? scrubText(value).text : value;
  }
  return { json: Object.keys(kept).length ? JSON.stringify(kept) : null, removed };
}
