// An RFC 4180 reader for text that fits in memory: reference tables (populations, crosswalks)
// and poll files. It keeps the physical line where each record starts, so that messages can point
// at a line an editor shows. Quoted fields may hold the delimiter, doubled quotes and line breaks
// (CRLF, LF or CR). A quote inside an unquoted field is kept as a literal character.

export interface CsvRecord {
  /** Physical line (from 1) where the record starts; a record with quoted line breaks spans more. */
  readonly line: number;
  readonly fields: string[];
}

export interface CsvParseResult {
  readonly records: CsvRecord[];
  /** Set when the text ends inside a quoted field: the records from that line on are lost. */
  readonly unterminatedQuoteLine: number | null;
}

/** Parses CSV text into records with the line each starts on. */
export function parseCsvWithLines(text: string, delimiter = ','): CsvParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;

  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };

  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    const isBreak = char === '\n' || char === '\r';
    const breakLength = char === '\r' && source[index + 1] === '\n' ? 2 : 1;

    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else if (isBreak) {
        field += source.slice(index, index + breakLength);
        index += breakLength - 1;
        line += 1;
      } else {
        field += char;
      }
      continue;
    }

    if (char === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else if (isBreak) {
      endRecord();
      index += breakLength - 1;
      line += 1;
      recordLine = line;
    } else {
      field += char;
    }
  }

  if (quoted) return { records, unterminatedQuoteLine: quoteLine };
  if (field !== '' || fields.length > 0) endRecord();
  return { records, unterminatedQuoteLine: null };
}

/**
 * Parses CSV text into rows of fields. Throws when a quoted field never closes, naming `source`
 * and the line, because the rows after it would be lost.
 */
export function parseCsv(text: string, delimiter = ',', source = 'CSV text'): string[][] {
  const { records, unterminatedQuoteLine } = parseCsvWithLines(text, delimiter);
  if (unterminatedQuoteLine !== null) {
    throw new Error(`${source}: a quoted field opens on line ${unterminatedQuoteLine} and never closes; close the quote`);
  }
  return records.map((record) => record.fields);
}

/** Parses CSV text with a header row into objects keyed by the header's column names. */
export function parseCsvRecords(text: string, delimiter = ',', source = 'CSV text'): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text, delimiter, source);
  if (!header) return [];
  return rows
    .filter((row) => row.some((field) => field !== ''))
    .map((row) => Object.fromEntries(header.map((column, index) => [column, row[index] ?? ''])));
}
