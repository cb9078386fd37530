/**
 * Adapter for poll results typed in from published reports, and the import format for
 * administrators' own poll exports. One row per poll × option (× district).
 *
 * File: UTF-8 (a BOM is skipped), comma-separated, `"`-quoted where needed (RFC 4180), a header row
 * first. Column order is free. Unknown columns are ignored and reported.
 *
 * Required columns (the header must name them; a cell may be empty where noted):
 * - `poll_id`: own slug, unique per poll. Give each dated snapshot of one vote its own id.
 * - `poll_title`: the question. Must be the same on every row of a poll.
 * - `option_text`: the option's wording. Empty only in a participation row (see `row_kind`).
 * - `share_percent`: the share as printed, "55" or "62.87" ("62,87" is read too). May be empty.
 * - `votes`: the votes as printed, plain digits with no spaces. May be empty, but every row needs
 *   a share or votes.
 *
 * Optional columns:
 * - `topic`: own label. `source_url`: one or more URLs separated by " ; ".
 * - `started_on`, `ended_on`, `reported_on`: ISO dates "YYYY-MM-DD". `reported_on` is the as-of
 *   date of the figures; `ended_on` is the last day of voting.
 * - `ended_year`: the year voting ended, four digits, for a source that names the year but not the
 *   day ("в прошлом году"). With `ended_on` it must be that date's year.
 * - `participants_total`: the exact number of participants, digits only. Rounded wording goes to
 *   `participants_as_given` ("около 300 тыс."), which is kept verbatim.
 * - `district`: empty for a city-wide row, otherwise the district name as in the region's
 *   crosswalk. `district_participants`: exact participants in that district, digits only.
 * - `note`: qualifiers in free text. They are kept, and they drive the inferences below.
 * - `status` (final, interim, partial), `choice_type` (single, multiple, cumulative, unknown),
 *   `unit` (people, houses), `row_kind` (option, participation): when given, they override the
 *   inference from the note.
 *
 * Without the last four columns the adapter infers them conservatively from the title and notes:
 * a poll is `final` only when the figures are shown to be final, `multiple` or `houses` only when
 * a note states it. A row is a participation count when the note mentions participation or its
 * option text is a bracketed placeholder.
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Message } from '../lib/log.ts';
import { rejectMessage } from '../reasons.ts';
import { isBlankRecord, parseCsvWithLines, type CsvRecord } from './csv.ts';
import {
  CHOICE_TYPES,
  POLL_STATUSES,
  POLL_UNITS,
  RESULT_KINDS,
  emptyBatch,
  problem,
  rejectValue,
  type ChoiceType,
  type Poll,
  type PollBatch,
  type PollOptionResult,
  type PollReject,
  type PollStatus,
  type PollUnit,
  type ResultKind,
} from './schema.ts';
import { optionalText, readCount, readDecimal, readIsoDate, yearOfDate } from './values.ts';

export const FORMAT = 'transcribed-polls-csv';

export const REQUIRED_COLUMNS = ['poll_id', 'poll_title', 'option_text', 'share_percent', 'votes'] as const;

export const OPTIONAL_COLUMNS = [
  'topic',
  'started_on',
  'ended_on',
  'ended_year',
  'participants_total',
  'district',
  'district_participants',
  'source_url',
  'reported_on',
  'participants_as_given',
  'note',
  'status',
  'choice_type',
  'unit',
  'row_kind',
] as const;

export interface TranscribedCsvOptions {
  /** Region id written into every poll, e.g. "moscow". */
  readonly region: string;
  /** Dataset id written into every poll. */
  readonly source: string;
  readonly licence: string | null;
  /** Area name of city-wide rows, e.g. "Москва". */
  readonly cityName: string;
  /** File name shown in rejects and provenance; the file's base name by default. */
  readonly displayName?: string;
  /** Facts that the rows leave out, by poll id. A value in the file wins over them. */
  readonly pollFacts?: Readonly<Record<string, { readonly endedYear?: number }>>;
}

// Markers of figures taken while the vote was open. Checked before the final markers, because an
// interim note can contain "not the final result".
const INTERIM_MARKERS = /\binterim\b|\bintermediate\b|\bsnapshot\b|not (?:the )?final|промежуточн|не ?окончательн|по состоянию на|данные на \d|итоги [а-яё]+ недели/i;
// Markers of results announced after the vote closed.
const FINAL_MARKERS = /results announced|итоги объявлен|итоги подведен|окончательн/i;
const MULTIPLE_MARKERS = /multiple choice|multiple answers|several options|up to (?:two|three|four|five|\d+)|one to (?:two|three|four|five|\d+)|несколько вариантов|до (?:двух|тр[её]х|четыр[её]х|пяти|\d+) вариант/i;
const CUMULATIVE_MARKERS = /\bcumulative\b|распределени[ея] баллов/i;
const HOUSES_MARKERS = /unit is houses|единица[^.;]*дом/i;
const PARTICIPATION_MARKERS = /participation per|not per option|участие по район/i;

interface RowDraft {
  line: number;
  pollId: string;
  title: string;
  topic: string | null;
  startedOn: string | null;
  endedOn: string | null;
  endedYear: number | null;
  reportedOn: string | null;
  participantsTotal: number | null;
  participantsAsGiven: string | null;
  sourceUrl: string | null;
  note: string | null;
  status: PollStatus | null;
  choiceType: ChoiceType | null;
  unit: PollUnit | null;
  kind: ResultKind;
  optionText: string | null;
  share: number | null;
  votes: number | null;
  district: string | null;
  districtParticipants: number | null;
}

/** A row that cannot be read, thrown by the row readers and turned into a reject. */
class RowProblem extends Error {
  constructor(readonly field: string, readonly value: string | null, readonly reason: string, readonly hint: Message) {
    super(hint.en);
  }
}

export async function readTranscribedCsv(path: string, options: TranscribedCsvOptions): Promise<PollBatch> {
  const text = await readFile(path, 'utf8');
  return parseTranscribedCsv(text, { ...options, displayName: options.displayName ?? basename(path) });
}

/** Parses the text of a transcribed poll file into polls, results, rejects and problems. */
export function parseTranscribedCsv(text: string, options: TranscribedCsvOptions): PollBatch {
  const file = options.displayName ?? FORMAT;
  const batch = emptyBatch();
  const { records, unterminatedQuoteLine } = parseCsvWithLines(text);
  if (unterminatedQuoteLine !== null) {
    batch.rejects.push(
      fileReject(file, unterminatedQuoteLine, '(record)', null, 'unterminated_quote', {
        ru: 'в этой строке открывается кавычка, которая не закрыта до конца файла, поэтому остаток файла не прочитан; закройте кавычку или удвойте кавычки внутри поля',
        en: 'a quoted field opens on this line and never closes, so the rest of the file was not read; close the quote or double the quotes inside the field',
      }),
    );
  }

  const [header, ...rows] = records;
  if (!header) {
    batch.rejects.push(
      fileReject(file, 1, '(header)', null, 'missing_header', {
        ru: `файл пуст; первая строка должна называть столбцы ${REQUIRED_COLUMNS.join(', ')}`,
        en: `the file is empty; the first line must name the columns ${REQUIRED_COLUMNS.join(', ')}`,
      }),
    );
    return batch;
  }

  const columns = header.fields.map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  for (const name of missing) {
    batch.rejects.push(
      fileReject(file, header.line, name, null, 'missing_column', {
        ru: `в заголовке нет столбца «${name}»; добавьте его (ячейки могут оставаться пустыми там, где это допускает формат)`,
        en: `the header has no column "${name}"; add it (cells may be empty where the format allows)`,
      }),
    );
  }
  if (missing.length > 0) return batch;

  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  for (const name of columns.filter((column) => !known.has(column))) {
    batch.problems.push(
      problem('unknown_column', {
        file,
        row: header.line,
        message: {
          ru: `Столбец «${name}» не входит в формат и пропущен; проверьте написание`,
          en: `Column "${name}" is not part of the format and was ignored; check its spelling`,
        },
      }),
    );
  }

  const drafts: RowDraft[] = [];
  for (const record of rows) {
    if (isBlankRecord(record)) continue;
    try {
      drafts.push(readRow(record, columns));
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      batch.rejects.push(fileReject(file, record.line, error.field, error.value, error.reason, error.hint, optionalText(cell(record, columns, 'poll_id'))));
    }
  }

  const groups = new Map<string, RowDraft[]>();
  for (const draft of drafts) {
    const group = groups.get(draft.pollId) ?? [];
    group.push(draft);
    groups.set(draft.pollId, group);
  }
  for (const group of groups.values()) buildPoll(group, options, file, batch);
  return batch;
}

function cell(record: CsvRecord, columns: readonly string[], name: string): string {
  const index = columns.indexOf(name);
  return index === -1 ? '' : record.fields[index] ?? '';
}

function readRow(record: CsvRecord, columns: readonly string[]): RowDraft {
  if (record.fields.length !== columns.length) {
    throw new RowProblem('(record)', record.fields.join(','), 'field_count', {
      ru: `полей в строке: ${record.fields.length}, а в заголовке: ${columns.length}; возьмите в кавычки каждое поле, в котором есть запятая`,
      en: `the row has ${record.fields.length} fields but the header has ${columns.length}; quote any field that contains a comma`,
    });
  }
  const get = (name: string) => cell(record, columns, name);

  const pollId = optionalText(get('poll_id'));
  if (!pollId) {
    throw new RowProblem('poll_id', null, 'missing_value', {
      ru: 'в каждой строке нужен poll_id; дайте всем строкам одного опроса один и тот же poll_id',
      en: 'every row needs a poll_id; give the rows of one poll the same id',
    });
  }
  const title = optionalText(get('poll_title'));
  if (!title) throw new RowProblem('poll_title', null, 'missing_value', { ru: 'в каждой строке нужно название опроса', en: 'every row needs the poll title' });

  const note = optionalText(get('note'));
  const optionTextAsGiven = optionalText(get('option_text'));
  const kind = readEnum(get('row_kind'), 'row_kind', RESULT_KINDS) ?? inferRowKind(optionTextAsGiven, note);

  const shareText = get('share_percent').trim();
  const share = shareText === '' ? null : readDecimal(shareText);
  if (shareText !== '' && share === null) {
    throw new RowProblem('share_percent', shareText, 'invalid_number', {
      ru: 'ожидается доля в процентах, например 55 или 62.87, без знака %',
      en: 'expected a percentage like 55 or 62.87, without the % sign',
    });
  }
  if (share !== null && share > 100) {
    throw new RowProblem('share_percent', shareText, 'out_of_range', {
      ru: 'у одного варианта не может быть больше 100%; проверьте число в источнике',
      en: 'a single option cannot have more than 100%; check the figure in the source',
    });
  }
  const votes = readOptionalCount(get('votes'), 'votes');

  if (kind === 'participation') {
    if (share !== null) {
      throw new RowProblem('share_percent', shareText, 'invalid_value', {
        ru: 'строка участия считает участников, а не вариант, поэтому доли у неё нет; перенесите долю в строку варианта или укажите в row_kind значение option',
        en: 'a participation row counts participants, not an option, so it has no share; move the share to an option row or set row_kind to option',
      });
    }
    if (votes === null) {
      throw new RowProblem('votes', null, 'missing_value', {
        ru: 'в строке участия нужно число участников в столбце votes',
        en: 'a participation row needs the number of participants in the votes column',
      });
    }
    if (!optionalText(get('district'))) {
      throw new RowProblem('district', null, 'missing_value', {
        ru: 'в строке участия нужен район, участников которого она считает; число участников по всему городу укажите в participants_total',
        en: 'a participation row needs the district it counts; put the city-wide count in participants_total',
      });
    }
  } else {
    if (!optionTextAsGiven) {
      throw new RowProblem('option_text', null, 'missing_value', { ru: 'в каждой строке варианта нужен текст варианта', en: 'every option row needs the option text' });
    }
    if (share === null && votes === null) {
      throw new RowProblem('share_percent', null, 'missing_value', {
        ru: 'в строке нет ни доли, ни голосов; не вносите варианты, для которых источник не даёт цифр, и упомяните их в note',
        en: 'the row has neither a share nor votes; leave out options the source gives no figure for and mention them in the note',
      });
    }
  }

  const endedOn = readOptionalDate(get('ended_on'), 'ended_on');
  const endedYear = readOptionalYear(get('ended_year'), endedOn);

  return {
    line: record.line,
    pollId,
    title,
    topic: optionalText(get('topic')),
    startedOn: readOptionalDate(get('started_on'), 'started_on'),
    endedOn,
    endedYear,
    reportedOn: readOptionalDate(get('reported_on'), 'reported_on'),
    participantsTotal: readOptionalCount(get('participants_total'), 'participants_total'),
    participantsAsGiven: optionalText(get('participants_as_given')),
    sourceUrl: optionalText(get('source_url')),
    note,
    status: readEnum(get('status'), 'status', POLL_STATUSES),
    choiceType: readEnum(get('choice_type'), 'choice_type', CHOICE_TYPES),
    unit: readEnum(get('unit'), 'unit', POLL_UNITS),
    kind,
    optionText: optionTextAsGiven,
    share,
    votes,
    district: optionalText(get('district')),
    districtParticipants: readOptionalCount(get('district_participants'), 'district_participants'),
  };
}

function readOptionalDate(text: string, field: string): string | null {
  if (text.trim() === '') return null;
  const value = readIsoDate(text);
  if (value === null) {
    throw new RowProblem(field, text, 'invalid_date', {
      ru: 'ожидается дата вида ГГГГ-ММ-ДД, например 2021-02-26, и такой день должен быть в календаре',
      en: 'expected an ISO date like 2021-02-26 naming a real day',
    });
  }
  return value;
}

const YEAR = /^\d{4}$/;

/** Reads `ended_year`; without it, the year of `ended_on`. */
function readOptionalYear(text: string, endedOn: string | null): number | null {
  const value = text.trim();
  if (value === '') return yearOfDate(endedOn);
  if (!YEAR.test(value)) {
    throw new RowProblem('ended_year', value, 'invalid_value', { ru: 'ожидается год из четырёх цифр, например 2015', en: 'expected a year in four digits, like 2015' });
  }
  if (endedOn !== null && Number(value) !== yearOfDate(endedOn)) {
    throw new RowProblem('ended_year', value, 'invalid_value', {
      ru: `дата ended_on ${endedOn} приходится на другой год; исправьте одно из двух полей или оставьте ended_year пустым`,
      en: `ended_on ${endedOn} is in another year; correct one of the two or leave ended_year empty`,
    });
  }
  return Number(value);
}

function readOptionalCount(text: string, field: string): number | null {
  if (text.trim() === '') return null;
  const value = readCount(text);
  if (value === null) {
    throw new RowProblem(field, text, 'invalid_number', {
      ru: 'ожидается целое число, записанное одними цифрами (121501); округлённую запись вроде «около 300 тыс.» перенесите в participants_as_given или в note',
      en: 'expected a whole number in plain digits (121501); put rounded wording such as «около 300 тыс.» in participants_as_given or the note',
    });
  }
  return value;
}

function readEnum<T extends string>(text: string, field: string, allowed: readonly T[]): T | null {
  const value = text.trim();
  if (value === '') return null;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RowProblem(field, value, 'invalid_value', {
      ru: `ожидается одно из значений ${allowed.join(', ')} или пустая ячейка, тогда значение будет определено автоматически`,
      en: `expected one of ${allowed.join(', ')}, or an empty cell to let the adapter infer it`,
    });
  }
  return value as T;
}

/** Marks a row as a participation count when its note mentions it or its option text is a "[…]" placeholder. */
function inferRowKind(optionText: string | null, note: string | null): ResultKind {
  if (note && PARTICIPATION_MARKERS.test(note)) return 'participation';
  if (optionText && optionText.startsWith('[') && optionText.endsWith(']')) return 'participation';
  return 'option';
}

/**
 * Infers the status from the title, the notes and the end date or year. Interim markers win. A poll
 * is final only with an end date or year or a note that the results were announced. Without
 * either, the figures are not known to be final, so the poll is interim.
 */
export function inferStatus(title: string, notes: readonly string[], ended: string | number | null): PollStatus {
  const text = [title, ...notes].join(' \n ');
  if (INTERIM_MARKERS.test(text)) return 'interim';
  if (ended !== null || FINAL_MARKERS.test(text)) return 'final';
  return 'interim';
}

/**
 * Infers the choice type from the title and notes only. A poll whose shares add up to more than
 * 100% stays single here, so that the validator flags it instead of the adapter hiding it.
 */
export function inferChoiceType(title: string, notes: readonly string[]): ChoiceType {
  const text = [title, ...notes].join(' \n ');
  if (CUMULATIVE_MARKERS.test(text)) return 'cumulative';
  if (MULTIPLE_MARKERS.test(text)) return 'multiple';
  return 'single';
}

export function inferUnit(notes: readonly string[]): PollUnit {
  return notes.some((note) => HOUSES_MARKERS.test(note)) ? 'houses' : 'people';
}

// Poll-level fields that every row of one poll must repeat.
const POLL_FIELDS = ['title', 'topic', 'startedOn', 'endedOn', 'endedYear', 'reportedOn', 'participantsTotal', 'participantsAsGiven', 'sourceUrl', 'status', 'choiceType', 'unit'] as const;

function buildPoll(rows: RowDraft[], options: TranscribedCsvOptions, file: string, batch: PollBatch): void {
  const first = rows[0];
  const endedYear = first.endedYear ?? options.pollFacts?.[first.pollId]?.endedYear ?? null;
  for (const field of POLL_FIELDS) {
    const other = rows.find((row) => row[field] !== first[field]);
    if (!other) continue;
    batch.problems.push(
      problem('inconsistent_poll_field', {
        poll_id: first.pollId,
        file,
        row: other.line,
        message: {
          ru: `Опрос ${first.pollId}: поле ${field} в строке ${other.line} («${other[field] ?? ''}») отличается от строки ${first.line} («${first[field] ?? ''}»); взято значение из строки ${first.line}`,
          en: `Poll ${first.pollId}: field ${field} on line ${other.line} ("${other[field] ?? ''}") differs from line ${first.line} ("${first[field] ?? ''}"); the value of line ${first.line} was used`,
        },
      }),
    );
  }

  const notes = [...new Set(rows.map((row) => row.note).filter((note): note is string => note !== null))];
  const districts = new Set(rows.map((row) => row.district));
  const districtScope = districts.size === 1 && first.district !== null ? first.district : null;

  const poll: Poll = {
    poll_id: first.pollId,
    title: first.title,
    topic: first.topic,
    region: options.region,
    scope: districtScope ? 'district' : 'city',
    started_on: first.startedOn,
    ended_on: first.endedOn,
    ended_year: endedYear,
    status: first.status ?? inferStatus(first.title, notes, first.endedOn ?? endedYear),
    snapshot_at: first.reportedOn,
    unit: first.unit ?? inferUnit(notes),
    choice_type: first.choiceType ?? inferChoiceType(first.title, notes),
    participants: first.participantsTotal,
    participants_as_given: first.participantsAsGiven,
    source: options.source,
    source_url: first.sourceUrl,
    licence: options.licence,
    note: notes.length > 0 ? notes.join(' | ') : null,
  };

  if (poll.started_on && poll.ended_on && poll.started_on > poll.ended_on) {
    batch.problems.push(
      problem('dates_reversed', {
        poll_id: poll.poll_id,
        file,
        row: first.line,
        message: {
          ru: `Опрос ${poll.poll_id}: начало ${poll.started_on} позже окончания ${poll.ended_on}; проверьте даты`,
          en: `Poll ${poll.poll_id}: start ${poll.started_on} is after end ${poll.ended_on}; check the dates`,
        },
      }),
    );
  }

  const optionIds = new Map<string, string>();
  const seen = new Map<string, number>();
  const results: PollOptionResult[] = [];
  for (const row of rows) {
    const key = [row.kind, row.optionText ?? '', row.district ?? ''].join('\u0000');
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const message = {
        ru: `такие же опрос, вариант и район уже есть в строке ${earlier}; оставьте одну из двух строк`,
        en: `the same poll, option and district already appear on line ${earlier}; keep one of the two rows`,
      };
      batch.rejects.push(fileReject(file, row.line, '(record)', row.optionText, 'duplicate_row', message, row.pollId));
      continue;
    }
    seen.set(key, row.line);
    results.push(toResult(row, poll, districtScope, options, file, optionIds, notes.length > 1));
  }

  if (results.length === 0) return;
  batch.polls.push(poll);
  batch.results.push(...results);
}

function toResult(row: RowDraft, poll: Poll, districtScope: string | null, options: TranscribedCsvOptions, file: string, optionIds: Map<string, string>, notesVary: boolean): PollOptionResult {
  const area = row.district ?? options.cityName;
  const provenance = `${file}:${row.line}`;

  if (row.kind === 'participation') {
    const sourceWording = [row.optionText, row.note].filter(Boolean).join('; ');
    return {
      poll_id: poll.poll_id,
      kind: 'participation',
      option_id: null,
      option_text: null,
      area_kind: 'district',
      area,
      votes: null,
      points: null,
      share_percent: null,
      participants: row.votes,
      note: sourceWording === '' ? null : sourceWording,
      provenance,
    };
  }

  let optionId = optionIds.get(row.optionText!);
  if (!optionId) {
    optionId = String(optionIds.size + 1);
    optionIds.set(row.optionText!, optionId);
  }

  // The poll's participant count belongs to the area the poll was put to: the city for a city-wide
  // poll, the district for a district poll. A district row of a city-wide poll needs its own count.
  const isPollArea = row.district === null || row.district === districtScope;
  const participants = row.districtParticipants ?? (isPollArea ? poll.participants : null);

  return {
    poll_id: poll.poll_id,
    kind: 'option',
    option_id: optionId,
    option_text: row.optionText,
    area_kind: row.district ? 'district' : 'city',
    area,
    votes: row.votes,
    points: null,
    share_percent: row.share,
    participants,
    note: notesVary ? row.note : null,
    provenance,
  };
}

function fileReject(file: string, row: number, field: string, value: string | null, reason: string, message: Message, recordId: string | null = null): PollReject {
  return { file, row, record_id: recordId, field, value: rejectValue(value), reason, message: rejectMessage(message) };
}
