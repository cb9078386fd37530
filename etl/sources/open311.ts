// Adapter for Open311 GeoReport v2 service requests (`GET requests`), saved as `requests.json` or
// `requests.xml`. An optional service list (`GET services`) maps each service_code to its group,
// which becomes the category. Fetching from a live endpoint is in open311-fetch.ts.
//
// Real endpoints bend the spec, and the adapter accepts what they write. That includes a bare array
// or an object that wraps it, `xsi:nil` elements, locations written as 0 or null, capitalised
// statuses, `lon` for `long` and numeric ids. Timestamps with a space and no zone are read as
// local time of the source's zone. Service codes stay strings, so `015` keeps its leading zero.
//
// Free text (description, status_notes, service_notice) and address parts (address, address_id,
// zipcode) and media_url are never put into a draft. Keys outside the spec come back beside the
// draft as `extras`, unfiltered, for the pipeline to review.

import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { describeJsonError, InputError } from '../lib/errors.ts';
import { textFingerprint } from '../lib/fingerprint.ts';
import { DUPLICATE_REASON, duplicateMessage, rejectMessage } from '../reasons.ts';
import type { AppealStatus } from '../schema.ts';
import { parseIsoDate } from './dates.ts';
import { findDuplicateKeys, type DuplicateKey, type JsonPath } from './json-duplicate-keys.ts';
import { gzipError } from './read-lines.ts';
import { RecordProblem, cleanText, createdInFuture, cutValue, fileError, readPoint, timelineProblem, toReject, type Bounds, type RowWarning, type TimelineField, type WarningHandler } from './row-helpers.ts';
import type { AdapterContext, AppealDraft, EventDraft, FirstRecords, RowReject } from './types.ts';

export const FORMAT = 'open311';

/** GeoReport v2 statuses (compared in lower case) and their canonical status. */
export const OPEN311_STATUS_MAP: Readonly<Record<string, AppealStatus>> = {
  open: 'in_progress',
  closed: 'closed',
};

/** Request keys the GeoReport v2 spec defines, plus `lon`, which some servers write for `long`. */
const SPEC_FIELDS = new Set([
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'lon',
  'media_url',
]);

/** Fields whose values may hold personal data; warnings name them but never show their values. */
const PRIVATE_FIELDS = new Set(['description', 'status_notes', 'service_notice', 'address', 'address_id', 'zipcode', 'media_url']);

const CLOSED_STATUSES: readonly AppealStatus[] = ['resolved', 'closed_without_confirmation', 'closed'];

/** One entry of a GeoReport v2 service list. */
export interface Open311Service {
  readonly service_name: string | null;
  readonly group: string | null;
}

/** Service list keyed by service_code. */
export type ServiceCatalog = ReadonlyMap<string, Open311Service>;

export interface Open311Options {
  /** Service list that gives each service_code its group (the category). */
  readonly services?: ServiceCatalog | null;
  /** Statuses beyond open/closed that a server writes, keyed in lower case. */
  readonly statusMap?: Readonly<Record<string, AppealStatus>>;
  /** Box every point must fall in; a point outside rejects the record. */
  readonly bounds?: Bounds | null;
  /** Receives warnings about accepted records: duplicate keys, unknown service codes. */
  readonly onWarning?: WarningHandler;
}

/** An Open311 row: a ParsedRow whose appeal carries the keys outside the spec as `extras`. */
export type Open311Row =
  | { readonly kind: 'appeal'; readonly row: number; readonly draft: AppealDraft; readonly extras: Readonly<Record<string, unknown>> | null; readonly content: number }
  | { readonly kind: 'reject'; readonly reject: RowReject };

/** One request record as read from a document, before conversion. */
export interface Open311Record {
  /** Position in the document's request list, from 1. */
  readonly row: number;
  readonly fields: unknown;
  /** Keys repeated inside this record; paths are relative to the record. */
  readonly duplicateKeys: readonly DuplicateKey[];
}

export interface Open311Document {
  readonly records: readonly Open311Record[];
  /** Problems outside any record, such as a repeated wrapper key. */
  readonly warnings: readonly RowWarning[];
}

/** Reads a saved `requests.json` or `requests.xml` (plain or gzip) and yields one row per request. */
export async function* parseOpen311(path: string, context: AdapterContext, options: Open311Options = {}): AsyncGenerator<Open311Row> {
  const text = await readUtf8File(path, context.displayName);
  yield* parseOpen311Text(text, context, options);
}

/** Parses the text of a GeoReport v2 requests document (JSON or XML) into rows. */
export function* parseOpen311Text(text: string, context: AdapterContext, options: Open311Options = {}): Generator<Open311Row> {
  const document = readOpen311Document(text, context.displayName);
  for (const warning of document.warnings) options.onWarning?.(warning);

  const converter = new Open311Converter(context, options);
  for (const record of document.records) yield converter.convert(record);
}

/** Reads a GeoReport v2 requests document into records. Throws InputError when it is not one. */
export function readOpen311Document(text: string, displayName: string): Open311Document {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first === '<') return readXmlDocument(body, displayName);
  if (first === '[' || first === '{') return readJsonDocument(body, displayName);
  if (first === undefined) {
    throw new InputError({
      ru: `${displayName}: файл пуст; нужен ответ GET requests в формате Open311 (JSON или XML)`,
      en: `${displayName}: the file is empty; expected an Open311 GET requests response (JSON or XML)`,
    });
  }
  throw new InputError({
    ru: `${displayName}: это не JSON и не XML (файл начинается с ${JSON.stringify(body.slice(0, 20))}); нужен ответ GET requests в формате Open311`,
    en: `${displayName}: neither JSON nor XML (the file starts with ${JSON.stringify(body.slice(0, 20))}); expected an Open311 GET requests response`,
  });
}

/** Converts records to rows, tracking ids already seen and service codes already reported. */
export class Open311Converter {
  private readonly seenIds: FirstRecords;
  private readonly statusMap: Readonly<Record<string, AppealStatus>>;

  constructor(
    private readonly context: AdapterContext,
    private readonly options: Open311Options = {},
  ) {
    this.seenIds = context.firstRecords ?? new Map();
    this.statusMap = { ...OPEN311_STATUS_MAP, ...lowerCaseKeys(options.statusMap ?? {}) };
  }

  convert(record: Open311Record, row = record.row): Open311Row {
    const fields = asObject(record.fields);
    if (!fields) {
      // Only the kind of value is quoted: a bare string in place of a request may be its description.
      const problem = new RecordProblem('(record)', kindOfValue(record.fields), 'invalid_record', {
        ru: 'запрос должен быть объектом с полями service_request_id, status и requested_datetime',
        en: 'a request must be an object with service_request_id, status and requested_datetime',
      });
      return toReject(this.context.displayName, row, null, problem) as Open311Row;
    }

    const recordId = readRecordId(fields.service_request_id);
    for (const duplicate of record.duplicateKeys) this.warn(duplicateKeyWarning(this.context.displayName, row, recordId, duplicate));

    const content = requestFingerprint(fields);
    try {
      const draft = this.toDraft(fields, recordId, row, content);
      this.seenIds.set(draft.appeal_id, { row, content });
      return { kind: 'appeal', row, draft, extras: collectExtras(fields), content };
    } catch (error) {
      if (error instanceof RecordProblem) return toReject(this.context.displayName, row, recordId, error) as Open311Row;
      throw error;
    }
  }

  private toDraft(fields: Record<string, unknown>, recordId: string | null, row: number, content: number): AppealDraft {
    if (recordId === null) {
      throw new RecordProblem('service_request_id', describe(fields.service_request_id), 'missing_id', { ru: 'у запроса нет service_request_id; проверьте выгрузку', en: 'the request has no service_request_id; check the export' });
    }
    const first = this.seenIds.get(recordId);
    if (first !== undefined) {
      const compared = { content: first.content === content ? 'same' : 'other', basis: 'values' } as const;
      throw new RecordProblem('service_request_id', recordId, DUPLICATE_REASON, duplicateMessage(this.context.displayName, first.row, compared));
    }

    const statusOriginal = cleanText(fields.status);
    if (statusOriginal === null) {
      throw new RecordProblem('status', describe(fields.status), 'missing_status', { ru: 'у запроса нет статуса; GeoReport v2 требует open или closed', en: 'the request has no status; GeoReport v2 requires open or closed' });
    }
    const status = this.statusMap[statusOriginal.toLowerCase()];
    if (!status) {
      throw new RecordProblem('status', statusOriginal, 'unknown_status', {
        ru: 'ожидается open или closed; другие статусы сопоставьте параметром statusMap адаптера',
        en: `expected open or closed; map other statuses with the adapter's statusMap option`,
      });
    }

    const createdAt = this.readTime(fields, 'requested_datetime');
    if (createdAt === null) {
      throw new RecordProblem('requested_datetime', null, 'missing_created_at', {
        ru: 'у запроса нет requested_datetime, поэтому время создания неизвестно',
        en: 'the request has no requested_datetime, so its creation time is unknown',
      });
    }
    const future = createdInFuture(createdAt, this.context.now, 'requested_datetime', describe(fields.requested_datetime));
    if (future) throw future;
    const updatedAt = this.readTime(fields, 'updated_datetime');
    const closed = CLOSED_STATUSES.includes(status);
    if (closed && updatedAt === null) {
      throw new RecordProblem('updated_datetime', null, 'missing_closed_at', {
        ru: 'запрос закрыт, но у него нет updated_datetime, поэтому время закрытия неизвестно',
        en: 'the request is closed but has no updated_datetime, so its closing time is unknown',
      });
    }
    const closedAt = closed ? updatedAt : null;
    if (closedAt !== null && closedAt < createdAt) {
      throw new RecordProblem('updated_datetime', describe(fields.updated_datetime), 'closed_before_created', {
        ru: 'время закрытия раньше requested_datetime; проверьте обе метки времени и их часовые пояса',
        en: 'the closing time is earlier than requested_datetime; check both timestamps and their zones',
      });
    }
    // updated_datetime counts for the source's as-of time even when the request is open, so it is
    // checked as the latest time.
    const timeField = (name: TimelineField) => (name === 'created_at' ? 'requested_datetime' : 'updated_datetime');
    const timeline = timelineProblem({ created_at: createdAt, first_answer_at: null, final_answer_at: null, closed_at: updatedAt }, this.context.now, timeField, (name) => describe(fields[timeField(name)]));
    if (timeline) throw timeline;

    const longitudeField = fields.long !== undefined || fields.lon === undefined ? 'long' : 'lon';
    const point = readPoint(fields.lat, fields[longitudeField], { latitude: 'lat', longitude: longitudeField }, this.options.bounds ?? this.context.bounds ?? null);
    const serviceCode = readCode(fields.service_code);
    const service = this.lookUpService(serviceCode, recordId, row);

    const events: EventDraft[] = [{ at: createdAt, kind: 'petition', status: null, status_original: null }];
    if (closedAt !== null) events.push({ at: closedAt, kind: 'status', status, status_original: statusOriginal });

    return {
      appeal_id: recordId,
      created_at: createdAt,
      first_answer_at: null,
      final_answer_at: null,
      closed_at: closedAt,
      deadline_at: this.readTime(fields, 'expected_datetime'),
      status,
      status_original: statusOriginal,
      category: service?.group ?? null,
      rubric: cleanText(fields.service_name) ?? service?.service_name ?? null,
      object_type: null,
      agency: cleanText(fields.agency_responsible),
      district_code: null,
      district_name: null,
      municipality_name: null,
      latitude: point.latitude,
      longitude: point.longitude,
      repeat_messages: 0,
      last_event_at: Math.max(createdAt, updatedAt ?? createdAt),
      events,
    };
  }

  /**
   * Reads a timestamp field. Absent, null, empty and `xsi:nil` values are null; anything else must
   * be an ISO 8601 timestamp, so the strings "null" and "true" reject the record.
   */
  private readTime(fields: Record<string, unknown>, field: string): number | null {
    const value = fields[field];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
    if (typeof value !== 'string') {
      throw new RecordProblem(field, describe(value), 'invalid_time', {
        ru: 'ожидается метка времени вида 2012-05-23T15:55:28-04:00, а не число и не логическое значение',
        en: 'expected a timestamp like 2012-05-23T15:55:28-04:00, not a number or a boolean',
      });
    }
    const parsed = parseIsoDate(value, this.context.timeZone);
    if (!parsed.ok) {
      throw new RecordProblem(field, value, parsed.reason, {
        ru: `${parsed.message.ru}; Open311 ожидает метку времени W3C вида 2012-05-23T15:55:28-04:00`,
        en: `${parsed.message.en}; Open311 expects a W3C timestamp like 2012-05-23T15:55:28-04:00`,
      });
    }
    return parsed.at;
  }

  private lookUpService(code: string | null, recordId: string, row: number): Open311Service | null {
    const services = this.options.services;
    if (!services || code === null) return null;
    const service = services.get(code);
    if (!service) {
      this.warn({
        file: this.context.displayName,
        row,
        record_id: recordId,
        field: 'service_code',
        value: code,
        reason: 'unknown_service_code',
        message: rejectMessage({
          ru: 'в списке услуг нет такого кода, поэтому у запроса не будет категории',
          en: 'the service list has no such code, so the request gets no category',
        }),
      });
    }
    return service ?? null;
  }

  private warn(warning: RowWarning): void {
    this.options.onWarning?.(warning);
  }
}

/** Reads a saved `services.json` or `services.xml` into a catalog keyed by service_code. */
export async function readOpen311Services(path: string): Promise<ServiceCatalog> {
  return parseOpen311Services(await readUtf8File(path, path), path);
}

/**
 * Parses a GeoReport v2 service list. A code listed twice keeps its last entry, as for requests.
 * Throws InputError when the text is not a service list.
 */
export function parseOpen311Services(text: string, displayName: string): ServiceCatalog {
  const body = text.replace(/^\uFEFF/, '');
  const entries = body.trimStart().startsWith('<') ? readXmlServices(body, displayName) : readJsonServices(body, displayName);

  const catalog = new Map<string, Open311Service>();
  for (const entry of entries) {
    const fields = asObject(entry);
    const code = readCode(fields?.service_code);
    if (!fields || code === null) continue;
    catalog.set(code, { service_name: cleanText(fields.service_name), group: cleanText(fields.group) });
  }
  return catalog;
}

async function readUtf8File(path: string, displayName: string): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    throw fileError(error, displayName);
  }
  let bytes: Uint8Array = raw;
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(raw);
    } catch {
      throw gzipError(displayName);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError({
      ru: `${displayName}: файл не в кодировке UTF-8, а Open311 отдаёт UTF-8; сохраните файл в UTF-8`,
      en: `${displayName}: the file is not valid UTF-8, which Open311 requires; save it as UTF-8`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// JSON documents

const EXACT_NUMBER_KEYS = new Set(['service_request_id', 'service_code']);

function readJsonDocument(text: string, displayName: string): Open311Document {
  let root: unknown;
  try {
    // An id or code written as a JSON number keeps its source text, so 12345678901234567890 is
    // not rounded to a double. The reviver's third argument needs V8 11.4+ (Node 21+).
    root = JSON.parse(text, function keepExactIds(this: unknown, key: string, value: unknown, context?: { source?: string }) {
      return typeof value === 'number' && EXACT_NUMBER_KEYS.has(key) && context?.source ? context.source : value;
    } as (key: string, value: unknown) => unknown);
  } catch (error) {
    throw new InputError({
      ru: `${displayName}: неверный JSON (${describeJsonError(error).ru}); файл обрезан или повреждён, выгрузите его заново`,
      en: `${displayName}: invalid JSON (${describeJsonError(error).en}); the file is truncated or damaged, download it again`,
    });
  }

  const located = locateJsonRequests(root, displayName);
  rejectErrorList(located.list, displayName);
  rejectServiceList(located.list, displayName);

  const duplicates = findDuplicateKeys(text);
  const warnings: RowWarning[] = [];
  const perRecord = new Map<number, DuplicateKey[]>();
  for (const duplicate of duplicates) {
    const index = located.prefix === null ? 0 : recordIndex(duplicate.path, located.prefix);
    if (index === null) {
      warnings.push(duplicateKeyWarning(displayName, 0, null, duplicate));
      continue;
    }
    const relative = located.prefix === null ? duplicate : { ...duplicate, path: duplicate.path.slice(located.prefix.length + 1) };
    perRecord.set(index, [...(perRecord.get(index) ?? []), relative]);
  }

  const records = located.list.map((fields, index) => ({ row: index + 1, fields, duplicateKeys: perRecord.get(index) ?? [] }));
  return { records, warnings };
}

interface LocatedList {
  readonly list: readonly unknown[];
  /** Path from the root to the request list: empty for a bare array, null when the root is the one request. */
  readonly prefix: JsonPath | null;
}

/** Finds the request list: a bare array, or an array under service_requests, requests or request. */
function locateJsonRequests(root: unknown, displayName: string): LocatedList {
  if (Array.isArray(root)) return { list: root, prefix: [] };

  const object = asObject(root);
  if (object) {
    for (const key of ['service_requests', 'requests', 'request']) {
      const value = object[key];
      if (Array.isArray(value)) return { list: value, prefix: [key] };
      const inner = asObject(value);
      if (inner && Array.isArray(inner.request)) return { list: inner.request, prefix: [key, 'request'] };
      if (inner && asObject(inner.request)) return { list: [inner.request], prefix: [key, 'request'] };
    }
    if ('service_request_id' in object) return { list: [object], prefix: null };
  }

  throw new InputError({
    ru: `${displayName}: не найден список заявок: нужен массив или объект с ключом service_requests`,
    en: `${displayName}: no request list found: expected an array or an object with a service_requests key`,
  });
}

/** Returns the index of the record a path points into, or null for a path outside every record. */
function recordIndex(path: JsonPath, prefix: JsonPath): number | null {
  if (path.length <= prefix.length) return null;
  for (let i = 0; i < prefix.length; i += 1) if (path[i] !== prefix[i]) return null;
  const index = path[prefix.length];
  return typeof index === 'number' ? index : null;
}

/** Throws when a server returned a GeoReport error list (`[{code, description}]`). */
function rejectErrorList(list: readonly unknown[], displayName: string): void {
  if (list.length === 0) return;
  const errors = list.map(asObject);
  const isErrorList = errors.every((entry) => entry !== null && 'code' in entry && 'description' in entry && !('service_request_id' in entry));
  if (!isErrorList) return;
  const text = errors.map((entry) => `${entry!.code} ${entry!.description}`).join('; ');
  throw new InputError({
    ru: `${displayName}: сервер вернул ошибку Open311 вместо заявок: ${cutValue(text)}`,
    en: `${displayName}: the server returned an Open311 error in place of requests: ${cutValue(text)}`,
  });
}

/**
 * Stops on a service list given where requests were expected: entries that all have a service code
 * and name and none of a request's id, status and creation time.
 */
function rejectServiceList(list: readonly unknown[], displayName: string): void {
  if (list.length > 0 && list.every(isServiceEntry)) throw serviceListError(displayName);
}

export function isServiceEntry(value: unknown): boolean {
  const entry = asObject(value);
  if (!entry || !('service_code' in entry) || !('service_name' in entry)) return false;
  return !('service_request_id' in entry) && !('status' in entry) && !('requested_datetime' in entry);
}

function serviceListError(displayName: string): InputError {
  return new InputError({
    ru: `${displayName}: похоже, это список услуг (service_code без service_request_id), а не заявки; передайте его параметром --services, а проверяйте файл заявок`,
    en: `${displayName}: this looks like a service list (service_code without service_request_id), not requests; pass it with --services and check the requests file`,
  });
}

function readJsonServices(text: string, displayName: string): unknown[] {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new InputError({
      ru: `${displayName}: неверный JSON в списке услуг (${describeJsonError(error).ru})`,
      en: `${displayName}: invalid JSON in the service list (${describeJsonError(error).en})`,
    });
  }
  const list = Array.isArray(root) ? root : asObject(root)?.services;
  if (Array.isArray(list) && list.some((entry) => asObject(entry) !== null && 'service_request_id' in asObject(entry)!)) {
    throw new InputError({
      ru: `${displayName}: это заявки (есть service_request_id), а не список услуг; передайте файл заявок без --services, а список услуг — с ним`,
      en: `${displayName}: these are requests (they have service_request_id), not a service list; pass the requests file as the file to check, and the service list with --services`,
    });
  }
  if (!Array.isArray(list)) {
    throw new InputError({
      ru: `${displayName}: не найден список услуг: нужен массив или объект с ключом services`,
      en: `${displayName}: no service list found: expected an array or an object with a services key`,
    });
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// XML documents

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  jPath: true,
  isArray: (_name: string, path: unknown) => typeof path === 'string' && /^(service_requests|requests)\.request$|^services\.service$/.test(path),
});

function parseXml(text: string, displayName: string): Record<string, unknown> {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const root = rootElementName(text);
    // The validator reports a truncated file as unclosed tags at line 1, so the end is checked first.
    if (root && !new RegExp(`</${root}>\\s*$`).test(text)) {
      const lines = text.split('\n').length;
      throw new InputError({
        ru: `${displayName}: файл кончается на строке ${lines}, а корневой элемент <${root}> так и не закрыт: файл обрезан; скачайте его заново`,
        en: `${displayName}: the file ends at line ${lines} before its root element <${root}> closes, so it is truncated; download it again`,
      });
    }
    const { msg, line, col } = validation.err;
    throw new InputError({
      ru: `${displayName}: неверный XML в строке ${line}, столбце ${col} (${msg}); файл обрезан или повреждён`,
      en: `${displayName}: invalid XML at line ${line}, column ${col} (${msg}); the file is truncated or damaged`,
    });
  }
  try {
    return xmlParser.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InputError({
      ru: `${displayName}: XML не удалось разобрать; файл обрезан или повреждён`,
      en: `${displayName}: the XML could not be parsed (${(error as Error).message})`,
    });
  }
}

/** Returns the name of the first element after the XML declaration and comments, or null. */
function rootElementName(text: string): string | null {
  const body = text.replace(/^\s*<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  return /<([A-Za-z_][\w.-]*)/.exec(body)?.[1] ?? null;
}

function readXmlDocument(text: string, displayName: string): Open311Document {
  const root = parseXml(text, displayName);
  const errorList = asObject(root.errors)?.error;
  if (errorList !== undefined) rejectErrorList(Array.isArray(errorList) ? errorList : [errorList], displayName);

  const container = root.service_requests ?? root.requests;
  if (container === undefined && root.services !== undefined) throw serviceListError(displayName);
  if (container === undefined) {
    throw new InputError({
      ru: `${displayName}: в XML нет корневого элемента <service_requests>`,
      en: `${displayName}: the XML has no <service_requests> root element`,
    });
  }

  const list = (asObject(container)?.request as unknown[] | undefined) ?? [];

  const records = list.map((element, index) => {
    const duplicateKeys: DuplicateKey[] = [];
    const fields = normalizeXmlElement(element, [], duplicateKeys);
    return { row: index + 1, fields, duplicateKeys };
  });
  return { records, warnings: [] };
}

/**
 * Turns a parsed XML element into plain values: `xsi:nil="true"` and empty elements become null,
 * text becomes a string and child elements become an object. A child element repeated inside one
 * element is a duplicate key: its last value is kept, as for JSON.
 */
function normalizeXmlElement(element: unknown, path: (string | number)[], duplicates: DuplicateKey[]): unknown {
  if (typeof element === 'string') return element === '' ? null : element;
  const object = asObject(element);
  if (!object) return element ?? null;

  const attributeNames = Object.keys(object).filter((key) => key.startsWith('@_'));
  const isNil = attributeNames.some((key) => (key === '@_nil' || key.endsWith(':nil')) && String(object[key]).trim() === 'true');
  if (isNil) return null;
  if ('#text' in object) return String(object['#text']);

  const children = Object.keys(object).filter((key) => !key.startsWith('@_'));
  if (children.length === 0) return null;

  const result: Record<string, unknown> = {};
  for (const key of children) {
    const value = object[key];
    if (Array.isArray(value)) {
      duplicates.push({ path, key, values: value.map((item) => JSON.stringify(normalizeXmlElement(item, [...path, key], []))) });
      result[key] = normalizeXmlElement(value.at(-1), [...path, key], duplicates);
    } else {
      result[key] = normalizeXmlElement(value, [...path, key], duplicates);
    }
  }
  return result;
}

function readXmlServices(text: string, displayName: string): unknown[] {
  const root = parseXml(text, displayName);
  const services = asObject(root.services)?.service;
  if (!Array.isArray(services)) {
    throw new InputError({
      ru: `${displayName}: в XML нет списка <services><service>`,
      en: `${displayName}: the XML has no <services><service> list`,
    });
  }
  return services.map((service) => normalizeXmlElement(service, [], []));
}

// ---------------------------------------------------------------------------------------------
// Field helpers

/** Names the JSON type of a value: "array", "null", "string", "number"… */
function kindOfValue(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function duplicateKeyWarning(file: string, row: number, recordId: string | null, duplicate: DuplicateKey): RowWarning {
  const field = [...duplicate.path, duplicate.key].join('.');
  const isPrivate = PRIVATE_FIELDS.has(duplicate.key);
  const values = isPrivate ? `(${duplicate.values.length} values, not shown: may hold personal data)` : duplicate.values.join(' | ');
  const keptValue = isPrivate ? { ru: 'последнее значение', en: 'the last value' } : { ru: `последнее значение ${duplicate.values.at(-1)}`, en: `the last value ${duplicate.values.at(-1)}` };
  return {
    file,
    row,
    record_id: recordId,
    field,
    value: cutValue(values),
    reason: 'duplicate_key',
    message: rejectMessage({
      ru: `ключ «${duplicate.key}» повторяется в одном объекте (раз: ${duplicate.values.length}); оставлено ${keptValue.ru}, как делает JSON.parse; уберите повтор ключа из выгрузки`,
      en: `the key "${duplicate.key}" occurs ${duplicate.values.length} times in one object; ${keptValue.en} is kept, as JSON.parse does; remove the repeated key from the export`,
    }),
  };
}

/**
 * Fingerprints the fields of a request that the adapter reads, with vendor extensions, as parsed
 * from JSON or XML alike. Free text, address parts and media are left out, since they are never
 * read, and so is expected_datetime.
 */
function requestFingerprint(fields: Record<string, unknown>): number {
  const read = Object.entries(fields).filter(([key]) => !PRIVATE_FIELDS.has(key) && key !== 'expected_datetime');
  return textFingerprint(JSON.stringify(read));
}

function collectExtras(fields: Record<string, unknown>): Record<string, unknown> | null {
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (!SPEC_FIELDS.has(key)) extras[key] = value;
  return Object.keys(extras).length === 0 ? null : extras;
}

function readRecordId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return cleanText(value);
}

/** Reads a service code as text: `015` keeps its zero, and a JSON number becomes its digits. */
function readCode(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function describe(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function lowerCaseKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
