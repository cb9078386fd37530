// Adapter for votes per candidate per single-member okrug from Moscow's remote e-voting (ДЭГ):
// a comma CSV with the header `choice,district,name,count`, where `district` is the State Duma
// okrug number (196–210 in Moscow), not an administrative district.
//
// The counts cover only the ballots that were decrypted in the observer node's dump, so the poll
// is `partial`. Each okrug's participants are the sum of its candidates' votes: the file has no
// turnout, and a spoiled ballot counts in no okrug.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Message } from '../lib/log.ts';
import { rejectMessage } from '../reasons.ts';
import { isBlankRecord, readHeaderedCsv } from './csv.ts';
import { emptyBatch, problem, rejectValue, type Poll, type PollBatch, type PollOptionResult, type PollReject } from './schema.ts';
import { optionalText, readCount, yearOfDate } from './values.ts';

export const FORMAT = 'deg-okrug-csv';

export const DEG_COLUMNS = ['choice', 'district', 'name', 'count'] as const;

/** Moscow's single-member State Duma okrugs under the 2015 scheme (used in 2016 and 2021). */
export const MOSCOW_DUMA_OKRUGS: readonly number[] = Array.from({ length: 15 }, (_, index) => 196 + index);

export interface DegCsvOptions {
  /** Poll fields that the file does not carry: id, title, dates, source and licence. */
  readonly poll: Omit<Poll, 'scope' | 'status' | 'unit' | 'choice_type' | 'participants' | 'ended_year'>;
  /** Okrug numbers the file must cover; a row outside them is rejected. */
  readonly okrugs?: readonly number[];
  readonly displayName?: string;
}

interface CandidateRow {
  line: number;
  choice: string;
  okrug: number;
  name: string;
  votes: number;
}

export async function readDegCsv(path: string, options: DegCsvOptions): Promise<PollBatch> {
  const text = await readFile(path, 'utf8');
  return parseDegCsv(text, { ...options, displayName: options.displayName ?? basename(path) });
}

export function parseDegCsv(text: string, options: DegCsvOptions): PollBatch {
  const file = options.displayName ?? FORMAT;
  const okrugs = options.okrugs ?? MOSCOW_DUMA_OKRUGS;
  const pollId = options.poll.poll_id;
  const batch = emptyBatch();
  const reject = (row: number, field: string, value: string | null, reason: string, message: Message): void => {
    const entry: PollReject = { file, row, record_id: null, field, value: rejectValue(value), reason, message: rejectMessage(message) };
    batch.rejects.push(entry);
  };

  const table = readHeaderedCsv(text, DEG_COLUMNS, reject);
  if (!table) return batch;
  const { columns, rows } = table;

  const get = (fields: string[], name: string) => fields[columns.indexOf(name)] ?? '';
  const candidates: CandidateRow[] = [];
  const seen = new Map<string, number>();
  for (const record of rows) {
    if (isBlankRecord(record)) continue;
    const { fields, line } = record;
    if (fields.length !== columns.length) {
      reject(line, '(record)', fields.join(','), 'field_count', {
        ru: `полей в строке: ${fields.length}, а в заголовке: ${columns.length}; возьмите в кавычки имя, в котором есть запятая`,
        en: `the row has ${fields.length} fields but the header has ${columns.length}; quote a name that contains a comma`,
      });
      continue;
    }
    const choice = optionalText(get(fields, 'choice'));
    const okrugText = get(fields, 'district');
    const okrug = readCount(okrugText);
    const name = optionalText(get(fields, 'name'));
    const votesText = get(fields, 'count');
    const votes = readCount(votesText);
    if (!choice) {
      reject(line, 'choice', null, 'missing_value', {
        ru: 'в каждой строке нужен номер варианта, под которым кандидат стоит в бюллетене',
        en: 'every row needs the option id of the candidate in the ballot',
      });
    } else if (okrug === null || !okrugs.includes(okrug)) {
      reject(line, 'district', okrugText, 'invalid_okrug', {
        ru: `ожидается номер округа от ${okrugs[0]} до ${okrugs.at(-1)}`,
        en: `expected an okrug number from ${okrugs[0]} to ${okrugs.at(-1)}`,
      });
    } else if (!name) {
      reject(line, 'name', null, 'missing_value', { ru: 'в каждой строке нужно имя кандидата', en: 'every row needs the candidate name' });
    } else if (votes === null) {
      reject(line, 'count', votesText, 'invalid_number', { ru: 'ожидается число голосов, записанное одними цифрами', en: 'expected the votes as plain digits' });
    } else if (seen.has(`${okrug}\u0000${choice}`)) {
      const earlier = seen.get(`${okrug}\u0000${choice}`);
      reject(line, '(record)', `${okrug},${choice}`, 'duplicate_row', {
        ru: `у округа ${okrug} вариант ${choice} уже есть в строке ${earlier}; оставьте одну строку`,
        en: `okrug ${okrug} already has option ${choice} on line ${earlier}; keep one row`,
      });
    } else {
      seen.set(`${okrug}\u0000${choice}`, line);
      candidates.push({ line, choice, okrug, name, votes });
    }
  }

  const totals = new Map<number, number>();
  for (const candidate of candidates) totals.set(candidate.okrug, (totals.get(candidate.okrug) ?? 0) + candidate.votes);

  for (const okrug of okrugs.filter((number) => !totals.has(number))) {
    batch.problems.push(
      problem('missing_area', {
        poll_id: pollId,
        file,
        area: String(okrug),
        message: {
          ru: `Опрос ${pollId}: в файле нет ни одного кандидата округа ${okrug}`,
          en: `Poll ${pollId}: the file has no candidate of okrug ${okrug}`,
        },
      }),
    );
  }
  if (candidates.length === 0) return batch;

  const grandTotal = [...totals.values()].reduce((sum, value) => sum + value, 0);
  batch.polls.push({
    ...options.poll,
    ended_year: yearOfDate(options.poll.ended_on),
    scope: 'okrug',
    status: 'partial',
    unit: 'people',
    choice_type: 'single',
    participants: grandTotal,
  });
  batch.results.push(
    ...candidates.map(
      (candidate): PollOptionResult => ({
        poll_id: pollId,
        kind: 'option',
        option_id: candidate.choice,
        option_text: candidate.name,
        area_kind: 'okrug',
        area: String(candidate.okrug),
        votes: candidate.votes,
        points: null,
        share_percent: null,
        participants: totals.get(candidate.okrug)!,
        note: null,
        provenance: `${file}:${candidate.line}`,
      }),
    ),
  );
  return batch;
}

/** Sums the votes per okrug, in okrug order. */
export function totalsPerOkrug(results: readonly PollOptionResult[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const result of [...results].sort((a, b) => Number(a.area) - Number(b.area))) {
    totals.set(result.area, (totals.get(result.area) ?? 0) + (result.votes ?? 0));
  }
  return totals;
}
