// Build-time reader of the snapshot's poll files and the values the poll pages derive from them.
// `polls.json` (written by etl/polls/summary.ts) contains every poll with its results, and
// `poll_okrugs.geojson` contains one feature per Moscow State Duma okrug. Like snapshot.ts, this runs
// in Node during `astro build` only.

import fs from 'node:fs';
import path from 'node:path';
import type { AreaSummary, PollSummary, PollsSummary, ResultSummary } from '../../../etl/polls/summary.ts';
import type { OkrugSummary } from '../../../etl/polls/okrugs.ts';
import type { Message } from '../../../etl/lib/log.ts';
import { resolveSnapshotsDir } from '../../integrations/snapshots-dir.mjs';
import type { PolygonGeometry } from './geometry.ts';
import { loadSnapshot } from './snapshot.ts';

export type { AreaSummary, PollSummary, PollsSummary, ResultSummary } from '../../../etl/polls/summary.ts';

export interface OkrugFeature {
  type: 'Feature';
  properties: OkrugSummary;
  /** Null for an okrug whose member districts are not placed. */
  geometry: PolygonGeometry | null;
}

export interface OkrugCollection {
  type: 'FeatureCollection';
  features: OkrugFeature[];
}

export interface PollData {
  summary: PollsSummary;
  okrugs: OkrugCollection;
  /** Site path of the okrug layer, e.g. "/snapshots/2026-12-04/poll_okrugs.geojson". */
  okrugLayerPath: string;
}

let cached: PollData | undefined;

function readJson<T>(filePath: string, description: string): T {
  if (!fs.existsSync(filePath)) {
    throw new Error(`${description} not found: ${filePath}. Run "npm run etl -- run" to write a snapshot with poll files.`);
  }
  try {
    return JSON.parse(fs.readFileSync(filePath, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${description} is not valid JSON: ${filePath}: ${(error as Error).message}`);
  }
}

/** Reads the poll files of the snapshot that the build shows, once per build. */
export function loadPolls(): PollData {
  if (cached) return cached;
  const snapshot = loadSnapshot();
  const folder = path.join(resolveSnapshotsDir(), snapshot.id);
  const summary = readJson<PollsSummary>(path.join(folder, 'polls.json'), 'polls.json');
  const okrugs = readJson<OkrugCollection>(path.join(folder, summary.okrugLayer.file), summary.okrugLayer.file);
  cached = { summary, okrugs, okrugLayerPath: `/snapshots/${snapshot.id}/${summary.okrugLayer.file}` };
  return cached;
}

export function findPoll(summary: PollsSummary, id: string): PollSummary {
  const poll = summary.polls.find((candidate) => candidate.id === id);
  if (!poll) throw new Error(`Poll "${id}" not found in polls.json`);
  return poll;
}

/**
 * Names and time zones of the places that polls come from, keyed by the poll's `region`, and the
 * language of their texts in Latin script.
 */
const POLL_REGIONS: Readonly<Record<string, { name: Message; timeZone: string; latinLanguage: 'en' | 'pl' }>> = {
  moscow: { name: { ru: 'Москва', en: 'Moscow' }, timeZone: 'Europe/Moscow', latinLanguage: 'en' },
  yakutsk: { name: { ru: 'Якутск', en: 'Yakutsk' }, timeZone: 'Asia/Yakutsk', latinLanguage: 'en' },
  czestochowa: { name: { ru: 'Ченстохова (Польша)', en: 'Częstochowa (Poland)' }, timeZone: 'Europe/Warsaw', latinLanguage: 'pl' },
};

/** Returns the place's name, or the region id itself for a region this table does not list. */
export function regionName(region: string, locale: 'ru' | 'en'): string {
  return POLL_REGIONS[region]?.name[locale] ?? region;
}

/**
 * Returns an area's display name: the place's name in the page's language for the whole city or
 * the municipality of the poll's place, else the label from the data (okrug number and name).
 */
export function areaLabel(poll: PollSummary, area: AreaSummary, locale: 'ru' | 'en'): string {
  const placeName = POLL_REGIONS[poll.region]?.name;
  if (placeName && (area.kind === 'city' || (area.kind === 'municipality' && area.name === placeName.ru))) return placeName[locale];
  return area.label;
}

/** Returns the region's IANA time zone, or UTC for a region this table does not list. */
export function regionTimeZone(region: string): string {
  return POLL_REGIONS[region]?.timeZone ?? 'UTC';
}

// Topics are our own labels in Russian, with parts joined by " / ". Each part is a filter tag.
// Two spellings of "public space" share one tag.
export interface TopicTag {
  /** Value in the `topic` query parameter. */
  slug: string;
  ru: string;
  /** Null for a tag this table does not translate; English pages then show the Russian. */
  en: string | null;
}

const KNOWN_TOPIC_TAGS: ReadonlyArray<TopicTag & { spellings: readonly string[] }> = [
  { slug: 'participatory-budget', ru: 'гражданский бюджет', en: 'participatory budget', spellings: ['гражданский бюджет'] },
  { slug: 'improvement', ru: 'благоустройство', en: 'public improvements', spellings: ['благоустройство'] },
  { slug: 'courtyards', ru: 'дворы', en: 'courtyards', spellings: ['дворы'] },
  {
    slug: 'public-space',
    ru: 'общественные пространства',
    en: 'public spaces',
    spellings: ['общественное пространство', 'общественные пространства'],
  },
  { slug: 'monuments', ru: 'памятники', en: 'monuments', spellings: ['памятники'] },
  { slug: 'transport', ru: 'транспорт', en: 'transport', spellings: ['транспорт'] },
  { slug: 'design', ru: 'дизайн', en: 'design', spellings: ['дизайн'] },
  { slug: 'place-names', ru: 'топонимика', en: 'place names', spellings: ['топонимика'] },
  { slug: 'holidays', ru: 'праздники', en: 'holidays', spellings: ['праздники'] },
  { slug: 'budget', ru: 'бюджет', en: 'budget', spellings: ['бюджет'] },
  { slug: 'leisure', ru: 'досуг', en: 'leisure', spellings: ['досуг'] },
  { slug: 'festivals', ru: 'фестивали', en: 'festivals', spellings: ['фестивали'] },
  { slug: 'parking', ru: 'парковки', en: 'parking', spellings: ['парковки'] },
  { slug: 'housing', ru: 'жильё', en: 'housing', spellings: ['жильё', 'жилье'] },
  { slug: 'renovation', ru: 'реновация', en: 'renovation', spellings: ['реновация'] },
  { slug: 'elections', ru: 'выборы', en: 'elections', spellings: ['выборы'] },
];

/** Splits a topic into its tags; an unknown part becomes a tag whose slug is its own text. */
export function topicTags(topic: string | null): TopicTag[] {
  if (!topic) return [];
  return topic
    .split('/')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '')
    .map((part) => {
      const known = KNOWN_TOPIC_TAGS.find((tag) => tag.spellings.includes(part));
      return known ? { slug: known.slug, ru: known.ru, en: known.en } : { slug: part, ru: part, en: null };
    });
}

function yearOf(value: string | null): number | null {
  const match = value?.match(/^(\d{4})-/);
  return match ? Number(match[1]) : null;
}

/**
 * Returns the calendar years of the vote: every year from the start to the end date or year, or the
 * one year of whichever is known. With no voting dates, the year of `snapshotAt`, the time the
 * figures refer to. Empty when the poll has no date at all.
 */
export function pollYears(poll: PollSummary): number[] {
  const start = yearOf(poll.startedOn);
  const end = yearOf(poll.endedOn) ?? poll.endedYear;
  if (start !== null && end !== null) {
    return Array.from({ length: Math.max(1, end - start + 1) }, (_, index) => start + index);
  }
  const single = start ?? end ?? yearOf(poll.snapshotAt);
  return single === null ? [] : [single];
}

/** Orders polls newest first by end date, start date, end year or as-of date. Polls with no date go last. */
export function comparePollsByDate(a: PollSummary, b: PollSummary): number {
  const dateOf = (poll: PollSummary) =>
    poll.endedOn ?? poll.startedOn ?? (poll.endedYear === null ? null : String(poll.endedYear)) ?? poll.snapshotAt?.slice(0, 10) ?? '';
  const byDate = dateOf(b).localeCompare(dateOf(a));
  return byDate !== 0 ? byDate : a.title.localeCompare(b.title, 'ru', { numeric: true });
}

export interface ShareValue {
  percent: number;
  /** `participants`: votes ÷ the area's participants; `given`: as the source printed it. */
  basis: 'participants' | 'given';
}

/**
 * Returns the share to draw for a result: votes ÷ participants where the ETL computed it, else the
 * share the source printed. Null for a poll of unknown choice type, whose votes never become shares.
 */
export function resultShare(poll: PollSummary, result: ResultSummary): ShareValue | null {
  if (poll.choiceType === 'unknown') return null;
  if (result.sharePercentOfParticipants !== null) return { percent: result.sharePercentOfParticipants, basis: 'participants' };
  if (result.sharePercentAsGiven !== null) return { percent: result.sharePercentAsGiven, basis: 'given' };
  return null;
}

export interface AreaLeader {
  /** Results with the most votes (or the largest share when votes are missing): one, or several on a tie. */
  leaders: ResultSummary[];
  runnerUp: ResultSummary | null;
  leaderShare: ShareValue | null;
  /** Leader minus runner-up in percentage points of the area's participants; null when unknown. */
  marginPoints: number | null;
  /** Leader minus runner-up in votes; null when the votes are not known. */
  marginVotes: number | null;
}

/**
 * Finds the leading option of an area by votes when every option has votes, else by the share the
 * source printed. Returns null when the area has no comparable figures.
 */
// NOTE: in a cumulative vote the points, not the voters, decide the winner, so there the leader by
// votes can differ from the project that won. No published poll has several cumulative areas yet.
export function findAreaLeader(poll: PollSummary, area: AreaSummary): AreaLeader | null {
  const byVotes = area.results.every((result) => result.votes !== null);
  const score = (result: ResultSummary) => (byVotes ? result.votes : result.sharePercentAsGiven);
  const ranked = area.results.filter((result) => score(result) !== null).sort((a, b) => score(b)! - score(a)!);
  if (ranked.length === 0) return null;

  const top = score(ranked[0])!;
  const leaders = ranked.filter((result) => score(result) === top);
  const runnerUp = ranked.find((result) => score(result)! < top) ?? null;
  const leaderShare = resultShare(poll, leaders[0]);
  const runnerUpShare = runnerUp ? resultShare(poll, runnerUp) : null;

  let marginPoints: number | null = null;
  if (leaders.length > 1) marginPoints = 0;
  else if (leaderShare && runnerUpShare && leaderShare.basis === runnerUpShare.basis) marginPoints = leaderShare.percent - runnerUpShare.percent;

  let marginVotes: number | null = null;
  if (byVotes && leaders.length > 1) marginVotes = 0;
  else if (byVotes && runnerUp) marginVotes = top - score(runnerUp)!;

  return { leaders, runnerUp, leaderShare, marginPoints, marginVotes };
}

/**
 * Returns the number of participants to print beside a share: the area's own count, else, for the
 * poll's only area, the poll's count. `asGiven` is the source's wording when no exact count exists.
 */
export function areaParticipants(poll: PollSummary, area: AreaSummary): { exact: number | null; asGiven: string | null } {
  if (area.participants !== null) return { exact: area.participants, asGiven: null };
  if (poll.areas.length === 1) return { exact: poll.participants, asGiven: poll.participants === null ? poll.participantsAsGiven : null };
  return { exact: null, asGiven: null };
}

/** Returns the interim snapshots and the final poll that share an id stem ("<stem>_snap_<time>"). */
export function relatedPolls(summary: PollsSummary, poll: PollSummary): PollSummary[] {
  const stem = poll.id.split('_snap_')[0];
  return summary.polls.filter((other) => other.id !== poll.id && (other.id === stem || other.id.startsWith(`${stem}_snap_`)));
}

/** Compares district names the way the sources spell them: case and "ё" versus "е" do not matter. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/ё/g, 'е').trim();
}

export interface DistrictPoll {
  poll: PollSummary;
  /** True when the district is only among the okrug poll's unplaced districts. */
  unplaced: boolean;
}

/** Lists the polls of a region whose coverage names the district, newest first. */
export function findPollsCoveringDistrict(summary: PollsSummary, region: string, district: string): DistrictPoll[] {
  const name = normalizeName(district);
  const matches: DistrictPoll[] = [];
  for (const poll of [...summary.polls].sort(comparePollsByDate)) {
    if (poll.region !== region || poll.coverage.kind === 'city') continue;
    if (poll.coverage.districts.some((candidate) => normalizeName(candidate) === name)) {
      matches.push({ poll, unplaced: false });
    } else if (poll.coverage.kind === 'okrugs' && poll.coverage.unplacedDistricts.some((candidate) => normalizeName(candidate) === name)) {
      matches.push({ poll, unplaced: true });
    }
  }
  return matches;
}

/**
 * Returns the language of a text taken from the data, for its `lang` attribute: Russian when
 * Cyrillic letters prevail, else the region's language of Latin-script texts (option texts of a
 * Polish poll are Polish, qualifiers are English).
 */
export function detectTextLanguage(text: string, region?: string): 'ru' | 'pl' | 'en' {
  const cyrillic = text.match(/[а-яё]/gi)?.length ?? 0;
  const latin = text.match(/[a-ząćęłńóśźż]/gi)?.length ?? 0;
  if (cyrillic >= latin) return 'ru';
  // English words first: English titles of Polish polls keep Polish letters in place names.
  if (/\b(the|of|in|and|district|city|budget)\b/i.test(text)) return 'en';
  if (/[ąćęłńśźż]/i.test(text)) return 'pl';
  return (region && POLL_REGIONS[region]?.latinLanguage) || 'en';
}

/** Returns the `lang` attribute for data text on a page in `locale`: undefined when they match. */
export function langAttribute(text: string | null, locale: 'ru' | 'en', region?: string): string | undefined {
  if (!text) return undefined;
  const language = detectTextLanguage(text, region);
  return language === locale ? undefined : language;
}
