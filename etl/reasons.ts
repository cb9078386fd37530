// Reason codes of rejected rows and record warnings (explained in reason-text.ts), and the
// messages of rejects: each reader writes a message in Russian and in English, with the same
// values, and rejects.csv shows both halves, Russian first.

import { en, ru, type Logger, type Message } from './lib/log.ts';
import type { SourceResult } from './pipeline.ts';

export { REASON_TEXT } from './reason-text.ts';

/**
 * Reason of a record whose id an earlier record of the same source had. Such a record is counted
 * as a duplicate, not as a reject, though rejects.csv lists it with this reason.
 */
export const DUPLICATE_REASON = 'duplicate_id';

/**
 * Basis of a reader's comparison of a duplicate with the first record with its id: the values of
 * the fields it reads (JSON formats), or the cells of the mapped columns as written (tables).
 */
export type DuplicateBasis = 'values' | 'text';

/**
 * Outcome of that comparison, with the first column that differs when a table reader knows it;
 * null when the reader did not compare.
 */
export type DuplicateContent = { readonly content: 'same' | 'other'; readonly basis: DuplicateBasis; readonly column?: string } | null;

/** Words that tell how the duplicate compares with the first record. */
function comparedPhrase(compared: NonNullable<DuplicateContent>): Message {
  if (compared.basis === 'values') {
    return compared.content === 'same'
      ? { ru: ', и значения всех прочитанных полей те же', en: ', with the same values in every field read' }
      : { ru: ', но значение хотя бы одного прочитанного поля другое', en: ', with another value in at least one field read' };
  }
  if (compared.content === 'same') return { ru: ', и значения всех сопоставленных столбцов те же', en: ', with the same values in every mapped column' };
  if (compared.column !== undefined) return { ru: `, но значение в столбце «${compared.column}» другое`, en: `, with another value in the column "${compared.column}"` };
  return { ru: ', но значение хотя бы одного сопоставленного столбца другое', en: ', with another value in at least one mapped column' };
}

/** Words of the message after the comparison, which earlierRecord and hasOtherContent look for. */
const KEPT = { ru: '; оставлена только та первая запись, а эта посчитана как повтор', en: '; only that first record is kept, and this one is counted as a duplicate' };

/** Advice for a duplicate that differs, by whether the first record is in an earlier file. */
const ADVICE = {
  withinFile: {
    ru: '; если в выгрузке бывает несколько версий одного обращения, выгрузите только последнюю',
    en: '; if the export holds several versions of an appeal, export only the latest',
  },
  acrossFiles: {
    ru: '; запись из файла, который стоит раньше в sources[].files, остаётся, так что поставьте самую свежую выгрузку первой или уберите пересечение файлов',
    en: '; the record of the file listed earlier in sources[].files is kept, so list the newest export first or remove the overlap of the files',
  },
};

/**
 * Names where the first record with the same id, the one kept, is, and whether this record
 * repeats it exactly: the message of a duplicate. `acrossFiles` is true when the first record is
 * in an earlier file of the source, which changes the advice for a record that differs.
 */
export function duplicateMessage(file: string, row: number | string, compared: DuplicateContent = null, acrossFiles = false): Message {
  const phrase = compared ? comparedPhrase(compared) : { ru: '', en: '' };
  let advice = { ru: '', en: '' };
  if (compared?.content === 'other') advice = acrossFiles ? ADVICE.acrossFiles : ADVICE.withinFile;
  return {
    ru: `номер уже встречался: ${file}, строка ${row}${phrase.ru}${KEPT.ru}${advice.ru}`,
    en: `the id already appeared in ${file}, row ${row}${phrase.en}${KEPT.en}${advice.en}`,
  };
}

/** Reads the file and row of the first record back from a duplicateMessage. */
export function earlierRecord(message: string): { file: string; row: string } | null {
  const match = /the id already appeared in (.+), row (\d+)(?:, with [^;]*)?; only that first record is kept/.exec(message);
  return match ? { file: match[1], row: match[2] } : null;
}

/** Texts that only the message of a duplicate that differs from the first record has. */
export const OTHER_CONTENT_MARKS: readonly string[] = Object.values(ADVICE).map((advice) => `${KEPT.en}${advice.en}`);

/** True for the message of a duplicate that differs from the first record with its id. */
export function hasOtherContent(message: string): boolean {
  return OTHER_CONTENT_MARKS.some((mark) => message.includes(mark));
}

/** Separates the Russian and the English half of a reject's message. */
export const MESSAGE_SEPARATOR = ' · ';

/** Joins the two halves of a reject's message as rejects.csv shows them: Russian, then English. */
export function rejectMessage(message: Message): string {
  return `${message.ru}${MESSAGE_SEPARATOR}${message.en}`;
}

/**
 * Splits a joined message back into its halves, for log lines that print each language apart. A
 * message with one half only is used for both.
 * NOTE: the split is at the first separator. A quoted value that itself contains " · " therefore cuts
 * the Russian half short in a log line, though rejects.csv keeps the whole message.
 */
export function splitRejectMessage(text: string): Message {
  const at = text.indexOf(MESSAGE_SEPARATOR);
  return at < 0 ? { ru: text, en: text } : { ru: text.slice(0, at), en: text.slice(at + MESSAGE_SEPARATOR.length) };
}

/**
 * Logs how many duplicates a source had, how many of them differ from the record kept, and names
 * the first.
 */
export function logDuplicates(logger: Logger, sourceId: string, count: number, otherContent: number, first: { file: string; row: number; record_id: string | null; message: string }): void {
  const earlier = earlierRecord(first.message);
  const other = otherContent > 0
    ? {
        ru: ` (из них отличаются от оставленной записи: ${ru(otherContent)}; что делать, если это более поздние версии обращений, говорит сообщение каждого повтора в rejects.csv)`,
        en: ` (${en(otherContent)} of them ${otherContent === 1 ? 'differs' : 'differ'} from the record kept; if they are later versions of the appeals, the message of each duplicate in rejects.csv says what to do)`,
      }
    : { ru: '', en: '' };
  logger.warn('read', {
    ru: `${sourceId}: повторов ${ru(count)}${other.ru} — записи с номером, который уже встречался, не публикуются (снимок перечисляет их в rejects.csv); первый повтор: ${first.file}, строка ${first.row}, номер ${first.record_id}${earlier ? ` (первая запись с этим номером: ${earlier.file}, строка ${earlier.row})` : ''}`,
    en: `${sourceId}: duplicates: ${en(count)}${other.en}; records whose id already appeared are not published (a snapshot lists them in rejects.csv); the first: ${first.file}, row ${first.row}, id ${first.record_id}${earlier ? ` (the first record with this id: ${earlier.file}, row ${earlier.row})` : ''}`,
  });
}

/** Logs how many accepted records had a warning of one reason, and names the first. */
export function logWarning(logger: Logger, sourceId: string, count: number, first: RowWarningLine): void {
  const message = splitRejectMessage(first.message);
  logger.warn('validate', {
    ru: `${sourceId}: ${first.reason} — записей: ${ru(count)}; первая: ${first.file}, строка ${first.row}, поле «${first.field}» = ${first.value ?? '—'} — ${message.ru}`,
    en: `${sourceId}: ${first.reason} in ${en(count)} ${count === 1 ? 'record' : 'records'}; the first: ${first.file}, row ${first.row}, field "${first.field}" = ${first.value ?? '—'} — ${message.en}`,
  });
}

/** The fields of a record warning that its log line names. */
export interface RowWarningLine {
  readonly reason: string;
  readonly file: string;
  readonly row: number;
  readonly field: string;
  readonly value: string | null;
  readonly message: string;
}

/** The first reject of one reason, with how many the source had. */
export interface ReasonExample {
  readonly reason: string;
  readonly count: number;
  readonly file: string;
  readonly row: number;
  readonly field: string;
  readonly message: string;
}

/**
 * Picks the first reject of each reason other than duplicates, in the order the rejects are
 * listed, with the count of its reason.
 */
export function reasonExamples(rejects: readonly { reason: string; file: string; row: number; field: string; message: string }[]): ReasonExample[] {
  const counts = new Map<string, number>();
  for (const reject of rejects) counts.set(reject.reason, (counts.get(reject.reason) ?? 0) + 1);
  const examples = new Map<string, ReasonExample>();
  for (const reject of rejects) {
    if (reject.reason === DUPLICATE_REASON || examples.has(reject.reason)) continue;
    examples.set(reject.reason, { reason: reject.reason, count: counts.get(reject.reason)!, file: reject.file, row: reject.row, field: reject.field, message: reject.message });
  }
  return [...examples.values()];
}

/** Logs one line per reason of rejects: its count and its first row, field and message. */
export function logRejectReasons(logger: Logger, sourceId: string, examples: readonly ReasonExample[]): void {
  for (const example of examples) {
    const message = splitRejectMessage(example.message);
    logger.warn('validate', {
      ru: `${sourceId}: отклонено по причине ${example.reason}: ${ru(example.count)}; первая: ${example.file}, строка ${example.row}, поле ${example.field} — ${message.ru}`,
      en: `${sourceId}: rejected for ${example.reason}: ${en(example.count)}; the first: ${example.file}, row ${example.row}, field ${example.field} — ${message.en}`,
    });
  }
}

/**
 * Logs the counts of a source after its records are checked and placed: accepted, rejected on
 * reading and in the district step, duplicates, the rule that placed each district, and points
 * outside the district they were placed in.
 */
export function logValidation(logger: Logger, result: SourceResult, rejectedOnReading: number): void {
  const { counts, districtRules: rules, pointsOutsideDistrict: outside } = result;
  const id = result.source.id;
  const placementRejected = counts.rejected - rejectedOnReading;
  const hint = outside > 0 ? { ru: ' (они приняты с пометкой; sources[].districtPolicy.pointMismatch = "reject" отклоняет такие записи)', en: ' (kept with a flag; sources[].districtPolicy.pointMismatch set to "reject" rejects them)' } : { ru: '', en: '' };
  logger.info('validate', {
    ru: `${id}: принято ${ru(counts.accepted)}, отклонено ${ru(counts.rejected)} (при чтении ${ru(rejectedOnReading)}, на шаге районов ${ru(placementRejected)}), повторов ${ru(counts.duplicates)}; район по коду ${ru(rules.code)}, по названию ${ru(rules.name)}, по точке ${ru(rules.point)}; точек вне своего района ${ru(outside)}${hint.ru}`,
    en: `${id}: accepted ${en(counts.accepted)}, rejected ${en(counts.rejected)} (${en(rejectedOnReading)} on reading, ${en(placementRejected)} in the district step), duplicates ${en(counts.duplicates)}; district by code ${en(rules.code)}, by name ${en(rules.name)}, by point ${en(rules.point)}; points outside their district ${en(outside)}${hint.en}`,
  }, { ...counts, ...rules, pointsOutsideDistrict: outside });
}
