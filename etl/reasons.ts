// Reason codes of rejected rows and record warnings, with an explanation of each code, and
// the messages of rejects: each reader writes a message in Russian and in English, with the same
// values, and rejects.csv shows both halves, Russian first.

import { en, ru, type Logger, type Message } from './lib/log.ts';
import type { SourceResult } from './pipeline.ts';

/** Explanations of the reason codes, for summaries that list reasons with their counts. */
export const REASON_TEXT: Readonly<Record<string, Message>> = {
  invalid_json: { ru: 'строка не является записью JSON: файл обрезан, повреждён или это другой формат', en: 'the line is not a JSON record: the file is cut off, damaged or in another format' },
  invalid_record: { ru: 'запись не того вида, который ожидает формат', en: 'the record is not of the shape the format expects' },
  malformed_csv: { ru: 'строка CSV разобрана с ошибкой: лишняя или незакрытая кавычка', en: 'the CSV row could not be parsed: a stray or unclosed quote' },
  wrong_field_count: { ru: 'в строке не столько полей, сколько в заголовке', en: 'the row has a different number of fields than the header' },
  missing_id: { ru: 'у записи нет номера', en: 'the record has no id' },
  duplicate_id: { ru: 'номер уже встречался в этом источнике; оставлена первая запись с этим номером', en: 'the id already appeared in this source; the first record with it is kept' },
  missing_feed: { ru: 'у записи нет ленты событий', en: 'the record has no event feed' },
  missing_petition: { ru: 'нет сообщения заявителя, поэтому неизвестно время создания', en: "no applicant's message, so the creation time is unknown" },
  missing_time: { ru: 'у события нет времени', en: 'an event has no time' },
  invalid_time: { ru: 'время не подходит ни к одному из ожидаемых форматов', en: 'the time matches none of the expected formats' },
  impossible_date: { ru: 'такого дня или времени нет в календаре (например, 31.02)', en: 'no such day or time exists (31 February, say)' },
  missing_created_at: { ru: 'нет времени создания обращения', en: 'the appeal has no creation time' },
  missing_closed_at: { ru: 'обращение закрыто, но время закрытия неизвестно', en: 'the appeal is closed, but its closing time is unknown' },
  closed_before_created: { ru: 'время закрытия раньше времени создания', en: 'the closing time is earlier than the creation time' },
  answer_before_created: { ru: 'время ответа раньше времени создания', en: 'an answer is earlier than the creation time' },
  time_in_future: { ru: 'время позже запуска больше чем на сутки', en: 'a time is more than a day after the run' },
  missing_status: { ru: 'у записи нет статуса', en: 'the record has no status' },
  unknown_status: { ru: 'статус не найден в таблице статусов', en: 'the status is not in the status map' },
  invalid_coordinate: { ru: 'координата не число или вне пределов широты и долготы', en: 'a coordinate is not a number or is outside the range of latitude and longitude' },
  coordinates_out_of_bounds: { ru: 'точка далеко от районов региона: перепутаны широта и долгота, потерян знак минус или это данные другого региона', en: "the point is far from the region's districts: latitude and longitude swapped, a lost minus sign or another region's data" },
  district_unknown: { ru: 'в регионе нет района с таким названием или кодом', en: 'the region has no district with this name or code' },
  district_conflict: { ru: 'код района и название района указывают на разные районы', en: 'the district code and the district name point to different districts' },
  outside_region: { ru: 'у записи нет района, а её точка не лежит ни в одном районе региона', en: "the record has no district, and its point lies in none of the region's districts" },
  no_location: { ru: 'у записи нет ни района, ни точки', en: 'the record has neither a district nor a point' },
  point_outside_district: { ru: 'точка лежит вне района, который дают код или название', en: 'the point lies outside the district its code or name gives' },
  duplicate_key: { ru: 'ключ JSON записан в одной записи дважды; взято последнее значение', en: 'a JSON key occurs twice in one record; the last value is taken' },
  closed_at_ignored: { ru: 'время закрытия у записи, чей статус не закрывающий; оно не используется', en: 'a closing time on a record whose status is not a closing one; the time is not used' },
  unknown_service_code: { ru: 'кода услуги Open311 нет в списке услуг', en: 'the Open311 service code is not in the service list' },
  duplicate_row: { ru: 'строка повторяет уже прочитанную', en: 'the row repeats one already read' },
  unterminated_quote: { ru: 'кавычка открыта и не закрыта до конца файла', en: 'a quote opens and is not closed before the end of the file' },
  // Reasons of the poll readers (etl/polls/).
  conflicting_row: { ru: 'для того же варианта и того же времени дано другое число; оставлено первое', en: 'another figure for the same option and time; the first is kept' },
  field_count: { ru: 'в строке не столько полей, сколько в заголовке', en: 'the row has a different number of fields than the header' },
  invalid_number: { ru: 'значение не является числом того вида, который ожидает поле', en: 'the value is not a number of the kind the field expects' },
  invalid_okrug: { ru: 'такого номера избирательного округа нет', en: 'no electoral okrug has this number' },
  invalid_value: { ru: 'значение не подходит для этого поля', en: 'the value does not fit this field' },
  out_of_range: { ru: 'число вне допустимых для этого поля пределов', en: 'the number is outside the range of this field' },
  missing_value: { ru: 'в строке не заполнено обязательное поле', en: 'a required field of the row is empty' },
  unknown_project: { ru: 'бюллетень называет проект, которого нет в списке проектов', en: 'a ballot names a project that is not in the project list' },
  missing_column: { ru: 'в заголовке нет обязательного столбца', en: 'the header lacks a required column' },
  missing_section: { ru: 'в файле нет обязательного раздела', en: 'the file lacks a required section' },
  missing_header: { ru: 'файл пуст: первая строка должна называть столбцы', en: 'the file is empty: the first line must name the columns' },
  invalid_date: { ru: 'дата не распознана или такого дня нет в календаре', en: 'the date is not recognised or no such day exists' },
  duplicate_poll_id: { ru: 'номер опроса уже занят другим набором данных', en: 'another dataset already uses this poll id' },
};

/**
 * Reason of a record whose id an earlier record of the same source had. Such a record is counted
 * as a duplicate, not as a reject, though rejects.csv lists it with this reason.
 */
export const DUPLICATE_REASON = 'duplicate_id';

/**
 * Values of a duplicate's fields against those of the first record with its id: "same" when every
 * field the reader reads is equal, "other" when one differs, null when the reader did not compare.
 */
export type DuplicateContent = 'same' | 'other' | null;

/**
 * Names where the first record with the same id, the one kept, is, and whether this record repeats
 * it exactly: the message of a duplicate.
 */
export function duplicateMessage(file: string, row: number | string, content: DuplicateContent = null): Message {
  const compared = {
    same: { ru: ', и значения всех прочитанных полей те же', en: ', with the same values in every field read' },
    other: { ru: ', но значения полей другие', en: ', with other values' },
  };
  const advice = content === 'other'
    ? {
        ru: '; если в выгрузке бывает несколько версий одного обращения, выгрузите только последнюю',
        en: '; if the export holds several versions of an appeal, export only the latest',
      }
    : { ru: '', en: '' };
  return {
    ru: `номер уже встречался: ${file}, строка ${row}${content ? compared[content].ru : ''}; оставлена только та первая запись, а эта посчитана как повтор${advice.ru}`,
    en: `the id already appeared in ${file}, row ${row}${content ? compared[content].en : ''}; only that first record is kept, and this one is counted as a duplicate${advice.en}`,
  };
}

/** Reads the file and row of the first record back from a duplicateMessage. */
export function earlierRecord(message: string): { file: string; row: string } | null {
  const match = /the id already appeared in (.+), row (\d+)(?:, with the same values in every field read|, with other values)?; only that first record is kept/.exec(message);
  return match ? { file: match[1], row: match[2] } : null;
}

/** Text that only the message of a duplicate whose values differ from the first record's has. */
export const OTHER_VALUES_MARK = ', with other values; only that first record is kept';

/** True for the message of a duplicate whose values differ from the first record's. */
export function hasOtherContent(message: string): boolean {
  return message.includes(OTHER_VALUES_MARK);
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
        ru: ` (со значениями полей, отличными от оставленной записи: ${ru(otherContent)}; если это более поздние версии обращений, выгрузите только последние)`,
        en: ` (${en(otherContent)} with other values than the record kept; if they are later versions of the appeals, export only the latest)`,
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
    ru: `${sourceId}: ${first.reason} — записей: ${ru(count)}; первая: ${first.file}, строка ${first.row}, поле ${first.field} = ${first.value ?? '—'} — ${message.ru}`,
    en: `${sourceId}: ${first.reason} in ${en(count)} records; the first: ${first.file}, row ${first.row}, field ${first.field} = ${first.value ?? '—'} — ${message.en}`,
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
