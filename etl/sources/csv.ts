// A streaming CSV parser after RFC 4180: fields in double quotes may hold delimiters, line breaks
// and doubled quotes (""), and records end with CRLF, LF or a lone CR. Text is fed in chunks of
// any size, so a quoted field or a CRLF may be split between chunks.
//
// The parser departs from the RFC in two ways, both common in real exports. A quote inside an
// unquoted field is kept as a literal character (`5" pipe`). Text after a closing quote (`"ab"c`)
// marks the record as malformed, so the caller can reject that record and read the rest.

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvRecord {
  readonly fields: string[];
  /** Record number from 1, counting blank lines, as a spreadsheet numbers its rows. */
  readonly index: number;
  /** Physical line on which the record starts, from 1. */
  readonly line: number;
  /** Physical line on which the record ends: later than `line` when a quoted value spans lines. */
  readonly lastLine: number;
  /** Field number, from 1, after whose closing quote more text followed (a syntax error), or null. */
  readonly textAfterQuote: number | null;
}

/** A quoted field still open at the end of the input; the rest of the file was swallowed by it. */
export class UnclosedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`a quoted field that opens on line ${line} is not closed before the end of the file`);
  }
}

type State = 'field-start' | 'unquoted' | 'quoted' | 'quote-in-quoted';

export class CsvParser {
  private state: State = 'field-start';
  private field = '';
  private fields: string[] = [];
  private textAfterQuote: number | null = null;
  private pendingCarriageReturn = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private recordIndex = 0;

  constructor(private readonly delimiter: Delimiter) {}

  /** Feeds the next piece of text; returns the records it completes. */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let position = 0;
    if (this.pendingCarriageReturn && text[0] === '\n') position = 1;
    this.pendingCarriageReturn = false;

    while (position < text.length) {
      const char = text[position];

      if (this.state === 'field-start') {
        if (char === '"') {
          this.state = 'quoted';
          this.quoteLine = this.line;
          position += 1;
        } else {
          this.state = 'unquoted';
        }
        continue;
      }

      if (this.state === 'quoted') {
        const close = text.indexOf('"', position);
        const end = close < 0 ? text.length : close;
        const piece = text.slice(position, end);
        this.field += piece;
        this.line += countLineBreaks(piece);
        position = close < 0 ? text.length : close + 1;
        if (close >= 0) this.state = 'quote-in-quoted';
        continue;
      }

      if (this.state === 'quote-in-quoted' && char === '"') {
        this.field += '"';
        this.state = 'quoted';
        position += 1;
        continue;
      }

      if (char === this.delimiter) {
        this.endField();
        position += 1;
        continue;
      }
      if (char === '\n' || char === '\r') {
        this.endField();
        records.push(this.endRecord());
        this.line += 1;
        this.recordLine = this.line;
        if (char === '\r') {
          if (position + 1 === text.length) this.pendingCarriageReturn = true;
          else if (text[position + 1] === '\n') position += 1;
        }
        position += 1;
        continue;
      }

      if (this.state === 'quote-in-quoted') {
        this.textAfterQuote ??= this.fields.length + 1;
        this.state = 'unquoted';
      }
      const end = findUnquotedEnd(text, position, this.delimiter);
      this.field += text.slice(position, end);
      position = end;
    }
    return records.filter((record) => !isBlank(record));
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  finish(): CsvRecord[] {
    if (this.state === 'quoted') throw new UnclosedQuoteError(this.quoteLine);
    if (this.state === 'field-start' && this.fields.length === 0 && this.field === '') return [];
    this.endField();
    const record = this.endRecord();
    return isBlank(record) ? [] : [record];
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'field-start';
  }

  private endRecord(): CsvRecord {
    this.recordIndex += 1;
    const record = { fields: this.fields, index: this.recordIndex, line: this.recordLine, lastLine: this.line, textAfterQuote: this.textAfterQuote };
    this.fields = [];
    this.textAfterQuote = null;
    return record;
  }
}

/** Parses a whole text; convenient for tests and small inputs. */
export function parseCsvText(text: string, delimiter: Delimiter): CsvRecord[] {
  const parser = new CsvParser(delimiter);
  return [...parser.push(text), ...parser.finish()];
}

/**
 * Returns the first record's raw text (the header line), or null when `text` does not yet contain a
 * line break outside quotes. At the end of the input, pass `complete` to take all of the text.
 */
export function findHeaderLine(text: string, complete: boolean): string | null {
  let quoted = false;
  for (let position = 0; position < text.length; position += 1) {
    const char = text[position];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return text.slice(0, position);
  }
  return complete ? text : null;
}

/** Counts each candidate delimiter in a header line, outside quoted fields. */
export function countDelimiters(headerLine: string): Record<Delimiter, number> {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  return counts;
}

function findUnquotedEnd(text: string, start: number, delimiter: Delimiter): number {
  for (let position = start; position < text.length; position += 1) {
    const char = text[position];
    if (char === delimiter || char === '\n' || char === '\r') return position;
  }
  return text.length;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

function isBlank(record: CsvRecord): boolean {
  return record.textAfterQuote === null && record.fields.every((field) => field === '');
}
