// CSV helpers of the poll readers: the shared reader of etl/lib/csv.ts, blank records, and a
// header check that reports what is missing as rejects.

import { parseCsvWithLines, type CsvRecord } from '../lib/csv.ts';
import type { Message } from '../lib/log.ts';

export { parseCsvWithLines, type CsvParseResult, type CsvRecord } from '../lib/csv.ts';

/** Checks whether every field of a record is empty (a blank line). */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((field) => field.trim() === '');
}

/** Callback that records one rejected row: line, field, value, reason code and the message in both languages. */
export type RowReject = (row: number, field: string, value: string | null, reason: string, message: Message) => void;

/**
 * Parses CSV text whose first record is a header and checks that the header has every expected
 * column. A quote that never closes and each missing column go to `reject`. Returns null when a
 * column is missing, since no row can be read then.
 */
export function readHeaderedCsv(text: string, expected: readonly string[], reject: RowReject): { columns: string[]; rows: CsvRecord[] } | null {
  const { records, unterminatedQuoteLine } = parseCsvWithLines(text);
  if (unterminatedQuoteLine !== null) {
    reject(unterminatedQuoteLine, '(record)', null, 'unterminated_quote', {
      ru: 'в этой строке открывается кавычка, которая не закрыта до конца файла, поэтому остаток файла не прочитан; закройте кавычку',
      en: 'a quoted field opens on this line and never closes, so the rest of the file was not read; close the quote',
    });
  }

  const [header, ...rows] = records;
  const columns = header?.fields.map((name) => name.trim()) ?? [];
  const missing = expected.filter((name) => !columns.includes(name));
  for (const name of missing) {
    reject(header?.line ?? 1, name, null, 'missing_column', {
      ru: `в заголовке нет столбца «${name}»; ожидаются столбцы ${expected.join(',')}`,
      en: `the header has no column "${name}"; expected ${expected.join(',')}`,
    });
  }
  return missing.length > 0 ? null : { columns, rows };
}
