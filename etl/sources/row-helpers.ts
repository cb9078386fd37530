// Helpers shared by the Open311 and table adapters: per-record problems turned into rejects,
// warnings of the same shape, text cleaning and coordinate checks.

import { InputError } from '../lib/errors.ts';
import { FNV_OFFSET, FNV_PRIME, textFingerprint } from '../lib/fingerprint.ts';
import type { Message } from '../lib/log.ts';
import { rejectMessage } from '../reasons.ts';
import type { AppealDraft, ParsedRow, RowReject } from './types.ts';

/** Maximum length of a value copied into a reject or a warning, as the rejects table documents. */
export const MAX_VALUE_LENGTH = 200;

/**
 * A note about a record that was still accepted (a duplicate key, an unknown service code). It has
 * the shape of a reject so that the pipeline can store both in one table.
 */
export type RowWarning = RowReject;

export type WarningHandler = (warning: RowWarning) => void;

/**
 * A problem that rejects one record: the field at fault, its value, a reason code and the fix in
 * both languages. `hint` is the message as rejects.csv shows it, Russian first.
 */
export class RecordProblem extends Error {
  readonly hint: string;

  constructor(
    readonly field: string,
    readonly value: string | null,
    readonly reason: string,
    message: Message,
  ) {
    super(reason);
    this.hint = rejectMessage(message);
  }
}

export function toReject(file: string, row: number, recordId: string | null, problem: RecordProblem): ParsedRow {
  const reject: RowReject = {
    file,
    row,
    record_id: recordId,
    field: problem.field,
    value: problem.value === null ? null : cutValue(problem.value),
    reason: problem.reason,
    message: problem.hint,
  };
  return { kind: 'reject', reject };
}

export function cutValue(text: string): string {
  return text.length <= MAX_VALUE_LENGTH ? text : `${text.slice(0, MAX_VALUE_LENGTH - 1)}…`;
}

/** Collapses runs of whitespace and trims; returns null for anything but non-blank text. */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

/** Geographic box in WGS84 degrees that every point of a source must fall in. */
export interface Bounds {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
  /** Name of the area the bounds cover, for messages; the source's bounds when absent. */
  readonly label?: Message;
}

export interface Point {
  readonly latitude: number | null;
  readonly longitude: number | null;
}

const NO_POINT: Point = { latitude: null, longitude: null };

/**
 * Reads a latitude/longitude pair. A pair with a blank side, or with both sides zero, is a missing
 * location (exports write it as `0`, `0.0` or null) and gives null coordinates. Text that is not a
 * number, a value outside WGS84 ranges or a point outside `bounds` rejects the record.
 * A decimal comma (`55,75`, common in Russian spreadsheets) is read as a decimal point.
 */
export function readPoint(
  latitudeValue: unknown,
  longitudeValue: unknown,
  fields: { readonly latitude: string; readonly longitude: string },
  bounds: Bounds | null,
): Point {
  const latitude = readNumber(latitudeValue, fields.latitude);
  const longitude = readNumber(longitudeValue, fields.longitude);
  if (latitude === null || longitude === null) return NO_POINT;
  if (latitude === 0 && longitude === 0) return NO_POINT;

  if (latitude < -90 || latitude > 90) {
    throw new RecordProblem(fields.latitude, String(latitude), 'invalid_coordinate', {
      ru: `широта ${latitude} вне пределов −90…90; проверьте, не перепутаны ли широта и долгота`,
      en: `latitude ${latitude} is outside −90…90; check that latitude and longitude are not swapped`,
    });
  }
  if (longitude < -180 || longitude > 180) {
    throw new RecordProblem(fields.longitude, String(longitude), 'invalid_coordinate', {
      ru: `долгота ${longitude} вне пределов −180…180; проверьте столбец и десятичный разделитель`,
      en: `longitude ${longitude} is outside −180…180; check the column and its decimal separator`,
    });
  }
  if (bounds && outsideBounds(bounds, latitude, longitude)) {
    throw new RecordProblem(`${fields.latitude},${fields.longitude}`, `${latitude},${longitude}`, 'coordinates_out_of_bounds', boundsHint(bounds));
  }
  return { latitude, longitude };
}

export function outsideBounds(bounds: Bounds, latitude: number, longitude: number): boolean {
  return !(latitude >= bounds.south && latitude <= bounds.north && longitude >= bounds.west && longitude <= bounds.east);
}

/** Tells whether two boxes share any point. */
export function boundsOverlap(first: Bounds, second: Bounds): boolean {
  return first.south <= second.north && second.south <= first.north && first.west <= second.east && second.west <= first.east;
}

/** Writes the message of a point outside `bounds`. */
export function boundsHint(bounds: Bounds): Message {
  const box = {
    ru: `${degrees(bounds.south, 'latitude', 'ru')} … ${degrees(bounds.north, 'latitude', 'ru')}, ${degrees(bounds.west, 'longitude', 'ru')} … ${degrees(bounds.east, 'longitude', 'ru')}`,
    en: `${degrees(bounds.south, 'latitude', 'en')} … ${degrees(bounds.north, 'latitude', 'en')}, ${degrees(bounds.west, 'longitude', 'en')} … ${degrees(bounds.east, 'longitude', 'en')}`,
  };
  return {
    ru: `точка лежит вне ${bounds.label?.ru ?? 'рамки источника'} (${box.ru}); проверьте знаки и порядок широты и долготы`,
    en: `the point lies outside ${bounds.label?.en ?? "the source's bounds"} (${box.en}); check the signs and the order of latitude and longitude`,
  };
}

const HEMISPHERES = {
  latitude: { ru: ['с. ш.', 'ю. ш.'], en: ['N', 'S'] },
  longitude: { ru: ['в. д.', 'з. д.'], en: ['E', 'W'] },
} as const;

/** Writes a coordinate in degrees with its hemisphere, `40,4° с. ш.` or `74.3° W`, in the given language. */
function degrees(value: number, axis: keyof typeof HEMISPHERES, language: 'ru' | 'en'): string {
  const number = Math.abs(value).toLocaleString(language === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 6 });
  return `${number}° ${HEMISPHERES[axis][language][value < 0 ? 1 : 0]}`;
}

function readNumber(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RecordProblem(field, String(value), 'invalid_coordinate', { ru: 'координата не является конечным числом', en: 'the coordinate is not a finite number' });
    return value;
  }
  if (typeof value !== 'string') {
    throw new RecordProblem(field, JSON.stringify(value) ?? String(value), 'invalid_coordinate', { ru: 'ожидается число в десятичных градусах', en: 'expected a number in decimal degrees' });
  }

  const text = value.trim();
  if (text === '') return null;
  const normalized = /^[+-]?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(normalized)) {
    throw new RecordProblem(field, text, 'invalid_coordinate', { ru: 'ожидается число в десятичных градусах, например 55.7558', en: 'expected a number in decimal degrees, like 55.7558' });
  }
  return Number(normalized);
}

/** Wraps a file-system error (not found, no permission) in an InputError that names the file. */
export function fileError(error: unknown, displayName: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EISDIR') return error;
  const reason = code === 'ENOENT' ? { ru: 'файл не найден', en: 'file not found' } : { ru: 'файл не прочитан', en: 'file could not be read' };
  return new InputError({ ru: `${displayName}: ${reason.ru} (${code})`, en: `${displayName}: ${reason.en} (${code})` });
}

/**
 * How far after the run's clock a time may lie before it counts as a mistake: a day, for clocks
 * that differ a little and for a time zone set wrong by up to 24 hours.
 */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * How far before the creation time an answer may lie before it counts as a mistake: a day, so
 * that an answer written as a date without a time, which reads as midnight, is kept when it falls
 * on the day of the creation.
 * NOTE: such an answer gets negative days to answer, of less than one day.
 */
export const ANSWER_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** The times of a record that the timeline check compares. */
export type TimelineTimes = { readonly [field in TimelineField]: number | null };

export type TimelineField = 'created_at' | 'first_answer_at' | 'final_answer_at' | 'closed_at';

/** Times in the order the timeline check tests them for the future; the creation time is tested first, on its own. */
export const TIMELINE_FIELDS: readonly TimelineField[] = ['created_at', 'first_answer_at', 'final_answer_at', 'closed_at'];

export const timelineProblems = {
  answerBeforeCreated: (field: string, value: string | null, final: boolean) =>
    new RecordProblem(field, value, 'answer_before_created', {
      ru: `время ${final ? 'окончательного' : 'первого'} ответа раньше времени создания больше чем на сутки; проверьте обе даты и их формат`,
      en: `the ${final ? 'final' : 'first'} answer is more than a day earlier than the creation time; check both dates and their format`,
    }),
  timeInFuture: (field: string, value: string | null, now: number) => {
    const run = `${new Date(now).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return new RecordProblem(field, value, 'time_in_future', {
      ru: `время позже запуска (${run}) больше чем на сутки; проверьте год и формат даты`,
      en: `the time is more than a day after the run (${run}); check the year and the date format`,
    });
  },
};

/**
 * Returns a problem when the creation time lies more than FUTURE_TOLERANCE_MS after `now`. The
 * adapters test it as soon as they have the creation time, before comparing other times with it,
 * so that a mistyped year is blamed on the creation time and not on a correct answer.
 */
export function createdInFuture(createdAt: number, now: number | undefined, field: string, value: string | null): RecordProblem | null {
  return now !== undefined && createdAt > now + FUTURE_TOLERANCE_MS ? timelineProblems.timeInFuture(field, value, now) : null;
}

/**
 * Returns the first problem of a record's other times, or null: an answer more than
 * ANSWER_TOLERANCE_MS before the creation time (which would give negative days to answer), then
 * an answer or closing time more than FUTURE_TOLERANCE_MS after `now` (which would move the
 * source's as-of time into the future). `field` names a time as the source does, and `value` gives
 * its text for the reject.
 */
export function timelineProblem(times: TimelineTimes, now: number | undefined, field: (name: TimelineField) => string, value: (name: TimelineField) => string | null): RecordProblem | null {
  for (const name of ['first_answer_at', 'final_answer_at'] as const) {
    const at = times[name];
    if (at !== null && at < times.created_at! - ANSWER_TOLERANCE_MS) return timelineProblems.answerBeforeCreated(field(name), value(name), name === 'final_answer_at');
  }
  if (now === undefined) return null;
  for (const name of TIMELINE_FIELDS) {
    const at = times[name];
    if (name !== 'created_at' && at !== null && at > now + FUTURE_TOLERANCE_MS) return timelineProblems.timeInFuture(field(name), value(name), now);
  }
  return null;
}

/**
 * Fingerprints every field of a draft and its events, for a format whose records also hold
 * text that is never read (the portal's petitions and counters). Texts repeat from record to
 * record, so each distinct text gets a number once, and a Map finds it by its native hash. The
 * numbers and times are mixed FNV-1a style, 32 bits at a time. NOTE: two different drafts share a result with
 * a chance of about 1 in 4·10^9, and would then be called copies.
 */
export function draftFingerprint(draft: AppealDraft): number {
  let hash = FNV_OFFSET;
  const mix = (word: number) => {
    hash = Math.imul(hash ^ word, FNV_PRIME);
  };
  const number = (value: number | null) => {
    if (value === null) return mix(0x7fffffff);
    NUMBER_VIEW[0] = value;
    mix(WORD_VIEW[0]);
    mix(WORD_VIEW[1]);
  };
  const text = (value: string | null) => mix(value === null ? 0 : textNumber(value));

  // Ids are unique, so they are hashed rather than numbered.
  mix(textFingerprint(draft.appeal_id));
  for (const time of [draft.created_at, draft.first_answer_at, draft.final_answer_at, draft.closed_at, draft.deadline_at, draft.last_event_at]) number(time);
  for (const value of [draft.status, draft.status_original, draft.category, draft.rubric, draft.object_type, draft.agency, draft.district_code, draft.district_name, draft.municipality_name]) text(value);
  number(draft.repeat_messages);
  number(draft.latitude);
  number(draft.longitude);
  for (const event of draft.events) {
    number(event.at);
    text(event.kind);
    text(event.status);
    text(event.status_original);
  }
  return hash >>> 0;
}

/** A double and its two 32-bit halves, to mix a number into a fingerprint without text. */
const NUMBER_VIEW = new Float64Array(1);
const WORD_VIEW = new Uint32Array(NUMBER_VIEW.buffer);

/**
 * Numbers given to distinct texts of the fields that repeat (statuses, categories, agencies,
 * districts). NOTE: kept for the life of the process, so it grows with each new text.
 */
const TEXT_NUMBERS = new Map<string, number>();

function textNumber(value: string): number {
  let number = TEXT_NUMBERS.get(value);
  if (number === undefined) {
    number = TEXT_NUMBERS.size + 1;
    TEXT_NUMBERS.set(value, number);
  }
  return number;
}
