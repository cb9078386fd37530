// The shape of `polls.json`, the poll summary the site build reads, and the function that builds it
// from the canonical rows. Shares and interval bounds are percentages (0–100). Dates are
// "YYYY-MM-DD", and instants are ISO 8601 strings in UTC.

import type { Message } from '../lib/log.ts';
import type { OkrugReport } from './okrugs.ts';
import type { Observation } from './running-count-csv.ts';
import {
  AREA_KIND_MEANINGS,
  CHOICE_TYPE_MEANINGS,
  POLL_SCHEMA_VERSION,
  POLL_SCOPE_MEANINGS,
  POLL_STATUS_MEANINGS,
  POLL_UNIT_MEANINGS,
  RESULT_KIND_MEANINGS,
  type AreaKind,
  type ChoiceType,
  type Poll,
  type PollOptionResult,
  type PollProblem,
  type PollProblemCode,
  type PollReject,
  type PollScope,
  type PollStatus,
  type PollUnit,
} from './schema.ts';
import { intervalDecision, wilsonInterval, type IntervalReason } from './statistics.ts';
import type { DatasetInfo } from './sources.ts';
import { isoInstant } from './values.ts';

export interface PollsSummary {
  schemaVersion: string;
  /** Meaning of every code used below, in both languages, for legends and tooltips. */
  vocabularies: {
    statuses: Record<PollStatus, Message>;
    scopes: Record<PollScope, Message>;
    units: Record<PollUnit, Message>;
    choiceTypes: Record<ChoiceType, Message>;
    areaKinds: Record<AreaKind, Message>;
    resultKinds: Record<string, Message>;
    intervalReasons: Record<IntervalReason, Message>;
  };
  datasets: DatasetSummary[];
  polls: PollSummary[];
  okrugLayer: {
    /** File with one feature per okrug 196–210, next to this one. */
    file: string;
    okrugsWithMissingMembers: number[];
    unplacedDistricts: string[];
  };
  /** Rows the adapters could not read, with the dataset they belong to. */
  rejects: Array<PollReject & { dataset: string }>;
}

export interface DatasetSummary {
  id: string;
  title: Message;
  originUrl: string;
  licence: string;
  attribution: Message;
}

export interface PollSummary {
  id: string;
  dataset: string;
  title: string;
  topic: string | null;
  region: string;
  scope: PollScope;
  startedOn: string | null;
  endedOn: string | null;
  endedYear: number | null;
  status: PollStatus;
  snapshotAt: string | null;
  unit: PollUnit;
  choiceType: ChoiceType;
  participants: number | null;
  participantsAsGiven: string | null;
  sourceUrls: string[];
  licence: string | null;
  note: string | null;
  options: Array<{ id: string; text: string | null }>;
  /** One entry per area with option results, the city first, then districts or okrugs in order. */
  areas: AreaSummary[];
  /** Areas that the source gives only a participant count for, not split by option. */
  participation: Array<{ areaKind: AreaKind; area: string; participants: number; note: string | null; provenance: string }>;
  coverage: Coverage;
  flags: Flag[];
  /** For a running count: each option's count over time, oldest first. */
  series: Array<{ optionId: string; points: Array<{ at: string; votes: number }> }> | null;
}

export interface AreaSummary {
  kind: AreaKind;
  name: string;
  /** Display name: the okrug's name for an okrug number, else the name itself. */
  label: string;
  participants: number | null;
  /** Sum of the option votes in the area, or null when no option has votes. */
  voteSum: number | null;
  results: ResultSummary[];
}

export interface ResultSummary {
  optionId: string | null;
  optionText: string | null;
  votes: number | null;
  points: number | null;
  /** The share as the source printed it. */
  sharePercentAsGiven: number | null;
  /** 100 × votes / participants of the area when an interval can be shown, otherwise null. */
  sharePercentOfParticipants: number | null;
  /** 95% Wilson score interval of that share. */
  interval: { lowerPercent: number; upperPercent: number } | null;
  intervalReason: IntervalReason;
  note: string | null;
  provenance: string;
}

/**
 * Districts that the poll's figures belong to.
 * - `city`: the whole region, with no district breakdown.
 * - `districts`: the listed districts.
 * - `okrugs`: results per okrug, drawn through the districts placed in them. The
 *   `unplacedDistricts` lie in some okrug that the crosswalk does not name.
 */
export type Coverage =
  | { kind: 'city' }
  | { kind: 'districts'; districts: string[] }
  | { kind: 'okrugs'; okrugs: number[]; districts: string[]; unplacedDistricts: string[] };

export interface Flag {
  code: PollProblemCode;
  area: string | null;
  optionId: string | null;
  numbers: Record<string, number>;
  message: Message;
}

export const INTERVAL_REASON_MEANINGS: Readonly<Record<IntervalReason, Message>> = {
  shown: { ru: '95% доверительный интервал Уилсона', en: '95% Wilson score interval' },
  not_an_option: { ru: 'Строка участия, а не вариант', en: 'A participation row, not an option' },
  no_votes: { ru: 'Источник не даёт число голосов', en: 'The source gives no vote count' },
  no_participants: { ru: 'Неизвестно число участников', en: 'The number of participants is unknown' },
  votes_over_participants: { ru: 'Голосов больше, чем участников', en: 'More votes than participants' },
};

export interface SummaryInput {
  datasets: readonly DatasetInfo[];
  /** Dataset id of each poll. */
  pollDatasets: ReadonlyMap<string, string>;
  polls: readonly Poll[];
  results: readonly PollOptionResult[];
  problems: readonly PollProblem[];
  rejects: ReadonlyArray<PollReject & { dataset: string }>;
  observations: ReadonlyMap<string, readonly Observation[]>;
  okrugs: OkrugReport;
  okrugLayerFile: string;
}

export function buildPollsSummary(input: SummaryInput): PollsSummary {
  const okrugNames = new Map(input.okrugs.okrugs.map((okrug) => [String(okrug.okrug_number), okrug.okrug_name]));
  return {
    schemaVersion: POLL_SCHEMA_VERSION,
    vocabularies: {
      statuses: POLL_STATUS_MEANINGS,
      scopes: POLL_SCOPE_MEANINGS,
      units: POLL_UNIT_MEANINGS,
      choiceTypes: CHOICE_TYPE_MEANINGS,
      areaKinds: AREA_KIND_MEANINGS,
      resultKinds: RESULT_KIND_MEANINGS,
      intervalReasons: INTERVAL_REASON_MEANINGS,
    },
    datasets: input.datasets.map(({ id, title, originUrl, licence, attribution }) => ({ id, title, originUrl, licence, attribution })),
    polls: input.polls.map((poll) => summarizePoll(poll, input, okrugNames)),
    okrugLayer: {
      file: input.okrugLayerFile,
      okrugsWithMissingMembers: input.okrugs.okrugsWithMissingMembers,
      unplacedDistricts: input.okrugs.unplacedDistricts,
    },
    rejects: [...input.rejects],
  };
}

function summarizePoll(poll: Poll, input: SummaryInput, okrugNames: Map<string, string>): PollSummary {
  const rows = input.results.filter((result) => result.poll_id === poll.poll_id);
  const optionRows = rows.filter((row) => row.kind === 'option');
  const options = new Map<string, string | null>();
  for (const row of optionRows) if (!options.has(row.option_id!)) options.set(row.option_id!, row.option_text);

  const observations = input.observations.get(poll.poll_id);
  return {
    id: poll.poll_id,
    dataset: input.pollDatasets.get(poll.poll_id) ?? poll.source,
    title: poll.title,
    topic: poll.topic,
    region: poll.region,
    scope: poll.scope,
    startedOn: poll.started_on,
    endedOn: poll.ended_on,
    endedYear: poll.ended_year,
    status: poll.status,
    snapshotAt: poll.snapshot_at,
    unit: poll.unit,
    choiceType: poll.choice_type,
    participants: poll.participants,
    participantsAsGiven: poll.participants_as_given,
    sourceUrls: poll.source_url ? poll.source_url.split(' ; ').map((url) => url.trim()) : [],
    licence: poll.licence,
    note: poll.note,
    options: [...options].map(([id, text]) => ({ id, text })),
    areas: summarizeAreas(optionRows, okrugNames),
    participation: rows
      .filter((row) => row.kind === 'participation')
      .map((row) => ({ areaKind: row.area_kind, area: row.area, participants: row.participants!, note: row.note, provenance: row.provenance })),
    coverage: coverageOf(poll, optionRows, input.okrugs),
    flags: input.problems
      .filter((entry) => entry.poll_id === poll.poll_id)
      .map((entry) => ({ code: entry.code, area: entry.area, optionId: entry.option_id, numbers: entry.numbers, message: entry.message })),
    series: observations ? seriesOf(observations) : null,
  };
}

const AREA_ORDER: Readonly<Record<AreaKind, number>> = { city: 0, municipality: 1, okrug: 2, district: 3 };

function summarizeAreas(rows: readonly PollOptionResult[], okrugNames: Map<string, string>): AreaSummary[] {
  const areas = new Map<string, PollOptionResult[]>();
  for (const row of rows) {
    const key = `${row.area_kind}\u0000${row.area}`;
    areas.set(key, [...(areas.get(key) ?? []), row]);
  }
  return [...areas.values()]
    .map((group): AreaSummary => {
      const first = group[0];
      const voted = group.filter((row) => row.votes !== null);
      return {
        kind: first.area_kind,
        name: first.area,
        label: first.area_kind === 'okrug' ? `${first.area} ${okrugNames.get(first.area) ?? ''}`.trim() : first.area,
        participants: group.find((row) => row.participants !== null)?.participants ?? null,
        voteSum: voted.length > 0 ? voted.reduce((sum, row) => sum + row.votes!, 0) : null,
        results: group.map(summarizeResult),
      };
    })
    .sort((a, b) => AREA_ORDER[a.kind] - AREA_ORDER[b.kind] || a.name.localeCompare(b.name, 'ru', { numeric: true }));
}

function summarizeResult(row: PollOptionResult): ResultSummary {
  const reason = intervalDecision(row);
  const interval = reason === 'shown' ? wilsonInterval(row.votes, row.participants) : null;
  return {
    optionId: row.option_id,
    optionText: row.option_text,
    votes: row.votes,
    points: row.points,
    sharePercentAsGiven: row.share_percent,
    sharePercentOfParticipants: reason === 'shown' ? roundPercent((100 * row.votes!) / row.participants!) : null,
    interval: interval ? { lowerPercent: roundPercent(100 * interval.lower), upperPercent: roundPercent(100 * interval.upper) } : null,
    intervalReason: reason,
    note: row.note,
    provenance: row.provenance,
  };
}

function coverageOf(poll: Poll, rows: readonly PollOptionResult[], okrugs: OkrugReport): Coverage {
  if (poll.scope === 'okrug') {
    const numbers = [...new Set(rows.map((row) => Number(row.area)))].sort((a, b) => a - b);
    const members = okrugs.okrugs.filter((okrug) => numbers.includes(okrug.okrug_number)).flatMap((okrug) => okrug.members);
    return { kind: 'okrugs', okrugs: numbers, districts: members, unplacedDistricts: okrugs.unplacedDistricts };
  }
  const districts = [...new Set(rows.filter((row) => row.area_kind === 'district').map((row) => row.area))];
  if (poll.scope === 'district' || (districts.length > 0 && rows.every((row) => row.area_kind === 'district'))) {
    return { kind: 'districts', districts };
  }
  return { kind: 'city' };
}

function seriesOf(observations: readonly Observation[]): PollSummary['series'] {
  const series = new Map<string, Array<{ at: string; votes: number }>>();
  for (const observation of observations) {
    const points = series.get(observation.optionId) ?? [];
    points.push({ at: isoInstant(observation.at), votes: observation.votes });
    series.set(observation.optionId, points);
  }
  return [...series].map(([optionId, points]) => ({ optionId, points }));
}

/** Rounds a percentage to 0.001 points, finer than any share a page prints. */
function roundPercent(value: number): number {
  return Math.round(value * 1000) / 1000;
}
