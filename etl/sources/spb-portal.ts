// Adapter for the St Petersburg portal «Наш Санкт-Петербург»: one appeal per line as the portal's
// own page JSON (a record with `feed`, `sidebar` and `reason`). Reads plain or gzip JSON Lines.
//
// The portal writes times without a zone; they are local time of the configured zone
// (Europe/Moscow). The feed is newest first. Only the fields listed in the canonical schema are
// taken: names, phones, e-mails, addresses, building ids, photos and texts are never read out.

import type { AppealStatus, EventKind } from '../schema.ts';
import { LOCAL_TIMESTAMP, parseLocalTimestamp } from '../lib/time.ts';
import { readLines } from './read-lines.ts';
import { describeJsonError } from '../lib/errors.ts';
import type { Message } from '../lib/log.ts';
import { boundsHint, createdInFuture, draftFingerprint, FUTURE_TOLERANCE_MS, outsideBounds, RecordProblem, timelineProblem, timelineProblems, toReject, type TimelineField } from './row-helpers.ts';
import type { AdapterContext, AppealDraft, EventDraft, ParsedRow } from './types.ts';

export const FORMAT = 'spb-portal';

/** The portal's status names and their canonical status. */
export const SPB_STATUS_MAP: Readonly<Record<string, AppealStatus>> = {
  'Модерация': 'moderation',
  'Рассмотрение': 'in_progress',
  'Промежуточный ответ': 'interim_answer',
  'Получен ответ': 'answered',
  'Завершено: Пользователь удовлетворен решением проблемы': 'resolved',
  'Завершено: Народный контролер подтвердил решение проблемы': 'resolved',
  'Завершено: Автоматически': 'closed_without_confirmation',
};

const CLOSED_STATUSES: readonly AppealStatus[] = ['resolved', 'closed_without_confirmation', 'closed'];

/** The answer's `meta.icon_title` that marks a final (not interim) answer. */
const FINAL_ANSWER_TITLE = 'Окончательный ответ';

interface FeedEntry {
  widget?: unknown;
  key?: unknown;
  payload?: { dt?: unknown; status_name?: unknown } | null;
  meta?: { icon_title?: unknown } | null;
}

interface TimedEntry {
  at: number;
  widget: string;
  entry: FeedEntry;
  /** The entry's field for messages, with its key when it has one: feed[public.status, changestatus_1].payload.dt. */
  field: string;
}

export async function* parseSpbPortal(path: string, context: AdapterContext): AsyncGenerator<ParsedRow> {
  let row = 0;
  for await (const line of readLines(path, context.displayName)) {
    row += 1;
    if (line.trim() === '') continue;
    yield parseLine(line, row, context);
  }
}

/** Parses one JSON line into a draft, or into a reject that names the field and the fix. */
export function parseLine(line: string, row: number, context: AdapterContext): ParsedRow {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch (error) {
    // A cut-off line still starts with its id, which names the record. The text of a broken line
    // may hold the petition or a name, which never reach a published file, so it is not quoted.
    const recordId = /^\s*\{\s*"id"\s*:\s*"?(\d+)/.exec(line)?.[1] ?? null;
    return toReject(context.displayName, row, recordId, new RecordProblem('(record)', null, 'invalid_json', invalidLineMessage(line, error)));
  }

  const recordId = typeof record?.id === 'number' || typeof record?.id === 'string' ? String(record.id) : null;
  try {
    const draft = toDraft(record, context);
    // The fields read, not the whole line: the line also contains texts and counters that are never published.
    return { kind: 'appeal', row, draft, content: draftFingerprint(draft) };
  } catch (error) {
    if (error instanceof RecordProblem) return toReject(context.displayName, row, recordId, error);
    throw error;
  }
}

/** Explains a line that is not a JSON record and what to do about it. */
function invalidLineMessage(line: string, error: unknown): Message {
  // Portal records start with their id, so a line that does not is the end of a cut one.
  if (!/^\s*\{\s*"id"\s*:/.test(line)) {
    return {
      ru: 'строка не начинается с «{"id":», как записи портала: вероятно, это конец предыдущей строки, отрезанный переводом строки; соедините их или выгрузите запись заново',
      en: 'the line does not start with {"id": as portal records do: it is probably the end of the line before it, cut off by a line break; join the two lines or export the record again',
    };
  }
  const place = describeJsonError(error);
  return { ru: `JSON: ${place.ru}; выгрузите эту запись заново`, en: `JSON: ${place.en}; export this record again` };
}

function toDraft(record: Record<string, unknown>, context: AdapterContext): AppealDraft {
  const appealId = readId(record.id);
  const sidebar = asObject(record.sidebar) ?? {};
  const reason = asObject(record.reason);
  const category = asObject(reason?.category);
  const cityObject = asObject(category?.city_object);

  const entries = readFeed(record.feed, context.timeZone);
  const petitions = entries.filter((entry) => entry.widget.startsWith('public.petition'));
  if (petitions.length === 0) {
    throw new RecordProblem('feed', null, 'missing_petition', {
      ru: 'в ленте нет сообщения заявителя (public.petition), поэтому время создания неизвестно',
      en: 'no citizen message (public.petition) in the feed, so the creation time is unknown',
    });
  }

  const answers = entries.filter((entry) => entry.widget === 'public.answer');
  const finalAnswers = answers.filter((entry) => entry.entry.meta?.icon_title === FINAL_ANSWER_TITLE);
  const statuses = entries.filter((entry) => entry.widget === 'public.status');
  const latestStatus = statuses.at(-1);
  const statusOriginal = latestStatus ? intern(String(latestStatus.entry.payload?.status_name ?? '')) : 'Модерация';
  const status = SPB_STATUS_MAP[statusOriginal];
  if (!status) {
    throw new RecordProblem('feed.payload.status_name', statusOriginal, 'unknown_status', {
      ru: `портал ввёл статус, которого нет в таблице статусов адаптера ${FORMAT} (SPB_STATUS_MAP в etl/sources/spb-portal.ts); сообщите разработчикам или добавьте его туда`,
      en: `the portal uses a status missing from the status map of the ${FORMAT} adapter (SPB_STATUS_MAP in etl/sources/spb-portal.ts); report it to the developers or add it there`,
    });
  }

  let latitude = readCoordinate(sidebar.latitude, -90, 90);
  let longitude = readCoordinate(sidebar.longitude, -180, 180);
  // As in the other formats, 0, 0 means a missing location.
  if (latitude === 0 && longitude === 0) [latitude, longitude] = [null, null];
  if (latitude !== null && longitude !== null && context.bounds && outsideBounds(context.bounds, latitude, longitude)) {
    throw new RecordProblem('sidebar.latitude,sidebar.longitude', `${latitude},${longitude}`, 'coordinates_out_of_bounds', boundsHint(context.bounds));
  }

  const districtName = asText(record.district_name) ?? asText(asObject(sidebar.district)?.name);
  const districtCode = asObject(sidebar.district)?.id;
  const timeline = {
    created_at: petitions[0],
    first_answer_at: answers[0] ?? null,
    final_answer_at: finalAnswers.at(-1) ?? null,
    closed_at: CLOSED_STATUSES.includes(status) && latestStatus ? latestStatus : null,
  };
  checkTimeline(timeline, entries, context.now);

  return {
    appeal_id: appealId,
    created_at: timeline.created_at.at,
    first_answer_at: timeline.first_answer_at?.at ?? null,
    final_answer_at: timeline.final_answer_at?.at ?? null,
    closed_at: timeline.closed_at?.at ?? null,
    deadline_at: readOptionalTime(sidebar.expected_answer_dt, 'sidebar.expected_answer_dt', context.timeZone),
    status,
    status_original: statusOriginal,
    category: asText(category?.name),
    rubric: asText(reason?.name),
    object_type: asText(cityObject?.name),
    agency: readAgency(sidebar),
    district_code: districtCode === undefined || districtCode === null ? null : String(districtCode),
    district_name: districtName,
    municipality_name: asText(asObject(sidebar.municipality)?.name),
    latitude,
    longitude,
    repeat_messages: petitions.length - 1,
    last_event_at: entries.at(-1)!.at,
    events: toEvents(entries),
  };
}

/**
 * Rejects a petition more than a day after the run, a closing status earlier than the petition,
 * an answer more than a day earlier than it, or any entry more than a day after the run, as the
 * other formats do. The feed is sorted, so its last entry is the latest.
 */
function checkTimeline(timeline: { [field in TimelineField]: TimedEntry | null }, entries: readonly TimedEntry[], now: number | undefined): void {
  const created = timeline.created_at!;
  const future = createdInFuture(created.at, now, created.field, String(created.entry.payload?.dt));
  if (future) throw future;
  const closed = timeline.closed_at;
  if (closed && closed.at < created.at) {
    throw new RecordProblem(closed.field, String(closed.entry.payload?.dt), 'closed_before_created', {
      ru: 'время закрытия раньше времени создания; проверьте обе даты',
      en: 'the closing time is earlier than the creation time; check both dates',
    });
  }
  const times = { created_at: created.at, first_answer_at: timeline.first_answer_at?.at ?? null, final_answer_at: timeline.final_answer_at?.at ?? null, closed_at: closed?.at ?? null };
  const problem = timelineProblem(times, now, (name) => timeline[name]!.field, (name) => String(timeline[name]!.entry.payload?.dt));
  if (problem) throw problem;
  const latest = entries.at(-1)!;
  if (now !== undefined && latest.at > now + FUTURE_TOLERANCE_MS) throw timelineProblems.timeInFuture(latest.field, String(latest.entry.payload?.dt), now);
}

function readId(value: unknown): string {
  if ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value))) {
    return String(value);
  }
  throw new RecordProblem('id', value === undefined ? null : String(value), 'missing_id', {
    ru: 'у записи нет числового номера (id); проверьте, что строка — запись портала',
    en: 'the record has no numeric id; check that the line is a portal record',
  });
}

/** Reads the feed into entries sorted oldest first (the portal lists newest first). */
function readFeed(feed: unknown, timeZone: string): TimedEntry[] {
  if (!Array.isArray(feed)) {
    throw new RecordProblem('feed', null, 'missing_feed', {
      ru: 'у записи нет массива feed; проверьте, что строка — запись портала',
      en: 'the record has no feed array; check that the line is a portal record',
    });
  }

  const entries: TimedEntry[] = [];
  for (const raw of feed as FeedEntry[]) {
    const widget = typeof raw?.widget === 'string' ? raw.widget : '';
    const field = typeof raw?.key === 'string' ? `feed[${widget}, ${raw.key}].payload.dt` : `feed[${widget}].payload.dt`;
    entries.push({ at: readFeedTime(raw?.payload?.dt, field, timeZone), widget, entry: raw, field });
  }

  return entries.sort((a, b) => a.at - b.at);
}

/** Reads the time of a feed entry. An empty, shapeless or impossible time is a problem of its own. */
function readFeedTime(dt: unknown, field: string, timeZone: string): number {
  if (typeof dt !== 'string' || dt.trim() === '') {
    throw new RecordProblem(field, dt === undefined || dt === null || dt === '' ? null : String(dt), 'missing_time', {
      ru: 'у события нет времени, поэтому обращение нельзя разместить на шкале времени; выгрузите запись заново',
      en: 'an event has no time, so the appeal cannot be placed on its timeline; export the record again',
    });
  }
  const at = parseLocalTimestamp(dt, timeZone);
  if (at !== null) return at;
  if (LOCAL_TIMESTAMP.test(dt.trim())) {
    throw new RecordProblem(field, dt, 'impossible_date', {
      ru: `«${dt}» — такого дня или времени нет; проверьте день, месяц и час`,
      en: `"${dt}" names a day or time that does not exist; check the day, month and hour`,
    });
  }
  throw new RecordProblem(field, dt, 'invalid_time', {
    ru: 'ожидается местное время вида 2020-10-18T14:50:40.817676',
    en: 'expected a local time like 2020-10-18T14:50:40.817676',
  });
}

function readOptionalTime(value: unknown, field: string, timeZone: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const at = typeof value === 'string' ? parseLocalTimestamp(value, timeZone) : null;
  if (at === null) {
    throw new RecordProblem(field, String(value), 'invalid_time', { ru: 'ожидается местное время вида 2021-06-15T23:59:59', en: 'expected a local time like 2021-06-15T23:59:59' });
  }
  return at;
}

/**
 * Returns the recipient agency: the executor once an answer is prepared, the coordinator while
 * the appeal is in progress. Only the organisation's name is read, never an official's.
 */
function readAgency(sidebar: Record<string, unknown>): string | null {
  const data = asObject(asObject(sidebar.responsible)?.data);
  const executor = asObject(data?.executor);
  const coordinator = asObject(data?.coordinator);
  return asText(executor?.organization_name) ?? asText(coordinator?.organization_name);
}

function readCoordinate(value: unknown, minimum: number, maximum: number): number | null {
  let number = NaN;
  if (typeof value === 'string' && value.trim() !== '') number = Number(value.trim());
  if (typeof value === 'number') number = value;
  if (!Number.isFinite(number) || number < minimum || number > maximum) return null;
  return number;
}

function toEvents(entries: readonly TimedEntry[]): EventDraft[] {
  const events: EventDraft[] = [];
  for (const { at, widget, entry } of entries) {
    const kind = eventKind(widget, entry);
    if (!kind) continue;
    const statusOriginal = kind === 'status' ? intern(String(entry.payload?.status_name ?? '')) : null;
    events.push({ at, kind, status: statusOriginal ? SPB_STATUS_MAP[statusOriginal] ?? null : null, status_original: statusOriginal });
  }
  return events;
}

function eventKind(widget: string, entry: FeedEntry): EventKind | null {
  if (widget.startsWith('public.petition')) return 'petition';
  if (widget === 'public.status') return 'status';
  if (widget === 'public.answer') return entry.meta?.icon_title === FINAL_ANSWER_TITLE ? 'answer' : 'interim_answer';
  if (widget === 'public.route') return 'route';
  if (widget === 'public.problem_change') return 'rubric_change';
  return null;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function asText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' ? null : intern(text);
}

/**
 * Most names and statuses repeat from record to record, so one shared string per distinct text
 * keeps a large file's drafts and events smaller. The cache is cleared past INTERNED_MAX texts.
 */
const interned = new Map<string, string>();
const INTERNED_MAX = 100_000;

function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size >= INTERNED_MAX) interned.clear();
  interned.set(text, text);
  return text;
}
