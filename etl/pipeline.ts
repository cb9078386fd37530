// Runs configured sources through the steps: parse → deduplicate → assign district → privacy →
// measure. Every read row ends as accepted, rejected or a duplicate, and the counts add up.

import { basename } from 'node:path';

import type { Config, SourceConfig } from './config.ts';
import { assignDistrict, loadRegion, type Region } from './districts.ts';
import { en, ru, type Logger, type Message } from './lib/log.ts';
import { EtlError } from './lib/errors.ts';
import { measureAppeal } from './metrics.ts';
import { coarsenPoint, scrubText } from './privacy.ts';
import type { Appeal, Reject, StatusEvent } from './schema.ts';
import { parseSpbPortal } from './sources/spb-portal.ts';
import type { AdapterContext, AppealDraft, ParsedRow, RowReject } from './sources/types.ts';
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
  asOf: number | null;
  asOfRule: 'configured' | 'latest_event';
  period: { from: number; to: number } | null;
  appeals: Appeal[];
  events: StatusEvent[];
  rejects: Reject[];
  /** Set when the source could not be read; the snapshot then keeps its last good data. */
  failure: Message | null;
}

export type Adapter = (path: string, context: AdapterContext) => AsyncIterable<ParsedRow>;

export const ADAPTERS: Record<string, Adapter> = {
  'spb-portal': parseSpbPortal,
};

/** Runs one source: reads its files, then validates, places and cleans every record. */
export async function runSource(config: Config, source: SourceConfig, region: Region, logger: Logger): Promise<SourceResult> {
  const adapter = ADAPTERS[source.format];
  const drafts: { draft: AppealDraft; file: string; row: number }[] = [];
  const rejects: Reject[] = [];
  const seen = new Set<string>();
  const counts: SourceCounts = { read: 0, accepted: 0, rejected: 0, duplicates: 0 };

  for (const file of source.files) {
    const context: AdapterContext = { timeZone: source.timeZone, displayName: basename(file) };
    for await (const parsed of adapter(file, context)) {
      counts.read += 1;
      logger.progress(source.id, counts.read, null);
      if (parsed.kind === 'reject') {
        rejects.push(toReject(source, parsed.reject));
        continue;
      }
      if (seen.has(parsed.draft.appeal_id)) {
        counts.duplicates += 1;
        continue;
      }
      seen.add(parsed.draft.appeal_id);
      drafts.push({ draft: parsed.draft, file: context.displayName, row: parsed.row });
    }
  }
  logger.info('read', {
    ru: `${source.id}: прочитано ${ru(counts.read)}, ошибок разбора ${ru(rejects.length)}, повторов ${ru(counts.duplicates)}`,
    en: `${source.id}: read ${en(counts.read)}, parse errors ${en(rejects.length)}, duplicates ${en(counts.duplicates)}`,
  }, { read: counts.read, parseErrors: rejects.length, duplicates: counts.duplicates });

  const asOfRule = source.asOf ? 'configured' : 'latest_event';
  const asOf = source.asOf ? Date.parse(source.asOf) : drafts.reduce((latest, { draft }) => Math.max(latest, draft.last_event_at), -Infinity);

  const result: SourceResult = {
    source,
    counts,
    reasons: {},
    districtRules: { code: 0, name: 0, point: 0 },
    pointsOutsideDistrict: 0,
    scrubbed: 0,
    asOf: Number.isFinite(asOf) ? asOf : null,
    asOfRule,
    period: null,
    appeals: [],
    events: [],
    rejects,
    failure: null,
  };

  for (const { draft, file, row } of drafts) {
    const assignment = assignDistrict(region, draft);
    if (!assignment.ok) {
      rejects.push({
        source: source.id,
        file,
        row,
        record_id: draft.appeal_id,
        field: assignment.field,
        value: assignment.value,
        reason: assignment.reason,
        message: districtRejectMessage(assignment.reason, region),
      });
      continue;
    }
    result.districtRules[assignment.rule] += 1;
    if (assignment.pointOutside) result.pointsOutsideDistrict += 1;

    const appeal = toAppeal(config, source, region, draft, assignment.district.name, assignment.rule, asOf, result);
    result.appeals.push(appeal);
    result.events.push(...toEvents(source, draft));
  }

  counts.accepted = result.appeals.length;
  counts.rejected = rejects.length;
  if (counts.accepted + counts.rejected + counts.duplicates !== counts.read) {
    throw new Error(`Accounting failed for ${source.id}: ${JSON.stringify(counts)} does not add up to read`);
  }
  for (const reject of rejects) result.reasons[reject.reason] = (result.reasons[reject.reason] ?? 0) + 1;
  result.period = periodOf(result.appeals);

  logger.info('validate', {
    ru: `${source.id}: принято ${ru(counts.accepted)}, отклонено ${ru(counts.rejected)}, повторов ${ru(counts.duplicates)}; район по коду ${ru(result.districtRules.code)}, по названию ${ru(result.districtRules.name)}, по точке ${ru(result.districtRules.point)}; точек вне своего района ${ru(result.pointsOutsideDistrict)}`,
    en: `${source.id}: accepted ${en(counts.accepted)}, rejected ${en(counts.rejected)}, duplicates ${en(counts.duplicates)}; district by code ${en(result.districtRules.code)}, by name ${en(result.districtRules.name)}, by point ${en(result.districtRules.point)}; points outside their district ${en(result.pointsOutsideDistrict)}`,
  }, { ...counts, ...result.districtRules, pointsOutsideDistrict: result.pointsOutsideDistrict });
  return result;
}

function toAppeal(config: Config, source: SourceConfig, region: Region, draft: AppealDraft, district: string, rule: DistrictRule, asOf: number, result: SourceResult): Appeal {
  const point = coarsenPoint(draft.latitude, draft.longitude, config.privacy);
  const clean = (value: string | null) => {
    if (value === null) return null;
    const scrubbed = scrubText(value);
    result.scrubbed += scrubbed.removed;
    return scrubbed.text;
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
    district,
    district_rule: rule,
    municipality: clean(municipality),
    repeat_messages: draft.repeat_messages,
    ...measureAppeal(draft, asOf),
    latitude: point.latitude,
    longitude: point.longitude,
    as_of: asOf,
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

function toReject(source: SourceConfig, reject: RowReject): Reject {
  const value = reject.value === null ? null : scrubText(reject.value.slice(0, 200)).text;
  return { ...reject, source: source.id, value };
}

function districtRejectMessage(reason: 'district_unknown' | 'district_conflict' | 'outside_region', region: Region): string {
  if (reason === 'district_conflict') return `the district code and the district name name different districts; fix the record or the code table of region ${region.config.id}`;
  if (reason === 'district_unknown') return `no district of region ${region.config.id} has this name or code; add an alias to regions[].aliases if it is another spelling`;
  return `the record has no district and its point lies in no district of region ${region.config.id}`;
}

function periodOf(appeals: readonly Appeal[]): { from: number; to: number } | null {
  if (appeals.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const appeal of appeals) {
    from = Math.min(from, appeal.created_at);
    to = Math.max(to, appeal.created_at);
  }
  return { from, to };
}

/**
 * Runs every configured source; regions are loaded once each. A source that fails (an unreadable
 * file, a network error) does not stop the others: its result carries the failure, and the
 * snapshot writer keeps that source's last good data.
 */
export async function runAllSources(config: Config, logger: Logger): Promise<{ regions: Map<string, Region>; results: SourceResult[] }> {
  const regions = new Map<string, Region>();
  for (const regionConfig of config.regions) regions.set(regionConfig.id, loadRegion(regionConfig));

  const results: SourceResult[] = [];
  for (const source of config.sources) {
    try {
      results.push(await runSource(config, source, regions.get(source.region)!, logger));
    } catch (error) {
      const failure = describeFailure(error);
      logger.error('read', {
        ru: `Источник ${source.id} не прочитан: ${failure.ru}. Его данные возьмутся из прошлого снимка.`,
        en: `Source ${source.id} failed: ${failure.en}. Its data is kept from the previous snapshot.`,
      });
      results.push(failedResult(source, failure));
    }
  }
  return { regions, results };
}

function describeFailure(error: unknown): Message {
  if (error instanceof EtlError) return error.bilingual;
  const text = error instanceof Error ? error.message : String(error);
  return { ru: text, en: text };
}

export function failedResult(source: SourceConfig, failure: Message): SourceResult {
  return {
    source,
    counts: { read: 0, accepted: 0, rejected: 0, duplicates: 0 },
    reasons: {},
    districtRules: { code: 0, name: 0, point: 0 },
    pointsOutsideDistrict: 0,
    scrubbed: 0,
    asOf: null,
    asOfRule: source.asOf ? 'configured' : 'latest_event',
    period: null,
    appeals: [],
    events: [],
    rejects: [],
    failure,
  };
}
