// Adapter for a scraped running count of an online vote: a comma CSV with the header
// `title,votes,timestamp`, one row per option per scrape. Written for the monitor of the federal
// vote «Формирование комфортной городской среды» (ФКГС) on Госуслуги.
//
// The adapter reads these quirks:
// - quoted line breaks inside records (CRLF between records, bare LF inside cells);
// - titles wrapped in literal quotes, some with a stray quote inside;
// - vote cells with the page text "Всего проголосовало:", a line break and the number;
// - timestamps `dd-mm-yyyy HH:MM:SS` in the scraper's local time, with no zone.
//
// The result per option is its latest observed count. Exact duplicate rows (the scraper appended a
// batch twice) and vote cells with other text are rejected. A count that goes down over time is
// reported as a problem, because a running total never decreases.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Message } from '../lib/log.ts';
import { isValidWallClock, localToInstant } from '../lib/time.ts';
import { rejectMessage } from '../reasons.ts';
import { isBlankRecord, readHeaderedCsv } from './csv.ts';
import { emptyBatch, problem, rejectValue, type AreaKind, type Poll, type PollBatch, type PollOptionResult, type PollReject } from './schema.ts';
import { isoInstant, yearOfDate } from './values.ts';

export const FORMAT = 'running-count-csv';

export const RUNNING_COUNT_COLUMNS = ['title', 'votes', 'timestamp'] as const;

const TIMESTAMP = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
// A bare number, or the vote page's own wording around it.
const VOTES_CELL = /^(?:Всего проголосовало:\s*)?(\d+)$/;

export interface RunningCountOptions {
  /** Poll fields that the file does not carry. Status, unit and participants are set here. */
  readonly poll: Omit<Poll, 'status' | 'unit' | 'participants' | 'snapshot_at' | 'ended_year'>;
  readonly areaKind: AreaKind;
  readonly area: string;
  /** IANA zone of the scraper's clock, e.g. "Asia/Yakutsk". */
  readonly timeZone: string;
  /**
   * Option ids by the start of the option title, quotes ignored. A title that matches none gets
   * "title-N", where N is the order in which the file first names an option.
   */
  readonly optionIds?: ReadonlyArray<{ readonly titleStart: string; readonly id: string }>;
  readonly displayName?: string;
}

/** One scrape of one option. */
export interface Observation {
  line: number;
  optionId: string;
  title: string;
  votes: number;
  /** Epoch milliseconds, UTC. */
  at: number;
}

export interface RunningCountBatch extends PollBatch {
  /** Every accepted observation, oldest first per option: the vote's course over time. */
  observations: Observation[];
  /** Vote cells that held the page text and were reduced to their number. */
  textCountsRead: number;
}

export async function readRunningCountCsv(path: string, options: RunningCountOptions): Promise<RunningCountBatch> {
  const text = await readFile(path, 'utf8');
  return parseRunningCountCsv(text, { ...options, displayName: options.displayName ?? basename(path) });
}

export function parseRunningCountCsv(text: string, options: RunningCountOptions): RunningCountBatch {
  const file = options.displayName ?? FORMAT;
  const pollId = options.poll.poll_id;
  const batch: RunningCountBatch = { ...emptyBatch(), observations: [], textCountsRead: 0 };
  const reject = (row: number, field: string, value: string | null, reason: string, message: Message): void => {
    const entry: PollReject = { file, row, record_id: null, field, value: rejectValue(value), reason, message: rejectMessage(message) };
    batch.rejects.push(entry);
  };

  const table = readHeaderedCsv(text, RUNNING_COUNT_COLUMNS, reject);
  if (!table) return batch;
  const { columns, rows } = table;

  const optionIds = new Map<string, string>();
  const seen = new Map<string, { line: number; votes: number }>();
  for (const { line, fields } of rows) {
    if (isBlankRecord({ line, fields })) continue;
    const get = (name: string) => fields[columns.indexOf(name)] ?? '';
    if (fields.length !== columns.length) {
      reject(line, '(record)', fields.join(','), 'field_count', {
        ru: `полей в строке: ${fields.length}, а в заголовке: ${columns.length}; возьмите в кавычки название, в котором есть запятая`,
        en: `the row has ${fields.length} fields but the header has ${columns.length}; quote a title that contains a comma`,
      });
      continue;
    }

    const title = cleanTitle(get('title'));
    const votesText = get('votes');
    const votesMatch = VOTES_CELL.exec(votesText.trim());
    const timestampText = get('timestamp').trim();
    const at = readTimestamp(timestampText, options.timeZone);
    if (title === '') {
      reject(line, 'title', null, 'missing_value', { ru: 'в каждой строке нужно название варианта', en: 'every row needs the option title' });
      continue;
    }
    if (!votesMatch) {
      reject(line, 'votes', votesText, 'invalid_number', {
        ru: 'ожидается текущее число голосов цифрами, можно после слов «Всего проголосовало:»; исправьте программу сбора, чтобы она сохраняла только число',
        en: 'expected the running count as digits, optionally after "Всего проголосовало:"; fix the scraper to save the number only',
      });
      continue;
    }
    if (at === null) {
      reject(line, 'timestamp', timestampText, 'invalid_time', {
        ru: 'ожидается местное время вида дд-мм-гггг чч:мм:сс, и такие дата и время должны существовать',
        en: 'expected a local time dd-mm-yyyy HH:MM:SS naming a real moment',
      });
      continue;
    }

    const votes = Number(votesMatch[1]);
    const key = `${title}\u0000${at}`;
    const earlier = seen.get(key);
    if (earlier && earlier.votes === votes) {
      reject(line, '(record)', `${title}; ${timestampText}`, 'duplicate_row', {
        ru: `тот же вариант с тем же числом и временем уже есть в строке ${earlier.line}: программа сбора сохранила эту порцию строк дважды`,
        en: `the same option, count and time already appear on line ${earlier.line}; the scraper saved the batch twice`,
      });
      continue;
    }
    if (earlier) {
      reject(line, 'votes', votesText, 'conflicting_row', {
        ru: `строка ${earlier.line} даёт для того же варианта на то же время число ${earlier.votes}; оставьте ту строку, которую показывала страница голосования`,
        en: `line ${earlier.line} gives ${earlier.votes} for the same option at the same time; keep the row the vote page showed`,
      });
      batch.problems.push(
        problem('conflicting_observation', {
          poll_id: pollId,
          file,
          row: line,
          area: options.area,
          numbers: { kept: earlier.votes, rejected: votes },
          message: {
            ru: `${file}: для «${title}» на ${timestampText} две разные цифры (${earlier.votes} и ${votes}); оставлена первая`,
            en: `${file}: "${title}" at ${timestampText} has two counts (${earlier.votes} and ${votes}); the first was kept`,
          },
        }),
      );
      continue;
    }
    seen.set(key, { line, votes });

    if (votesText.trim() !== votesMatch[1]) batch.textCountsRead += 1;
    batch.observations.push({ line, optionId: optionIdFor(title, options, optionIds), title, votes, at });
  }

  batch.observations.sort((a, b) => a.optionId.localeCompare(b.optionId) || a.at - b.at || a.line - b.line);
  reportDecreases(batch, options, file);
  if (batch.observations.length === 0) return batch;

  const latest = new Map<string, Observation>();
  for (const observation of batch.observations) latest.set(observation.optionId, observation);
  const snapshot = Math.max(...[...latest.values()].map((observation) => observation.at));

  batch.polls.push({ ...options.poll, ended_year: yearOfDate(options.poll.ended_on), status: 'interim', unit: 'people', participants: null, snapshot_at: isoInstant(snapshot) });
  batch.results.push(
    ...[...latest.values()]
      .sort((a, b) => b.votes - a.votes)
      .map(
        (observation): PollOptionResult => ({
          poll_id: pollId,
          kind: 'option',
          option_id: observation.optionId,
          option_text: observation.title,
          area_kind: options.areaKind,
          area: options.area,
          votes: observation.votes,
          points: null,
          share_percent: null,
          participants: null,
          note: `running count as of ${isoInstant(observation.at)}`,
          provenance: `${file}:${observation.line}`,
        }),
      ),
  );
  return batch;
}

/** Drops the literal quotes that wrap a title and collapses whitespace; inner quotes stay. */
export function cleanTitle(text: string): string {
  let title = text.replace(/\s+/g, ' ').trim();
  if (title.startsWith('"')) title = title.slice(1);
  if (title.endsWith('"')) title = title.slice(0, -1);
  return title.trim();
}

function readTimestamp(text: string, timeZone: string): number | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [day, month, year, hour, minute, second] = match.slice(1).map(Number);
  const fields = [year, month, day, hour, minute, second];
  return isValidWallClock(fields) ? localToInstant(fields, timeZone) : null;
}

function optionIdFor(title: string, options: RunningCountOptions, assigned: Map<string, string>): string {
  const known = assigned.get(title);
  if (known) return known;
  const plain = (value: string) => value.replace(/["«»]/g, '').replace(/\s+/g, ' ').trim();
  const match = options.optionIds?.find((entry) => plain(title).startsWith(plain(entry.titleStart)));
  const id = match?.id ?? `title-${assigned.size + 1}`;
  assigned.set(title, id);
  return id;
}

/** Adds a problem for every observation whose count is below the option's previous one. */
function reportDecreases(batch: RunningCountBatch, options: RunningCountOptions, file: string): void {
  for (let index = 1; index < batch.observations.length; index += 1) {
    const previous = batch.observations[index - 1];
    const current = batch.observations[index];
    if (previous.optionId !== current.optionId || current.votes >= previous.votes) continue;
    batch.problems.push(
      problem('count_decreased', {
        poll_id: options.poll.poll_id,
        file,
        row: current.line,
        area: options.area,
        option_id: current.optionId,
        numbers: { previous: previous.votes, current: current.votes, previousLine: previous.line },
        message: {
          ru: `${file}: счёт «${current.title}» упал с ${previous.votes} (строка ${previous.line}) до ${current.votes} (строка ${current.line}); нарастающий итог не может уменьшаться`,
          en: `${file}: the count of "${current.title}" fell from ${previous.votes} (line ${previous.line}) to ${current.votes} (line ${current.line}); a running total cannot decrease`,
        },
      }),
    );
  }
}
