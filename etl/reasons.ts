// Reason codes of rejected rows and record warnings, with a Russian explanation of each code, and
// the messages of rejects: each reader writes a message in Russian and in English, with the same
// values, and rejects.csv shows both halves, Russian first.

import { en, ru, type Logger, type Message } from './lib/log.ts';

export const REASON_TEXT_RU: Readonly<Record<string, string>> = {
  invalid_json: 'строка не является записью JSON: файл обрезан, повреждён или это другой формат (проверьте --format)',
  invalid_record: 'запись не того вида, который ожидает формат (проверьте --format)',
  malformed_csv: 'строка CSV разобрана с ошибкой: незакрытые кавычки или лишний разделитель',
  wrong_field_count: 'в строке не столько полей, сколько в заголовке; возьмите в кавычки значения с разделителем или переносом строки',
  missing_id: 'у записи нет номера; проверьте выгрузку и столбец appeal_id в сопоставлении',
  duplicate_id: 'номер уже встречался в этом источнике; оставлена только первая запись с этим номером, а повтор посчитан в повторах (duplicates)',
  missing_feed: 'у записи нет ленты событий',
  missing_petition: 'нет сообщения заявителя, поэтому неизвестно время создания',
  missing_time: 'у события нет времени',
  invalid_time: 'время не распознано: оно не подходит ни к одному из форматов, которые ожидает источник',
  impossible_date: 'такой даты нет в календаре (например, 31.02)',
  missing_created_at: 'нет времени создания обращения; сопоставьте столбец created_at, а если одно время верно для всех строк, задайте created_at_fallback',
  missing_closed_at: 'обращение закрыто, но время закрытия неизвестно; сопоставьте столбец closed_at или проверьте выгрузку',
  closed_before_created: 'время закрытия раньше времени создания; проверьте порядок столбцов дат и формат даты (дд.мм или мм/дд)',
  missing_status: 'нет статуса, а сопоставление не задаёт статус по умолчанию; сопоставьте столбец status или задайте status_default',
  unknown_status: 'статус не найден в таблице статусов; добавьте его в сопоставление',
  invalid_coordinate: 'координаты вне допустимых значений широты и долготы или не число; проверьте столбцы и десятичный разделитель',
  coordinates_out_of_bounds: 'точка вне рамки источника или далеко от районов региона: перепутаны широта и долгота, потерян знак минус или данные другого региона',
  district_unknown: 'район с таким названием или кодом в регионе не найден; добавьте вариант написания в regions[].aliases',
  district_conflict: 'код района и название района указывают на разные районы; исправьте запись или таблицу кодов региона',
  outside_region: 'у записи нет района, а её точка не лежит ни в одном районе региона',
  no_location: 'у записи нет ни района, ни точки; сопоставьте столбцы района или координат либо оставляйте такие записи (districtPolicy.unplaced = "keep")',
  point_outside_district: 'точка лежит вне района, который дают код или название',
  duplicate_key: 'ключ JSON записан дважды в одной записи; взято последнее значение, как делает JSON.parse',
  unknown_service_code: 'код услуги Open311 не найден в списке услуг',
  duplicate_row: 'строка повторяет уже прочитанную: та же запись или тот же ключ (вариант, округ, номер) встречается второй раз',
  unterminated_quote: 'кавычка открыта и не закрыта до конца файла',
  // Reasons of the poll readers (etl/polls/).
  conflicting_row: 'для того же варианта и того же времени дано другое число; оставлено первое',
  field_count: 'в строке не столько полей, сколько в заголовке; возьмите в кавычки текст с разделителем',
  invalid_number: 'значение не является числом того вида, который ожидает поле',
  invalid_okrug: 'такого номера избирательного округа нет',
  invalid_value: 'значение не подходит для этого поля',
  out_of_range: 'число вне допустимых для этого поля пределов',
  missing_value: 'в строке не заполнено обязательное поле',
  unknown_project: 'бюллетень называет проект, которого нет в списке проектов',
  missing_column: 'в заголовке нет обязательного столбца',
  missing_section: 'в файле нет обязательного раздела',
  missing_header: 'файл пуст: первая строка должна называть столбцы',
  invalid_date: 'дата не распознана или такого дня нет в календаре',
  duplicate_poll_id: 'номер опроса уже занят другим набором данных; дайте импортируемому опросу другой poll_id',
};

/**
 * Reason of a record whose id an earlier record of the same source had. Such a record is counted
 * as a duplicate, not as a reject, though rejects.csv lists it with this reason.
 */
export const DUPLICATE_REASON = 'duplicate_id';

/** Names where the first record with the same id, the one kept, is: the message of a duplicate. */
export function duplicateMessage(file: string, row: number | string): Message {
  return {
    ru: `номер уже встречался: ${file}, строка ${row}; оставлена только та первая запись, а эта посчитана в повторах (duplicates)`,
    en: `the id already appeared in ${file}, row ${row}; only that first record is kept`,
  };
}

/** Reads the file and row of the first record back from a duplicateMessage. */
export function earlierRecord(message: string): { file: string; row: string } | null {
  const match = /the id already appeared in (.+), row (\d+); only that first record is kept$/.exec(message);
  return match ? { file: match[1], row: match[2] } : null;
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
 * NOTE: the split is at the first separator, so a quoted value that itself contains " · " cuts the
 * Russian half short in a log line; rejects.csv keeps the whole message.
 */
export function splitRejectMessage(text: string): Message {
  const at = text.indexOf(MESSAGE_SEPARATOR);
  return at < 0 ? { ru: text, en: text } : { ru: text.slice(0, at), en: text.slice(at + MESSAGE_SEPARATOR.length) };
}

/** Logs how many duplicates a source had and names the first. */
export function logDuplicates(logger: Logger, sourceId: string, count: number, first: { file: string; row: number; record_id: string | null; message: string }): void {
  const earlier = earlierRecord(first.message);
  logger.warn('read', {
    ru: `${sourceId}: повторов ${ru(count)} — записи с номером, который уже встречался, не публикуются (снимок перечисляет их в rejects.csv); первый повтор: ${first.file}, строка ${first.row}, номер ${first.record_id}${earlier ? ` (первая запись с этим номером: ${earlier.file}, строка ${earlier.row})` : ''}`,
    en: `${sourceId}: duplicates: ${en(count)}; records whose id already appeared are not published (a snapshot lists them in rejects.csv); the first: ${first.file}, row ${first.row}, id ${first.record_id}${earlier ? ` (the first record with this id: ${earlier.file}, row ${earlier.row})` : ''}`,
  });
}
