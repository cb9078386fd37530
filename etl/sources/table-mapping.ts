// Mapping files for spreadsheet exports (format `table`). A mapping names the column of each
// canonical field, the date formats, and the translations of statuses and categories. See etl/mappings/README.md for
// the keys and two real examples.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { ConfigError, describeFileError, describeJsonError } from '../lib/errors.ts';
import type { Message } from '../lib/log.ts';
import { isTimeZone } from '../lib/time.ts';
import { APPEAL_STATUSES, type AppealStatus } from '../schema.ts';
import type { Delimiter } from './csv.ts';
import { DATE_FORMATS, parseIsoDate, type DateFormat } from './dates.ts';
import type { Bounds } from './row-helpers.ts';

/** Canonical draft fields a column can be mapped to. */
export const MAPPABLE_FIELDS = [
  'appeal_id',
  'created_at',
  'first_answer_at',
  'final_answer_at',
  'closed_at',
  'deadline_at',
  'status',
  'category',
  'rubric',
  'object_type',
  'agency',
  'district_code',
  'district_name',
  'municipality_name',
  'latitude',
  'longitude',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

export const TIME_FIELDS = ['created_at', 'first_answer_at', 'final_answer_at', 'closed_at', 'deadline_at'] as const;
export type TimeField = (typeof TIME_FIELDS)[number];

export type DeclaredEncoding = 'auto' | 'utf-8' | 'windows-1251';

/** A rule that reads a district name out of an agency name. */
export interface AgencyDistrictRule {
  readonly pattern: RegExp;
  /** Replacement text for String.prototype.replace, with `$1` or `$<name>` for captured parts. */
  readonly district: string;
}

export interface TableMapping {
  /** Path of the mapping file, for messages. */
  readonly file: string;
  readonly title: string | null;
  readonly encoding: DeclaredEncoding;
  readonly delimiter: 'auto' | Delimiter;
  /** XLSX sheet name; null reads the first sheet. */
  readonly sheet: string | null;
  /** Zone of times written without an offset; null uses the source's configured zone. */
  readonly timeZone: string | null;
  readonly dateFormats: readonly DateFormat[];
  /** Column name per field; null declares that the export has no such column. */
  readonly columns: Readonly<Partial<Record<MappableField, string | null>>>;
  readonly statusMap: Readonly<Record<string, AppealStatus>>;
  /** Status of every row when the export has no status column. */
  readonly statusDefault: { readonly status: AppealStatus; readonly original: string } | null;
  readonly categoryMap: Readonly<Record<string, string>>;
  /** Creation time given to every row of an export without one, with the reason it is sound. */
  readonly createdAtFallback: { readonly at: number; readonly reason: string } | null;
  readonly agencyDistrictRules: readonly AgencyDistrictRule[];
  readonly bounds: Bounds | null;
}

const KNOWN_KEYS = new Set([
  'format',
  'title',
  'description',
  'encoding',
  'delimiter',
  'sheet',
  'time_zone',
  'date_formats',
  'columns',
  'status_map',
  'status_default',
  'category_map',
  'created_at_fallback',
  'agency_district_pattern',
  'bounds',
  'not_mapped',
]);

const DELIMITER_NAMES: Record<string, 'auto' | Delimiter> = { auto: 'auto', ',': ',', ';': ';', '\t': '\t', tab: '\t' };

/** Reads and checks a mapping file. Throws ConfigError naming the file and the key at fault. */
export async function readTableMapping(path: string): Promise<TableMapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError({
      ru: `файл сопоставления ${path} не прочитан (${describeFileError(error).ru})`,
      en: `mapping file ${path} could not be read (${describeFileError(error).en})`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError({ ru: `${path}: неверный JSON (${describeJsonError(error).ru})`, en: `${path}: invalid JSON (${describeJsonError(error).en})` });
  }
  return validateTableMapping(json, path);
}

/**
 * Lists what a valid mapping lacks that every row needs, so that all such gaps are named before the
 * first row instead of one reject reason at a time: a creation time and a status.
 */
export function mappingGaps(mapping: TableMapping): Message[] {
  const file = basename(mapping.file);
  const gaps: Message[] = [];
  if (mapping.columns.created_at === null && mapping.createdAtFallback === null) {
    gaps.push({
      ru: `в ${file} нет столбца времени создания (columns.created_at = null) и нет created_at_fallback, поэтому каждая строка будет отклонена (missing_created_at)`,
      en: `${file} maps no creation time column (columns.created_at is null) and sets no created_at_fallback, so every row will be rejected (missing_created_at)`,
    });
  }
  if (!mapping.columns.status && mapping.statusDefault === null) {
    gaps.push({
      ru: `в ${file} нет столбца статуса и нет status_default, поэтому каждая строка будет отклонена (missing_status)`,
      en: `${file} maps no status column and sets no status_default, so every row will be rejected (missing_status)`,
    });
  }
  return gaps;
}

/** Checks a parsed mapping; `file` names it in messages. Keys starting with `$` are comments. */
export function validateTableMapping(json: unknown, file: string): TableMapping {
  const fail = (key: string, ru: string, en: string): never => {
    throw new ConfigError({ ru: `${file}: ${key}: ${ru}`, en: `${file}: ${key}: ${en}` });
  };

  const root = asObject(json) ?? fail('(root)', 'нужен объект JSON', 'expected a JSON object');
  for (const key of Object.keys(root)) {
    if (!KNOWN_KEYS.has(key) && !key.startsWith('$')) fail(key, `неизвестный ключ; допустимы: ${[...KNOWN_KEYS].join(', ')}`, `unknown key; allowed: ${[...KNOWN_KEYS].join(', ')}`);
  }
  if (root.format !== undefined && root.format !== 'table') fail('format', 'должно быть "table"', 'must be "table"');

  const encoding = root.encoding ?? 'auto';
  if (encoding !== 'auto' && encoding !== 'utf-8' && encoding !== 'windows-1251') {
    fail('encoding', 'допустимы "auto", "utf-8", "windows-1251"', 'allowed values are "auto", "utf-8", "windows-1251"');
  }
  const delimiter = DELIMITER_NAMES[String(root.delimiter ?? 'auto')] ?? fail('delimiter', 'допустимы "auto", ",", ";", "tab"', 'allowed values are "auto", ",", ";", "tab"');

  const timeZone = root.time_zone === undefined || root.time_zone === null ? null : String(root.time_zone);
  if (timeZone !== null && !isTimeZone(timeZone)) fail('time_zone', `неизвестный часовой пояс «${timeZone}»`, `unknown time zone "${timeZone}"`);

  const dateFormats = readDateFormats(root.date_formats, fail);
  const columns = readColumns(root.columns, fail);
  const statusMap = readStatusMap(root.status_map, 'status_map', fail);
  if (typeof columns.status === 'string' && Object.keys(statusMap).length === 0) {
    fail('status_map', 'столбец статуса указан, но словарь статусов пуст', 'a status column is mapped but the status map is empty');
  }

  return {
    file,
    title: typeof root.title === 'string' ? root.title : null,
    encoding: encoding as DeclaredEncoding,
    delimiter,
    sheet: typeof root.sheet === 'string' ? root.sheet : null,
    timeZone,
    dateFormats,
    columns,
    statusMap,
    statusDefault: readStatusDefault(root.status_default, fail),
    categoryMap: readStringMap(root.category_map, 'category_map', fail),
    createdAtFallback: readCreatedAtFallback(root.created_at_fallback, fail),
    agencyDistrictRules: readAgencyDistrictRules(root.agency_district_pattern, fail),
    bounds: readBounds(root.bounds, fail),
  };
}

type Fail = (key: string, ru: string, en: string) => never;

function readColumns(value: unknown, fail: Fail): Partial<Record<MappableField, string | null>> {
  const object = asObject(value) ?? fail('columns', 'нужен объект «поле → столбец»', 'expected an object of field → column');
  const columns: Partial<Record<MappableField, string | null>> = {};
  for (const [field, column] of Object.entries(object)) {
    if (field.startsWith('$')) continue;
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      fail(`columns.${field}`, `неизвестное поле; допустимы: ${MAPPABLE_FIELDS.join(', ')}`, `unknown field; allowed: ${MAPPABLE_FIELDS.join(', ')}`);
    }
    if (column !== null && (typeof column !== 'string' || column.trim() === '')) {
      fail(`columns.${field}`, 'нужно имя столбца или null', 'expected a column name or null');
    }
    columns[field as MappableField] = column as string | null;
  }

  if (typeof columns.appeal_id !== 'string') fail('columns.appeal_id', 'обязателен: столбец с номером обращения', 'required: the column with the appeal id');
  if (!('created_at' in columns)) {
    fail('columns.created_at', 'обязателен: имя столбца или null, если в выгрузке нет времени создания', 'required: a column name, or null to declare that the export has no creation time');
  }
  if ((typeof columns.latitude === 'string') !== (typeof columns.longitude === 'string')) {
    fail('columns.latitude', 'широта и долгота указываются только вместе', 'latitude and longitude must be mapped together');
  }
  return columns;
}

function readDateFormats(value: unknown, fail: Fail): DateFormat[] {
  if (value === undefined) return ['iso'];
  if (!Array.isArray(value) || value.length === 0) fail('date_formats', 'нужен непустой список', 'expected a non-empty list');
  for (const format of value as unknown[]) {
    if (!(DATE_FORMATS as readonly unknown[]).includes(format)) fail('date_formats', `неизвестный формат ${JSON.stringify(format)}; допустимы: ${DATE_FORMATS.join(', ')}`, `unknown format ${JSON.stringify(format)}; allowed: ${DATE_FORMATS.join(', ')}`);
  }
  return value as DateFormat[];
}

function readStatusMap(value: unknown, key: string, fail: Fail): Record<string, AppealStatus> {
  const map = readStringMap(value, key, fail);
  for (const [original, status] of Object.entries(map)) {
    if (!isStatus(status)) fail(`${key}.${original}`, `неизвестный статус «${status}»; допустимы: ${APPEAL_STATUSES.join(', ')}`, `unknown status "${status}"; allowed: ${APPEAL_STATUSES.join(', ')}`);
  }
  return map as Record<string, AppealStatus>;
}

function readStatusDefault(value: unknown, fail: Fail): TableMapping['statusDefault'] {
  if (value === undefined || value === null) return null;
  const object = asObject(value) ?? fail('status_default', 'нужен объект {status, original}', 'expected an object {status, original}');
  if (!isStatus(object.status)) fail('status_default.status', `допустимы: ${APPEAL_STATUSES.join(', ')}`, `allowed: ${APPEAL_STATUSES.join(', ')}`);
  if (typeof object.original !== 'string' || object.original.trim() === '') fail('status_default.original', 'нужен текст статуса для status_original', 'expected the text to store as status_original');
  return { status: object.status as AppealStatus, original: object.original as string };
}

function readCreatedAtFallback(value: unknown, fail: Fail): TableMapping['createdAtFallback'] {
  if (value === undefined || value === null) return null;
  const object = asObject(value) ?? fail('created_at_fallback', 'нужен объект {value, reason}', 'expected an object {value, reason}');
  const text = typeof object.value === 'string' ? object.value : '';
  // The fallback must carry its offset, so it cannot depend on the zone it is read in.
  const parsed = /([Zz]|[+-]\d{2}:?\d{2})$/.test(text) ? parseIsoDate(text, 'UTC') : null;
  if (!parsed?.ok) fail('created_at_fallback.value', 'нужна метка времени ISO 8601 со смещением, например 2022-01-01T00:00:00+03:00', 'expected an ISO 8601 timestamp with an offset, like 2022-01-01T00:00:00+03:00');
  if (typeof object.reason !== 'string' || object.reason.trim() === '') {
    fail('created_at_fallback.reason', 'объясните, почему это время верно для всех строк', 'explain why this time holds for every row');
  }
  return { at: (parsed as { at: number }).at, reason: object.reason as string };
}

function readAgencyDistrictRules(value: unknown, fail: Fail): AgencyDistrictRule[] {
  if (value === undefined || value === null) return [];
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry, index) => {
    const key = Array.isArray(value) ? `agency_district_pattern[${index}]` : 'agency_district_pattern';
    const object = asObject(entry) ?? fail(key, 'нужен объект {pattern, district}', 'expected an object {pattern, district}');
    if (typeof object.pattern !== 'string' || typeof object.district !== 'string') fail(key, 'нужны строки pattern и district', 'expected string pattern and district');
    try {
      return { pattern: new RegExp(object.pattern as string, 'u'), district: object.district as string };
    } catch (error) {
      return fail(`${key}.pattern`, 'неверное регулярное выражение', `invalid regular expression (${(error as Error).message})`);
    }
  });
}

function readBounds(value: unknown, fail: Fail): Bounds | null {
  if (value === undefined || value === null) return null;
  const object = asObject(value) ?? fail('bounds', 'нужен объект {south, west, north, east}', 'expected an object {south, west, north, east}');
  const [south, west, north, east] = ['south', 'west', 'north', 'east'].map((side) => object[side]);
  const valid = [south, west, north, east].every((side) => typeof side === 'number' && Number.isFinite(side));
  if (!valid || (south as number) > (north as number) || (west as number) > (east as number)) {
    fail('bounds', 'нужны числа south ≤ north и west ≤ east в градусах', 'expected numbers south ≤ north and west ≤ east in degrees');
  }
  return { south: south as number, west: west as number, north: north as number, east: east as number };
}

function readStringMap(value: unknown, key: string, fail: Fail): Record<string, string> {
  if (value === undefined || value === null) return {};
  const object = asObject(value) ?? fail(key, 'нужен объект «значение → значение»', 'expected an object of value → value');
  for (const [from, to] of Object.entries(object)) {
    if (typeof to !== 'string') fail(`${key}.${from}`, 'нужна строка', 'expected a string');
  }
  return object as Record<string, string>;
}

function isStatus(value: unknown): value is AppealStatus {
  return (APPEAL_STATUSES as readonly unknown[]).includes(value);
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
