// Loads and validates the configuration: regions (boundaries, population, codes, aliases, time
// zone) and sources. Every key, its type and its meaning are documented in docs/configuration.md;
// an error names the key and the expected form.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { ConfigError } from './lib/errors.ts';
import type { Message } from './lib/log.ts';
import { isTimeZone } from './lib/time.ts';
import type { LocalizedText } from './aggregates-types.ts';

export const SOURCE_FORMATS = ['spb-portal', 'open311', 'table'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export interface BoundariesConfig {
  file: string;
  nameProperty: string;
  codeProperty?: string;
  /** Property selecting features, e.g. { "admin_lvl": 6 } keeps the municipal level only. */
  filter?: Record<string, string | number>;
  licence: string;
  attribution: LocalizedText;
}

export interface PopulationConfig {
  /** A CSV file; omit it to read the population from a property of the boundaries. */
  file?: string;
  districtColumn: string;
  valueColumn: string;
  year: number;
  licence: string;
  attribution: LocalizedText;
}

export interface DistrictCodesConfig {
  file: string;
  codeColumn: string;
  districtColumn: string;
}

export interface MunicipalitiesConfig {
  file: string;
  nameColumn: string;
  shortNameColumn: string;
  districtColumn: string;
}

export interface RegionConfig {
  id: string;
  name: LocalizedText;
  timeZone: string;
  boundaries: BoundariesConfig;
  population?: PopulationConfig;
  districtCodes?: DistrictCodesConfig;
  municipalities?: MunicipalitiesConfig;
  /** Other spellings of district names: alias → district name as in the boundaries. */
  aliases: Record<string, string>;
}

/** An Open311 GeoReport v2 endpoint read over HTTP in date windows. */
export interface EndpointConfig {
  /** Base URL of the endpoint, e.g. https://city.example/open311/v2 (requests.json is appended). */
  url: string;
  /** First creation date to read, ISO 8601. */
  startDate: string;
  /** Last creation date to read, ISO 8601; null reads up to the run's clock. */
  endDate: string | null;
  /** Width of one request window in days; windows that return the server's cap are split. */
  windowDays: number;
  /** The most requests a server returns in one answer. */
  pageCap: number;
  /** Tries per request on 5xx answers and time-outs, with exponential backoff. */
  retries: number;
  /** Time-out of one request in milliseconds. */
  timeoutMs: number;
  format: 'json' | 'xml';
}

/** Policy for records whose district is in doubt: "reject" them, or "keep" them with a flag. */
export interface DistrictPolicy {
  /** The district code and the district name point to different districts (keep: the code wins). */
  conflict: 'reject' | 'keep';
  /** The record's point lies outside the district its code or name gave. */
  pointMismatch: 'reject' | 'keep';
  /** No rule placed the record (keep: published with an empty district). */
  unplaced: 'reject' | 'keep';
}

export const DEFAULT_DISTRICT_POLICY: DistrictPolicy = { conflict: 'reject', pointMismatch: 'keep', unplaced: 'reject' };

export interface SourceConfig {
  id: string;
  districtPolicy?: DistrictPolicy;
  format: SourceFormat;
  region: string;
  files: string[];
  /** Mapping file of a `table` source: which column is which canonical field. */
  mapping?: string;
  /** Service list of an `open311` source (services.json or .xml), for categories. */
  services?: string;
  /** An `open311` source read from a live endpoint instead of files. */
  endpoint?: EndpointConfig;
  timeZone: string;
  /** ISO instant when the data was extracted; null takes the latest event in the data. */
  asOf: string | null;
  title: LocalizedText;
  url: string | null;
  licence: string;
  attribution: LocalizedText;
  /** The data's coverage and gaps, for the site's notices and methodology; none when absent. */
  coverage?: SourceCoverage;
}

/** A source's coverage as readers need it: a short notice and the longer included/excluded text. */
export interface SourceCoverage {
  /** One sentence for the home and explorer pages, e.g. that the data is a sample. */
  notice?: LocalizedText;
  included?: LocalizedText;
  excluded?: LocalizedText;
}

export interface PrivacyConfig {
  gridLatitudeDegrees: number;
  gridLongitudeDegrees: number;
}

export interface SnapshotsConfig {
  directory: string;
  keep: number;
  keepMonthEnds: boolean;
}

export interface SiteConfig {
  /** Folder of published site builds; `current` inside it links to the served build. */
  directory: string;
}

export interface PollImportConfig {
  id: string;
  /** A CSV in the transcribed-polls format documented in etl/polls/transcribed-csv.ts. */
  file: string;
  region: string;
  cityName: string;
  title: LocalizedText;
  originUrl: string;
  licence: string;
  attribution: LocalizedText;
}

export interface PollsConfig {
  /** Folder holding `polls/` (the poll datasets) and `geo/` (districts and the okrug crosswalk). */
  dataDirectory: string;
  /** Administrators' own poll exports, published beside the shipped datasets. */
  imports: PollImportConfig[];
}

export interface Config {
  /** Folder the relative paths of the configuration are resolved against. */
  root: string;
  snapshots: SnapshotsConfig;
  site: SiteConfig;
  /** E-poll results to publish with each snapshot; absent means none. */
  polls?: PollsConfig;
  privacy: PrivacyConfig;
  regions: RegionConfig[];
  sources: SourceConfig[];
}

/** Allowed keys of each section of the configuration, documented in docs/configuration.md. */
export const CONFIG_KEYS = {
  root: ['$schema', 'snapshots', 'site', 'polls', 'privacy', 'regions', 'sources'],
  snapshots: ['directory', 'keep', 'keepMonthEnds'],
  site: ['directory'],
  polls: ['dataDirectory', 'imports'],
  pollImport: ['id', 'file', 'region', 'cityName', 'title', 'originUrl', 'licence', 'attribution'],
  privacy: ['gridLatitudeDegrees', 'gridLongitudeDegrees'],
  region: ['id', 'name', 'timeZone', 'boundaries', 'population', 'districtCodes', 'municipalities', 'aliases'],
  boundaries: ['file', 'nameProperty', 'codeProperty', 'filter', 'licence', 'attribution'],
  districtCodes: ['file', 'codeColumn', 'districtColumn'],
  municipalities: ['file', 'nameColumn', 'shortNameColumn', 'districtColumn'],
  population: ['file', 'districtColumn', 'valueColumn', 'year', 'licence', 'attribution'],
  source: ['id', 'format', 'region', 'files', 'mapping', 'services', 'endpoint', 'districtPolicy', 'timeZone', 'asOf', 'title', 'url', 'licence', 'attribution', 'coverage'],
  coverage: ['notice', 'included', 'excluded'],
  endpoint: ['url', 'startDate', 'endDate', 'windowDays', 'pageCap', 'retries', 'timeoutMs', 'format'],
  districtPolicy: ['conflict', 'pointMismatch', 'unplaced'],
  localized: ['ru', 'en'],
} as const;

type Json = Record<string, unknown>;

/**
 * Reads a configuration file and validates it. Relative paths in it resolve against `root`: the
 * working directory, which npm sets to the project folder for `npm run etl`.
 */
export function loadConfig(path: string, root = process.cwd()): Config {
  if (!existsSync(path)) {
    throw new ConfigError({
      ru: `Файл конфигурации не найден: ${path}. Укажите путь в --config.`,
      en: `Configuration file not found: ${path}. Pass its path with --config.`,
    });
  }

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError({
      ru: `Конфигурация ${path} — не JSON: ${(error as Error).message}`,
      en: `Configuration ${path} is not valid JSON: ${(error as Error).message}`,
    });
  }
  return validateConfig(raw, root);
}

export function validateConfig(raw: unknown, root: string): Config {
  const top = object(raw, '(root)');
  allowKeys(top, '(root)', CONFIG_KEYS.root);

  const snapshotsJson = object(top.snapshots, 'snapshots');
  allowKeys(snapshotsJson, 'snapshots', CONFIG_KEYS.snapshots);
  // OPEN_DISTRICT_SNAPSHOTS overrides the folder for the ETL and the site build alike, so a test or
  // a staging run can write and read snapshots elsewhere with the same configuration.
  const snapshotsDirectory = process.env.OPEN_DISTRICT_SNAPSHOTS?.trim() || string(snapshotsJson.directory, 'snapshots.directory');
  const snapshots: SnapshotsConfig = {
    directory: resolve(root, snapshotsDirectory),
    keep: positiveInteger(snapshotsJson.keep, 'snapshots.keep'),
    keepMonthEnds: boolean(snapshotsJson.keepMonthEnds, 'snapshots.keepMonthEnds'),
  };

  const siteJson = object(top.site ?? {}, 'site');
  allowKeys(siteJson, 'site', CONFIG_KEYS.site);
  const site: SiteConfig = { directory: resolve(root, siteJson.directory === undefined ? 'published' : string(siteJson.directory, 'site.directory')) };

  const polls = optional(top.polls, (value) => {
    const pollsJson = object(value, 'polls');
    allowKeys(pollsJson, 'polls', CONFIG_KEYS.polls);
    const imports = array(pollsJson.imports ?? [], 'polls.imports').map((entry, index) => {
      const key = `polls.imports[${index}]`;
      const json = object(entry, key);
      allowKeys(json, key, CONFIG_KEYS.pollImport);
      return {
        id: identifier(json.id, `${key}.id`),
        file: file(json.file, `${key}.file`, root),
        region: identifier(json.region, `${key}.region`),
        cityName: string(json.cityName, `${key}.cityName`),
        title: localized(json.title, `${key}.title`),
        originUrl: string(json.originUrl, `${key}.originUrl`),
        licence: string(json.licence, `${key}.licence`),
        attribution: localized(json.attribution, `${key}.attribution`),
      };
    });
    return { dataDirectory: directory(pollsJson.dataDirectory, 'polls.dataDirectory', root), imports };
  });

  const privacyJson = object(top.privacy ?? {}, 'privacy');
  allowKeys(privacyJson, 'privacy', CONFIG_KEYS.privacy);
  // The default cell, 0.01° × 0.02°, is about 1.1 × 1.1 km at 60° N (docs/configuration.md).
  const privacy: PrivacyConfig = {
    gridLatitudeDegrees: privacyJson.gridLatitudeDegrees === undefined ? 0.01 : positiveNumber(privacyJson.gridLatitudeDegrees, 'privacy.gridLatitudeDegrees'),
    gridLongitudeDegrees: privacyJson.gridLongitudeDegrees === undefined ? 0.02 : positiveNumber(privacyJson.gridLongitudeDegrees, 'privacy.gridLongitudeDegrees'),
  };

  const regions = array(top.regions, 'regions').map((value, index) => validateRegion(value, `regions[${index}]`, root));
  const regionIds = new Set(regions.map((region) => region.id));
  const sources = array(top.sources, 'sources').map((value, index) => validateSource(value, `sources[${index}]`, root, regionIds));

  unique(regions.map((region) => region.id), 'regions[].id');
  unique(sources.map((source) => source.id), 'sources[].id');
  return { root, snapshots, site, polls, privacy, regions, sources };
}

function validateRegion(value: unknown, key: string, root: string): RegionConfig {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.region);

  const boundariesJson = object(json.boundaries, `${key}.boundaries`);
  allowKeys(boundariesJson, `${key}.boundaries`, CONFIG_KEYS.boundaries);
  const boundaries: BoundariesConfig = {
    file: file(boundariesJson.file, `${key}.boundaries.file`, root),
    nameProperty: string(boundariesJson.nameProperty, `${key}.boundaries.nameProperty`),
    codeProperty: optional(boundariesJson.codeProperty, (v) => string(v, `${key}.boundaries.codeProperty`)),
    filter: optional(boundariesJson.filter, (v) => object(v, `${key}.boundaries.filter`) as Record<string, string | number>),
    licence: string(boundariesJson.licence, `${key}.boundaries.licence`),
    attribution: localized(boundariesJson.attribution, `${key}.boundaries.attribution`),
  };

  return {
    id: identifier(json.id, `${key}.id`),
    name: localized(json.name, `${key}.name`),
    timeZone: timeZone(json.timeZone, `${key}.timeZone`),
    boundaries,
    population: optional(json.population, (v) => validatePopulation(v, `${key}.population`, root)),
    districtCodes: optional(json.districtCodes, (v) => {
      const codes = object(v, `${key}.districtCodes`);
      allowKeys(codes, `${key}.districtCodes`, CONFIG_KEYS.districtCodes);
      return {
        file: file(codes.file, `${key}.districtCodes.file`, root),
        codeColumn: string(codes.codeColumn, `${key}.districtCodes.codeColumn`),
        districtColumn: string(codes.districtColumn, `${key}.districtCodes.districtColumn`),
      };
    }),
    municipalities: optional(json.municipalities, (v) => {
      const table = object(v, `${key}.municipalities`);
      allowKeys(table, `${key}.municipalities`, CONFIG_KEYS.municipalities);
      return {
        file: file(table.file, `${key}.municipalities.file`, root),
        nameColumn: string(table.nameColumn, `${key}.municipalities.nameColumn`),
        shortNameColumn: string(table.shortNameColumn, `${key}.municipalities.shortNameColumn`),
        districtColumn: string(table.districtColumn, `${key}.municipalities.districtColumn`),
      };
    }),
    aliases: stringMap(json.aliases ?? {}, `${key}.aliases`),
  };
}

function validatePopulation(value: unknown, key: string, root: string): PopulationConfig {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.population);
  return {
    file: optional(json.file, (v) => file(v, `${key}.file`, root)),
    districtColumn: string(json.districtColumn, `${key}.districtColumn`),
    valueColumn: string(json.valueColumn, `${key}.valueColumn`),
    year: positiveInteger(json.year, `${key}.year`),
    licence: string(json.licence, `${key}.licence`),
    attribution: localized(json.attribution, `${key}.attribution`),
  };
}

function validateSource(value: unknown, key: string, root: string, regionIds: Set<string>): SourceConfig {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.source);

  const format = string(json.format, `${key}.format`);
  if (!(SOURCE_FORMATS as readonly string[]).includes(format)) {
    fail(`${key}.format`, format, { ru: `одно из: ${SOURCE_FORMATS.join(' | ')}`, en: SOURCE_FORMATS.join(' | ') });
  }
  if (json.endpoint !== undefined && format !== 'open311') fail(`${key}.endpoint`, json.endpoint, { ru: 'без endpoint: по адресу читаются только источники open311', en: 'no endpoint: only open311 sources are read from a URL' });
  const region = string(json.region, `${key}.region`);
  if (!regionIds.has(region)) fail(`${key}.region`, region, { ru: `один из id регионов: ${[...regionIds].join(', ')}`, en: `one of the region ids: ${[...regionIds].join(', ')}` });

  if ((json.files === undefined || (Array.isArray(json.files) && json.files.length === 0)) && json.endpoint === undefined) {
    fail(`${key}.files`, json.files, { ru: 'список хотя бы из одного файла или endpoint для источника open311', en: 'a list of at least one file, or an endpoint for an open311 source' });
  }
  if (format !== 'table' && json.mapping !== undefined) fail(`${key}.mapping`, json.mapping, { ru: 'без mapping: сопоставление нужно только источникам table', en: 'no mapping: only table sources take one' });
  if (format === 'table' && json.mapping === undefined) fail(`${key}.mapping`, undefined, { ru: 'путь к файлу сопоставления, без которого источник table не читается (см. etl/mappings/README.ru.md)', en: 'the path of a mapping file, which a table source needs (see etl/mappings/README.md)' });

  const asOf = json.asOf === null || json.asOf === undefined ? null : string(json.asOf, `${key}.asOf`);
  if (asOf !== null && (!/[zZ]|[+-]\d\d:\d\d$/.test(asOf) || Number.isNaN(Date.parse(asOf)))) {
    fail(`${key}.asOf`, asOf, { ru: 'момент ISO 8601 с поясом, например 2021-04-23T00:00:00+03:00, или null', en: 'an ISO 8601 instant with a zone, e.g. 2021-04-23T00:00:00+03:00, or null' });
  }

  return {
    id: identifier(json.id, `${key}.id`),
    format: format as SourceFormat,
    region,
    files: array(json.files ?? [], `${key}.files`).map((v, index) => file(v, `${key}.files[${index}]`, root)),
    endpoint: optional(json.endpoint, (v) => validateEndpoint(v, `${key}.endpoint`)),
    mapping: optional(json.mapping, (v) => file(v, `${key}.mapping`, root)),
    services: optional(json.services, (v) => file(v, `${key}.services`, root)),
    districtPolicy: optional(json.districtPolicy, (v) => validateDistrictPolicy(v, `${key}.districtPolicy`)),
    timeZone: timeZone(json.timeZone, `${key}.timeZone`),
    asOf,
    title: localized(json.title, `${key}.title`),
    url: json.url === null || json.url === undefined ? null : string(json.url, `${key}.url`),
    licence: string(json.licence, `${key}.licence`),
    attribution: localized(json.attribution, `${key}.attribution`),
    coverage: optional(json.coverage, (v) => validateCoverage(v, `${key}.coverage`)),
  };
}

function validateCoverage(value: unknown, key: string): SourceCoverage {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.coverage);
  return {
    notice: optional(json.notice, (v) => localized(v, `${key}.notice`)),
    included: optional(json.included, (v) => localized(v, `${key}.included`)),
    excluded: optional(json.excluded, (v) => localized(v, `${key}.excluded`)),
  };
}

function validateEndpoint(value: unknown, key: string): EndpointConfig {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.endpoint);
  const url = string(json.url, `${key}.url`);
  if (!/^https?:\/\//.test(url)) fail(`${key}.url`, url, { ru: 'адрес http:// или https://', en: 'an http:// or https:// URL' });
  const date = (name: string, text: string) => {
    if (Number.isNaN(Date.parse(text))) fail(`${key}.${name}`, text, { ru: 'дата ISO 8601, например 2024-01-01', en: 'an ISO 8601 date, e.g. 2024-01-01' });
    return text;
  };
  const format = json.format ?? 'json';
  if (format !== 'json' && format !== 'xml') fail(`${key}.format`, format, { ru: '"json" или "xml"', en: '"json" or "xml"' });
  const startDate = date('startDate', string(json.startDate, `${key}.startDate`));
  const endDate = json.endDate === null || json.endDate === undefined ? null : date('endDate', string(json.endDate, `${key}.endDate`));
  // Both are read in the source's zone later, but comparing them as written is enough to catch a swap.
  if (endDate !== null && Date.parse(endDate) < Date.parse(startDate)) {
    fail(`${key}.endDate`, endDate, { ru: `дата не раньше startDate (${startDate})`, en: `a date no earlier than startDate (${startDate})` });
  }
  return {
    url,
    startDate,
    endDate,
    windowDays: json.windowDays === undefined ? 7 : positiveNumber(json.windowDays, `${key}.windowDays`),
    pageCap: json.pageCap === undefined ? 1000 : positiveInteger(json.pageCap, `${key}.pageCap`),
    retries: json.retries === undefined ? 3 : positiveInteger(json.retries, `${key}.retries`),
    timeoutMs: json.timeoutMs === undefined ? 30_000 : positiveInteger(json.timeoutMs, `${key}.timeoutMs`),
    format,
  };
}

function validateDistrictPolicy(value: unknown, key: string): DistrictPolicy {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.districtPolicy);
  const policy = { ...DEFAULT_DISTRICT_POLICY };
  for (const name of ['conflict', 'pointMismatch', 'unplaced'] as const) {
    if (json[name] === undefined) continue;
    if (json[name] !== 'reject' && json[name] !== 'keep') fail(`${key}.${name}`, json[name], { ru: '"reject" или "keep"', en: '"reject" or "keep"' });
    policy[name] = json[name] as 'reject' | 'keep';
  }
  return policy;
}

function fail(key: string, value: unknown, expected: Message): never {
  throw new ConfigError({
    ru: `Конфигурация: ключ ${key} = ${value === undefined ? '(нет)' : JSON.stringify(value)}; ожидается ${expected.ru}.`,
    en: `Configuration: key ${key} = ${value === undefined ? '(missing)' : JSON.stringify(value)}; expected ${expected.en}.`,
  });
}

function object(value: unknown, key: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(key, value, { ru: 'объект', en: 'an object' });
  return value as Json;
}

function array(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) fail(key, value, { ru: 'список', en: 'an array' });
  return value as unknown[];
}

function string(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(key, value, { ru: 'непустая строка', en: 'a non-empty string' });
  return value as string;
}

function boolean(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') fail(key, value, { ru: 'true или false', en: 'true or false' });
  return value as boolean;
}

function positiveNumber(value: unknown, key: string): number {
  if (typeof value !== 'number' || !(value > 0)) fail(key, value, { ru: 'положительное число', en: 'a positive number' });
  return value as number;
}

function positiveInteger(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(key, value, { ru: 'целое положительное число', en: 'a positive whole number' });
  return value as number;
}

function identifier(value: unknown, key: string): string {
  const text = string(value, key);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(text)) fail(key, value, { ru: 'строчные латинские буквы, цифры и дефисы, например "spb"', en: 'lower-case Latin letters, digits and hyphens, e.g. "spb"' });
  return text;
}

function localized(value: unknown, key: string): LocalizedText {
  const json = object(value, key);
  allowKeys(json, key, CONFIG_KEYS.localized);
  return { ru: string(json.ru, `${key}.ru`), en: string(json.en, `${key}.en`) };
}

function stringMap(value: unknown, key: string): Record<string, string> {
  const json = object(value, key);
  for (const [name, target] of Object.entries(json)) string(target, `${key}.${name}`);
  return json as Record<string, string>;
}

function timeZone(value: unknown, key: string): string {
  const text = string(value, key);
  if (!isTimeZone(text)) fail(key, value, { ru: 'часовой пояс IANA, например "Europe/Moscow"', en: 'an IANA time zone, e.g. "Europe/Moscow"' });
  return text;
}

function file(value: unknown, key: string, root: string): string {
  const path = resolve(root, string(value, key));
  if (!existsSync(path)) fail(key, value, { ru: `существующий файл (не найден: ${path})`, en: `an existing file (not found: ${path})` });
  return path;
}

function directory(value: unknown, key: string, root: string): string {
  const path = resolve(root, string(value, key));
  if (!existsSync(path)) fail(key, value, { ru: `существующая папка (не найдена: ${path})`, en: `an existing folder (not found: ${path})` });
  return path;
}

function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value);
}

function allowKeys(json: Json, key: string, allowed: readonly string[]): void {
  for (const name of Object.keys(json)) {
    if (!allowed.includes(name)) {
      throw new ConfigError({
        ru: `Конфигурация: неизвестный ключ ${key}.${name}; допустимые ключи: ${allowed.join(', ')}.`,
        en: `Configuration: unknown key ${key}.${name}; allowed keys: ${allowed.join(', ')}.`,
      });
    }
  }
}

function unique(values: readonly string[], key: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) fail(key, value, { ru: 'id, не повторяющийся в списке', en: 'a unique id' });
    seen.add(value);
  }
}
