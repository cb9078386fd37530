// Files the explorer offers for download: CSV, CSV for Excel with Russian regional settings,
// GeoJSON of the generalised points, and file names that state the snapshot and the filter.
// Pure functions over plain rows, so Node tests can check them.

import { FACETS, type ExplorerState } from './url-state.ts';

export interface ExportColumn {
  name: string;
  kind: 'text' | 'number' | 'boolean' | 'timestamp' | 'date' | 'other';
}

export interface CsvDialect {
  separator: ',' | ';';
  decimalComma: boolean;
  lineEnd: '\n' | '\r\n';
  /** UTF-8 byte order mark, which Excel needs to read UTF-8 instead of the ANSI code page. */
  bom: boolean;
  /** Prefix text that starts with =, +, - or @ with an apostrophe, so Excel shows it as text. */
  guardFormulas: boolean;
  /**
   * Write instants as "2020-10-25 18:51:43", which Excel reads as a date and time, instead of
   * ISO 8601 with "T" and "Z", which Excel keeps as text. Both forms are UTC.
   */
  excelDateTimes: boolean;
}

/** RFC 4180 fields, UTF-8 without a byte order mark, "." decimals, LF line ends. */
export const CSV_DIALECT: CsvDialect = { separator: ',', decimalComma: false, lineEnd: '\n', bom: false, guardFormulas: false, excelDateTimes: false };

/**
 * What Excel with Russian regional settings opens by double click: ";" between fields, a decimal
 * comma, CRLF line ends and a byte order mark.
 */
export const EXCEL_CSV_DIALECT: CsvDialect = { separator: ';', decimalComma: true, lineEnd: '\r\n', bom: true, guardFormulas: true, excelDateTimes: true };

export const BOM = '\ufeff';

function formatInstant(ms: number, dialect: CsvDialect): string {
  const iso = new Date(ms).toISOString();
  return dialect.excelDateTimes ? iso.slice(0, 19).replace('T', ' ') : iso;
}

function formatNumber(value: number, dialect: CsvDialect): string {
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  return dialect.decimalComma ? text.replace('.', ',') : text;
}

const MILLISECONDS_PER_DAY = 86_400_000;

/**
 * Tells whether a time value is an instant rather than a calendar date. DuckDB-WASM 1.28 hands
 * some TIMESTAMPTZ columns to Arrow as dates in milliseconds, so a "date" with a time of day is an
 * instant and keeps its time.
 */
export function isInstant(value: number, kind: ExportColumn['kind']): boolean {
  return kind === 'timestamp' || (kind === 'date' && value % MILLISECONDS_PER_DAY !== 0);
}

/** Formats one value as a CSV field, quoting it when it contains the separator, a quote or a line break. */
export function csvField(value: unknown, kind: ExportColumn['kind'], dialect: CsvDialect): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if ((kind === 'timestamp' || kind === 'date') && typeof value === 'number' && isInstant(value, kind)) text = formatInstant(value, dialect);
  else if (kind === 'date' && typeof value === 'number') text = new Date(value).toISOString().slice(0, 10);
  else if (typeof value === 'number') text = formatNumber(value, dialect);
  else text = String(value);

  if (dialect.guardFormulas && kind === 'text' && /^[=+\-@]/.test(text)) text = `'${text}`;
  const needsQuotes = text.includes(dialect.separator) || text.includes('"') || text.includes('\n') || text.includes('\r');
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(columns: readonly ExportColumn[], dialect: CsvDialect): string {
  return columns.map((column) => csvField(column.name, 'text', { ...dialect, guardFormulas: false })).join(dialect.separator) + dialect.lineEnd;
}

/** Formats rows as CSV lines, each ending with the dialect's line end. */
export function csvRows(columns: readonly ExportColumn[], rows: readonly unknown[][], dialect: CsvDialect): string {
  let text = '';
  for (const row of rows) {
    text += columns.map((column, index) => csvField(row[index], column.kind, dialect)).join(dialect.separator) + dialect.lineEnd;
  }
  return text;
}

/** A whole CSV file as text, with the byte order mark when the dialect has one. */
export function toCsv(columns: readonly ExportColumn[], rows: readonly unknown[][], dialect: CsvDialect): string {
  return `${dialect.bom ? BOM : ''}${csvHeader(columns, dialect)}${csvRows(columns, rows, dialect)}`;
}

/** Properties kept on each GeoJSON point: enough to style and filter the points, no free text. */
export const GEOJSON_PROPERTIES = ['appeal_id', 'source', 'created_at', 'status', 'overdue', 'district', 'municipality', 'category', 'rubric', 'agency'] as const;

export interface GeoJsonPoint {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: Record<string, unknown>;
}

/**
 * Turns rows into GeoJSON point features at the grid-cell centres of `latitude` and
 * `longitude`. Rows without coordinates are left out; the caller reports how many.
 */
export function toGeoJsonFeatures(columns: readonly ExportColumn[], rows: readonly unknown[][]): GeoJsonPoint[] {
  const index = new Map(columns.map((column, position) => [column.name, position]));
  const latitude = index.get('latitude');
  const longitude = index.get('longitude');
  if (latitude === undefined || longitude === undefined) throw new Error('GeoJSON export needs the latitude and longitude columns');
  const features: GeoJsonPoint[] = [];
  for (const row of rows) {
    const lat = row[latitude];
    const lon = row[longitude];
    if (typeof lat !== 'number' || typeof lon !== 'number') continue;
    const properties: Record<string, unknown> = {};
    for (const name of GEOJSON_PROPERTIES) {
      const position = index.get(name);
      if (position === undefined) continue;
      const value = row[position];
      const kind = columns[position].kind;
      const instant = (kind === 'timestamp' || kind === 'date') && typeof value === 'number';
      properties[name] = instant ? (isInstant(value, kind) ? new Date(value).toISOString() : new Date(value).toISOString().slice(0, 10)) : value;
    }
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties });
  }
  return features;
}

// Russian letters in Latin, close to the passport transliteration of 2014 with "й" as "y", so
// "Невский" becomes "Nevskiy".
const TRANSLITERATION: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n',
  о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '',
  э: 'e', ю: 'yu', я: 'ya',
};

/** Spells Cyrillic in Latin letters, keeping the case of each word's first letter. */
export function transliterate(text: string): string {
  let result = '';
  for (const char of text) {
    const lower = char.toLowerCase();
    const latin = TRANSLITERATION[lower];
    if (latin === undefined) result += char;
    else result += char !== lower && latin.length > 0 ? latin[0].toUpperCase() + latin.slice(1) : latin;
  }
  return result;
}

function slugPart(value: string, maxLength: number): string {
  const slug = transliterate(value === '' ? 'none' : value)
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return slug.slice(0, maxLength).replace(/-$/, '') || 'x';
}

/** FNV-1a over UTF-16 code units, as 8 hex digits, to keep shortened names distinct. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Longest filter part of a file name; longer filters are cut and end in a hash of the whole. */
const MAX_FILTER_SLUG = 120;

/**
 * Describes a state's filter for a file name, e.g. "district-Nevskiy_status-resolved", or "all"
 * when nothing is filtered. Several values of one column join with "+".
 */
export function filterSlug(state: ExplorerState): string {
  const parts: string[] = [];
  for (const facet of FACETS) {
    const values = state.filters[facet];
    if (values.length > 0) parts.push(`${facet}-${values.map((value) => slugPart(value, 32)).join('+')}`);
  }
  if (state.from) parts.push(`from-${state.from}`);
  if (state.to) parts.push(`to-${state.to}`);
  const slug = parts.join('_') || 'all';
  if (slug.length <= MAX_FILTER_SLUG) return slug;
  return `${slug.slice(0, MAX_FILTER_SLUG - 9).replace(/[-_+]+$/, '')}-${shortHash(slug)}`;
}

/** File name of a download: what, snapshot id and filter, e.g. "appeals_2026-12-04_status-resolved.csv". */
export function downloadName(what: string, snapshot: string, state: ExplorerState, extension: string): string {
  return `${what}_${snapshot}_${filterSlug(state)}.${extension}`;
}
