// Runs configured sources through the steps: parse → deduplicate → assign district → privacy →
// measure. Every read row ends as accepted, rejected or a duplicate, and the counts add up.

import { basename } from 'node:path';

import { DatabaseSink, MemorySink, type AppealSink, type UnmeasuredAppeal } from './appeal-sink.ts';
import { DEFAULT_DISTRICT_POLICY, type Config, type DistrictPolicy, type SourceConfig } from './config.ts';
import { assignDistrict, loadRegion, regionBounds, type Region } from './districts.ts';
import { BulkDatabase } from './bulk/database.ts';
import { readTableInBulk, type BulkMode, type BulkTables } from './bulk/table-source.ts';
import { applyDistrictPolicy, type Placement, type PlacementReject } from './district-policy.ts';
import { en, ru, type Logger, type Message } from './lib/log.ts';
import { EtlError } from './lib/errors.ts';
import { localToInstant, parseLocalTimestamp } from './lib/time.ts';
import { coarsenPoint, filterExtras, generaliseRejectPoint, POINT_REJECT_REASONS, scrubText, type ScrubResult } from './privacy.ts';
import { DUPLICATE_REASON, duplicateMessage, hasOtherContent, logDuplicates, logRejectReasons, logWarning, logValidation, reasonExamples, rejectMessage, type DuplicateContent } from './reasons.ts';
import type { Appeal, Reject, StatusEvent } from './schema.ts';
import { parseOpen311, readOpen311Services } from './sources/open311.ts';
import { fetchOpen311Requests } from './sources/open311-fetch.ts';
import { parseSpbPortal } from './sources/spb-portal.ts';
import { firstDifferingColumn, mappedColumnName, parseTable, placementFieldName } from './sources/table.ts';
import { mappingGaps, readTableMapping, type TableMapping } from './sources/table-mapping.ts';
import { boundsOverlap } from './sources/row-helpers.ts';
import type { AdapterContext, AppealDraft, FirstRecords, ParsedAppeal, ParsedRow, RowReject, RowWarning } from './sources/types.ts';
import type { DistrictRule } from './schema.ts';

export interface SourceCounts {
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

export interface SourceResult {
  source: SourceConfig;
  counts: SourceCounts;
  reasons: Record<string, number>;
  districtRules: Record<DistrictRule, number>;
  /** Accepted appeals whose point lies outside the district their code or name gave. */
  pointsOutsideDistrict: number;
  /** Values removed from kept fields by the personal data scrubber. */
  scrubbed: number;
  /** Accepted appeals whose district was inferred from another field (an agency's name). */
  districtsInferred: number;
  /** Accepted records whose district name or code matched no district, placed by their point. */
  districtNamesUnmatched: number;
  /** Accepted appeals by district flag; "none" counts those with no flag. */
  districtFlags: Record<string, number>;
  /** Duplicates that differ from the first record with their id, which is the one kept. */
  differingDuplicates: number;
  /** Warnings about accepted records by reason, e.g. duplicate_key. */
  warnings: Record<string, number>;
  asOf: number | null;
  asOfRule: 'configured' | 'latest_event';
  period: { from: number; to: number } | null;
  appeals: Appeal[];
  events: StatusEvent[];
  rejects: Reject[];
  /** Set when the source could not be read; the snapshot then keeps its last good data. */
  failure: Message | null;
  /**
   * Tables of a source read in bulk (etl/bulk/table-source.ts); `appeals`, `events` and `rejects`
   * are then empty, and the snapshot writer reads the rows from these tables.
   */
  bulk: BulkTables | null;
}

export interface RunOptions {
  /** Reader of `table` sources in CSV (see BulkMode); "never", the default of runSource, reads row by row. */
  readonly bulk?: BulkMode;
  /** Returns the database that bulk-read sources leave their tables in, opening it on first use. */
  readonly database?: () => Promise<BulkDatabase>;
}

export type Adapter = (path: string, context: AdapterContext) => AsyncIterable<ParsedRow>;

/** Prepares a source's adapter, reading its mapping or service list once. */
export async function createAdapter(source: SourceConfig, logger?: Logger): Promise<Adapter> {
  switch (source.format) {
    case 'spb-portal':
      return parseSpbPortal;
    case 'open311': {
      const services = source.services ? await readOpen311Services(source.services) : null;
      return (path, context) => parseOpen311(path, context, { services, onWarning: context.warn });
    }
    case 'table': {
      const mapping = await readTableMapping(source.mapping!);
      return (path, context) => parseTable(path, context, mapping, { logger });
    }
  }
}

/** Side effects a run reaches for, passed in so that tests run offline and on a fixed clock. */
export interface Effects {
  fetch: typeof globalThis.fetch;
  now: () => number;
}

export const DEFAULT_EFFECTS: Effects = { fetch: (...args) => globalThis.fetch(...args), now: () => Date.now() };

/** Lists the inputs of a source: its files, or one endpoint read as a stream of rows. */
function sourceInputs(source: SourceConfig): string[] {
  return source.endpoint ? [source.endpoint.url] : source.files;
}

/** Reads an Open311 endpoint in date windows with retries; see etl/sources/open311-fetch.ts. */
async function* readEndpoint(source: SourceConfig, context: AdapterContext, logger: Logger, effects: Effects): AsyncGenerator<ParsedRow> {
  const endpoint = source.endpoint!;
  const services = source.services ? await readOpen311Services(source.services) : null;
  yield* fetchOpen311Requests({
    baseUrl: endpoint.url,
    fetch: effects.fetch,
    context,
    startDate: endpointInstant(endpoint.startDate, source.timeZone, 'start'),
    endDate: endpoint.endDate ? endpointInstant(endpoint.endDate, source.timeZone, 'end') : effects.now(),
    windowDays: endpoint.windowDays,
    pageCap: endpoint.pageCap,
    retries: endpoint.retries,
    timeoutMs: endpoint.timeoutMs,
    format: endpoint.format,
    services,
    logger,
    onWarning: context.warn,
  });
}

/**
 * Converts an endpoint's startDate or endDate to an instant. A date alone is a day in the source's
 * time zone that both ends include, so the end is the first moment of the next day. A time without
 * a zone is wall-clock time in that zone, and a time with a zone is used unchanged.
 */
export function endpointInstant(text: string, timeZone: string, end: 'start' | 'end'): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (day) {
    const [year, month, date] = day.slice(1).map(Number);
    return localToInstant([year, month, date + (end === 'end' ? 1 : 0)], timeZone);
  }
  return parseLocalTimestamp(text, timeZone) ?? Date.parse(text);
}

/** Runs one source: reads its files, then validates, places and cleans every record. */
export async function runSource(config: Config, source: SourceConfig, region: Region, logger: Logger, effects: Effects = DEFAULT_EFFECTS, options: RunOptions = {}): Promise<SourceResult> {
  const mapping = source.format === 'table' && source.mapping ? await readTableMapping(source.mapping) : null;
  warnOfSharedNames(source, logger);
  for (const gap of mapping ? mappingGaps(mapping) : []) logger.warn('read', { ru: `${source.id}: ${gap.ru}`, en: `${source.id}: ${gap.en}` });
  if (mapping?.bounds && !boundsOverlap(mapping.bounds, regionBounds(region))) {
    logger.warn('read', {
      ru: `${source.id}: рамка bounds из ${basename(mapping.file)} не пересекается с регионом ${region.config.id}: похоже, это данные другого региона; укажите регион в sources[].region (у check — параметром --region)`,
      en: `${source.id}: the bounds of ${basename(mapping.file)} do not overlap region ${region.config.id}: the data seem to be another region's; set the region in sources[].region (for check, with --region)`,
    });
  }
  if (mapping && !source.endpoint && options.bulk && options.bulk !== 'never' && options.database) {
    const result = await readTableInBulk({ config, source, region, mapping, logger, database: await options.database(), mode: options.bulk, now: effects.now() });
    if (result) return result;
  }
  const adapter: Adapter = source.endpoint ? (_url, context) => readEndpoint(source, context, logger, effects) : await createAdapter(source, logger);
  const sink: AppealSink = options.database ? await DatabaseSink.open(await options.database(), { source: source.id, region: region.config.id }) : new MemorySink();
  try {
    return await readSource({ config, source, region, logger, adapter, sink, mapping, now: effects.now() });
  } catch (error) {
    await sink.discard();
    throw error;
  }
}

/**
 * Warns when two files of a source have the same name in different folders: messages and
 * rejects.csv name a file by its name only, so their rows would look alike.
 */
function warnOfSharedNames(source: SourceConfig, logger: Logger): void {
  const names = source.files.map((path) => basename(path));
  const shared = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (shared.length === 0) return;
  logger.warn('read', {
    ru: `${source.id}: несколько файлов называются одинаково (${shared.join(', ')}); сообщения и rejects.csv называют файл только по имени, так что переименуйте файлы, например добавив дату выгрузки`,
    en: `${source.id}: several files have the same name (${shared.join(', ')}); messages and rejects.csv name a file by its name only, so rename the files, for example by adding the export's date`,
  });
}

interface ReadInput {
  readonly config: Config;
  readonly source: SourceConfig;
  readonly region: Region;
  readonly logger: Logger;
  readonly adapter: Adapter;
  readonly sink: AppealSink;
  readonly mapping: TableMapping | null;
  /** The run's clock in epoch milliseconds. */
  readonly now: number;
}

/**
 * Reads every record of a source once: a reject or a duplicate is listed, and any other record is
 * placed in a district and goes to the sink as an appeal with its events. With the database sink,
 * nothing but the ids and the rejects stays in memory.
 */
async function readSource({ config, source, region, logger, adapter, sink, mapping, now }: ReadInput): Promise<SourceResult> {
  const warnings: Record<string, number> = {};
  const firstWarnings: RowWarning[] = [];
  const warn = (warning: RowWarning) => {
    warnings[warning.reason] = (warnings[warning.reason] ?? 0) + 1;
    if (warnings[warning.reason] === 1) firstWarnings.push(warning);
  };
  // Rejected rows and dropped duplicates in reading order. Duplicates carry DUPLICATE_REASON.
  const rejects: Reject[] = [];
  // Row of the accepted record with each id, to name it when the id comes again in a later file
  // (or, for adapters that keep no ids of their own, in the same file). A record that the district
  // step rejects takes no id, so that a later, placeable copy of it is still published.
  const seen = new Map<string, { file: string; fileIndex: number; row: number; content: number | undefined; columns: ArrayLike<number> | undefined }>();
  const counts: SourceCounts = { read: 0, accepted: 0, rejected: 0, duplicates: 0 };
  const result = emptyResult(source, counts, warnings);
  const policy = source.districtPolicy ?? DEFAULT_DISTRICT_POLICY;
  const fieldName = (field: string) => sourceFieldName(source.format, mapping, field);
  // Categories, rubrics, agencies and statuses repeat from record to record, so each distinct text
  // is scrubbed once and its appeals share one string.
  const scrubbed = new Map<string, ScrubResult>();
  let latestEvent = -Infinity;
  // Listed after the rejects of reading, as the bulk reader lists its two stages.
  const placementRejects: Reject[] = [];

  for (const [fileIndex, file] of sourceInputs(source).entries()) {
    // The adapter's own ids of this file: it adds a record that passes its checks, and a record
    // that is not accepted after all (a duplicate of another file, or not placed) is taken out.
    const firstRecords: FirstRecords = new Map();
    const context: AdapterContext = { timeZone: source.timeZone, displayName: source.endpoint ? file : basename(file), warn, bounds: regionBounds(region), now, firstRecords };
    for await (const parsed of adapter(file, context)) {
      counts.read += 1;
      logger.progress(source.id, counts.read, null);
      if (parsed.kind === 'reject') {
        rejects.push(toReject(config, source, parsed.reject));
        if (parsed.reject.reason === DUPLICATE_REASON) counts.duplicates += 1;
        continue;
      }
      const { draft, row } = parsed;
      const earlier = seen.get(draft.appeal_id);
      if (earlier) {
        counts.duplicates += 1;
        let compared: DuplicateContent = null;
        if (earlier.columns && parsed.columnContents && mapping) {
          // Tables fingerprint each mapped cell as written, the JSON formats the values read.
          const column = firstDifferingColumn(mapping, earlier.columns, parsed.columnContents);
          compared = { content: column === undefined ? 'same' : 'other', basis: 'text', column };
        } else if (earlier.content !== undefined && parsed.content !== undefined) {
          compared = { content: earlier.content === parsed.content ? 'same' : 'other', basis: 'values' };
        }
        rejects.push({ ...duplicateReject(config, source, context.displayName, row, draft.appeal_id, earlier, compared, earlier.fileIndex !== fileIndex), field: fieldName('appeal_id') });
        firstRecords.delete(draft.appeal_id);
        continue;
      }
      // The as-of time includes records that the district step rejects, as in the bulk reader.
      latestEvent = Math.max(latestEvent, draft.last_event_at);

      const placement = placeRecord(region, parsed, policy);
      if ('reason' in placement) {
        placementRejects.push({ source: source.id, file: context.displayName, row, record_id: draft.appeal_id, ...placement, field: fieldName(placement.field), value: generaliseRejectPoint(placement.reason, placement.value, config.privacy) });
        firstRecords.delete(draft.appeal_id);
        continue;
      }
      seen.set(draft.appeal_id, { file: context.displayName, fileIndex, row, content: parsed.content, columns: parsed.columnContents });
      countPlacement(result, parsed, placement);
      sink.add(toAppeal(config, source, region, parsed, placement, result, scrubbed), toEvents(source, draft));
      counts.accepted += 1;
      result.period = widenPeriod(result.period, draft.created_at);
    }
  }

  const rejectedOnReading = rejects.length - counts.duplicates;
  rejects.push(...placementRejects);
  logger.info('read', {
    ru: `${source.id}: прочитано ${ru(counts.read)}, отклонено при чтении ${ru(rejectedOnReading)}, повторов ${ru(counts.duplicates)}`,
    en: `${source.id}: read ${en(counts.read)}, rejected on reading ${en(rejectedOnReading)}, duplicates ${en(counts.duplicates)}`,
  }, { read: counts.read, parseErrors: rejectedOnReading, duplicates: counts.duplicates });
  const duplicates = counts.duplicates > 0 ? rejects.filter((reject) => reject.reason === DUPLICATE_REASON) : [];
  result.differingDuplicates = duplicates.filter((reject) => hasOtherContent(reject.message)).length;
  if (duplicates.length > 0) logDuplicates(logger, source.id, counts.duplicates, result.differingDuplicates, duplicates[0]);
  for (const warning of firstWarnings) logWarning(logger, source.id, warnings[warning.reason], warning);

  const asOf = source.asOf ? Date.parse(source.asOf) : latestEvent;
  result.asOf = Number.isFinite(asOf) ? asOf : null;
  const output = await sink.finish(result.asOf);
  result.appeals = output.appeals;
  result.events = output.events;
  result.bulk = output.tables;
  result.rejects = rejects;

  counts.rejected = rejects.length - counts.duplicates;
  if (counts.accepted + counts.rejected + counts.duplicates !== counts.read) {
    throw new Error(`Accounting failed for ${source.id}: ${JSON.stringify(counts)} does not add up to read`);
  }
  for (const reject of rejects) {
    if (reject.reason !== DUPLICATE_REASON) result.reasons[reject.reason] = (result.reasons[reject.reason] ?? 0) + 1;
  }
  logRejectReasons(logger, source.id, reasonExamples(rejects));

  logValidation(logger, result, rejectedOnReading);
  return result;
}

function emptyResult(source: SourceConfig, counts: SourceCounts, warnings: Record<string, number>): SourceResult {
  return {
    source,
    counts,
    reasons: {},
    districtRules: { code: 0, name: 0, point: 0 },
    pointsOutsideDistrict: 0,
    scrubbed: 0,
    districtsInferred: 0,
    districtNamesUnmatched: 0,
    differingDuplicates: 0,
    districtFlags: {},
    warnings,
    asOf: null,
    asOfRule: source.asOf ? 'configured' : 'latest_event',
    period: null,
    appeals: [],
    events: [],
    rejects: [],
    failure: null,
    bulk: null,
  };
}

/** Counts the rule and the flag that placed an accepted record. */
function countPlacement(result: SourceResult, parsed: ParsedAppeal, placement: Placement): void {
  const { draft } = parsed;
  if (placement.rule) result.districtRules[placement.rule] += 1;
  if (placement.flag === 'point_outside_district') result.pointsOutsideDistrict += 1;
  if (parsed.district_inferred) result.districtsInferred += 1;
  if (placement.rule === 'point' && (draft.district_name || draft.district_code)) result.districtNamesUnmatched += 1;
  result.districtFlags[placement.flag ?? 'none'] = (result.districtFlags[placement.flag ?? 'none'] ?? 0) + 1;
}

/** Names of canonical fields in the records of the JSON formats, for the field column of rejects. */
const FORMAT_FIELD_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // An Open311 request has no district field, so a record with no place lacks its point.
  open311: { appeal_id: 'service_request_id', 'latitude/longitude': 'lat,long', district_name: 'lat,long', district_code: 'lat,long' },
  'spb-portal': { appeal_id: 'id', 'latitude/longitude': 'sidebar.latitude,sidebar.longitude', district_code: 'sidebar.district.id' },
};

/** Returns the name a source's own records give a canonical field: a table's column, a JSON key. */
function sourceFieldName(format: string, mapping: TableMapping | null, field: string): string {
  if (mapping) return field === 'appeal_id' ? mappedColumnName(mapping, 'appeal_id') : placementFieldName(mapping, field);
  return FORMAT_FIELD_NAMES[format]?.[field] ?? field;
}

/**
 * Lists a record whose id an earlier record of the source already had. It is counted as a duplicate,
 * not as a reject, and goes to rejects.csv so that no dropped row goes unnamed.
 */
export function duplicateReject(config: Config, source: SourceConfig, file: string, row: number, id: string, earlier: { file: string; row: number }, compared: DuplicateContent, acrossFiles: boolean): Reject {
  return toReject(config, source, { file, row, record_id: id, field: 'appeal_id', value: null, reason: DUPLICATE_REASON, message: rejectMessage(duplicateMessage(earlier.file, earlier.row, compared, acrossFiles)) });
}

/** Places a record in a district and applies the source's policy to doubtful cases. */
function placeRecord(region: Region, parsed: ParsedAppeal, policy: DistrictPolicy): Placement | PlacementReject {
  return applyDistrictPolicy(region, assignDistrict(region, parsed.draft), parsed.draft, parsed.district_inferred === true, policy);
}

function toAppeal(
  config: Config,
  source: SourceConfig,
  region: Region,
  parsed: ParsedAppeal,
  placement: Placement,
  result: SourceResult,
  scrubbed: Map<string, ScrubResult>,
): UnmeasuredAppeal {
  const { draft } = parsed;
  const extras = filterExtras(parsed.extras);
  const point = coarsenPoint(draft.latitude, draft.longitude, config.privacy);
  const clean = (value: string | null) => {
    if (value === null) return null;
    let known = scrubbed.get(value);
    if (!known) {
      known = scrubText(value);
      scrubbed.set(value, known);
    }
    result.scrubbed += known.removed;
    return known.text;
  };
  const municipality = draft.municipality_name ? region.municipalities.get(draft.municipality_name)?.shortName ?? draft.municipality_name : null;

  return {
    appeal_id: draft.appeal_id,
    source: source.id,
    region: region.config.id,
    created_at: draft.created_at,
    first_answer_at: draft.first_answer_at,
    final_answer_at: draft.final_answer_at,
    closed_at: draft.closed_at,
    deadline_at: draft.deadline_at,
    status: draft.status,
    status_original: clean(draft.status_original) ?? draft.status,
    category: clean(draft.category),
    rubric: clean(draft.rubric),
    object_type: clean(draft.object_type),
    agency: clean(draft.agency),
    district: placement.district,
    district_rule: placement.rule,
    district_flag: placement.flag,
    municipality: clean(municipality),
    repeat_messages: draft.repeat_messages,
    latitude: point.latitude,
    longitude: point.longitude,
    extras: extras.json,
  };
}

function toEvents(source: SourceConfig, draft: AppealDraft): StatusEvent[] {
  return draft.events.map((event, index) => ({
    appeal_id: draft.appeal_id,
    source: source.id,
    sequence: index + 1,
    at: event.at,
    kind: event.kind,
    status: event.status,
    status_original: event.status_original,
  }));
}

/**
 * Makes an adapter's reject publishable: a quoted point is generalised to its grid cell, and any
 * other value is cut to 200 characters and scrubbed of personal data.
 */
function toReject(config: Config, source: SourceConfig, reject: RowReject): Reject {
  // A duplicate's value would be its id, which record_id already gives unscrubbed.
  if (reject.reason === DUPLICATE_REASON) return { ...reject, source: source.id, value: null };
  let value = reject.value === null ? null : reject.value.slice(0, 200);
  if (value !== null) value = POINT_REJECT_REASONS.includes(reject.reason) ? generaliseRejectPoint(reject.reason, value, config.privacy) : scrubText(value).text;
  return { ...reject, source: source.id, value };
}

function widenPeriod(period: { from: number; to: number } | null, createdAt: number): { from: number; to: number } {
  return period ? { from: Math.min(period.from, createdAt), to: Math.max(period.to, createdAt) } : { from: createdAt, to: createdAt };
}

/**
 * Runs every configured source; regions are loaded once each. A source that fails (an unreadable
 * file, a network error) does not stop the others: its result carries the failure, and the
 * snapshot writer keeps that source's last good data. Large CSV `table` sources are read in bulk
 * into one DuckDB database, which the results share and writeSnapshot closes.
 */
export async function runAllSources(config: Config, logger: Logger, effects: Effects = DEFAULT_EFFECTS, bulk: BulkMode = 'auto'): Promise<{ regions: Map<string, Region>; results: SourceResult[] }> {
  const regions = new Map<string, Region>();
  for (const regionConfig of config.regions) regions.set(regionConfig.id, loadRegion(regionConfig));

  let database: BulkDatabase | null = null;
  const options: RunOptions = { bulk, database: async () => (database ??= await BulkDatabase.open()) };
  const results: SourceResult[] = [];
  for (const source of config.sources) {
    let failure: Message;
    // A source read to the end without an accepted appeal keeps its counts and rejects, so that
    // rejects.csv lists every row this run turned down.
    let read: SourceResult | null = null;
    try {
      read = await runSource(config, source, regions.get(source.region)!, logger, effects, options);
      const empty = emptyFailure(read);
      if (!empty) {
        results.push(read);
        continue;
      }
      failure = empty;
    } catch (error) {
      failure = describeFailure(error);
    }
    logger.error('read', {
      ru: `Источник ${source.id} не прочитан: ${failure.ru}. Его данные возьмутся из прошлого снимка, если он есть.`,
      en: `Source ${source.id} failed: ${failure.en}. Its data is kept from the previous snapshot, if there is one.`,
    });
    results.push(read ? { ...read, failure } : failedResult(source, failure));
  }
  if (database && !results.some((result) => result.bulk)) (database as BulkDatabase).close();
  return { regions, results };
}

/**
 * Returns why a source without an accepted appeal counts as failed, naming the first reject, or null
 * when some appeal was accepted. Failing keeps the source's last good data, so an empty download or
 * a file of the wrong kind does not publish an empty source.
 */
export function emptyFailure(result: SourceResult): Message | null {
  const { read, rejected, duplicates } = result.counts;
  if (result.counts.accepted > 0) return null;
  if (read === 0) {
    return {
      ru: 'во входных данных нет ни одной записи (пустой файл или пустой ответ сервера); проверьте выгрузку',
      en: 'the input contains no record (an empty file or an empty server response); check the export',
    };
  }
  // The most frequent reasons explain a failure better than a duplicate that happens to come
  // first. A bulk-read source keeps its rejects in DuckDB, so it names no example row.
  const reasons = Object.entries(result.reasons).sort(([, a], [, b]) => b - a).slice(0, 3);
  let because = { ru: '', en: '' };
  if (reasons.length) {
    because = {
      ru: `; причины: ${reasons.map(([reason, count]) => `${reason} ${ru(count)}`).join(', ')}`,
      en: `; reasons: ${reasons.map(([reason, count]) => `${reason} ${en(count)}`).join(', ')}`,
    };
  }
  const first = reasons.length > 0 ? result.rejects.find((reject) => reject.reason === reasons[0][0]) : undefined;
  const example = first
    ? { ru: `; например: ${first.file}, строка ${first.row}, ${first.reason}`, en: `; for example: ${first.file}, row ${first.row}, ${first.reason}` }
    : { ru: '', en: '' };
  return {
    ru: `не принята ни одна запись из ${ru(read)}: отклонено ${ru(rejected)}, повторов ${ru(duplicates)}${because.ru}${example.ru}; проверьте формат, сопоставление и регион источника`,
    en: `none of ${en(read)} records was accepted: rejected ${en(rejected)}, duplicates ${en(duplicates)}${because.en}${example.en}; check the source's format, mapping and region`,
  };
}

function describeFailure(error: unknown): Message {
  if (error instanceof EtlError) return error.bilingual;
  const text = error instanceof Error ? error.message : String(error);
  return { ru: `непредвиденная ошибка (${text}); сообщите о ней с этим текстом`, en: `unexpected error (${text}); report it with this text` };
}

export function failedResult(source: SourceConfig, failure: Message): SourceResult {
  return {
    source,
    counts: { read: 0, accepted: 0, rejected: 0, duplicates: 0 },
    reasons: {},
    districtRules: { code: 0, name: 0, point: 0 },
    pointsOutsideDistrict: 0,
    scrubbed: 0,
    districtsInferred: 0,
    districtNamesUnmatched: 0,
    differingDuplicates: 0,
    districtFlags: {},
    warnings: {},
    asOf: null,
    asOfRule: source.asOf ? 'configured' : 'latest_event',
    period: null,
    appeals: [],
    events: [],
    rejects: [],
    failure,
    bulk: null,
  };
}
