import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { CsvParser, UnclosedQuoteError, countDelimiters, findHeaderLine, parseCsvText, type Delimiter } from '../../etl/sources/csv.ts';

const fields = (text: string, delimiter: Delimiter = ',') => parseCsvText(text, delimiter).map((record) => record.fields);

function parseInChunks(text: string, cuts: readonly number[], delimiter: Delimiter): string[][] {
  const parser = new CsvParser(delimiter);
  const records = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...parser.push(text.slice(start, cut)));
    start = cut;
  }
  records.push(...parser.push(text.slice(start)), ...parser.finish());
  return records.map((record) => record.fields);
}

function serialize(rows: readonly (readonly string[])[], delimiter: Delimiter, lineEnd: string): string {
  const quote = (field: string) => (field === '' || /["\r\n]/.test(field) || field.includes(delimiter) || field.startsWith('"') ? `"${field.replaceAll('"', '""')}"` : field);
  return rows.map((row) => row.map(quote).join(delimiter)).join(lineEnd) + lineEnd;
}

describe('table CSV parser', () => {
  test('reads doubled quotes', () => {
    expect(fields('a,"say ""hi""",c\n')).toEqual([['a', 'say "hi"', 'c']]);
  });

  test('reads line breaks inside quotes', () => {
    expect(fields('1,"line one\nline two",x\n')).toEqual([['1', 'line one\nline two', 'x']]);
  });

  test('reads CRLF line ends', () => {
    expect(fields('a,b\r\nc,d\r\n')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  test('reads lone CR line ends', () => {
    expect(fields('a,b\rc,d')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  test('reads a last line without a line end', () => {
    expect(fields('a,b\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  test('keeps empty trailing fields', () => {
    expect(fields('a,,\n')).toEqual([['a', '', '']]);
  });

  test('keeps a quote inside an unquoted field', () => {
    expect(fields('5" pipe,x\n')).toEqual([['5" pipe', 'x']]);
  });

  test('reads semicolons', () => {
    expect(fields('a;"b;c";d\n', ';')).toEqual([['a', 'b;c', 'd']]);
  });

  test('reads tabs', () => {
    expect(fields('a\tb\n', '\t')).toEqual([['a', 'b']]);
  });

  test('skips blank lines', () => {
    expect(fields('a\n\nb\n')).toEqual([['a'], ['b']]);
  });

  test('counts blank lines in row numbers', () => {
    expect(parseCsvText('a\n\nb\n', ',').map((record) => record.index)).toEqual([1, 3]);
  });

  test('records the starting line', () => {
    expect(parseCsvText('h\n"x\ny"\nz\n', ',').map((record) => record.line)).toEqual([1, 2, 4]);
  });

  test('flags text after a closing quote', () => {
    expect(parseCsvText('"ab"c,d\n', ',')[0].textAfterQuote).toBe(1);
  });

  test('raises on an unclosed quote', () => {
    expect(() => parseCsvText('a\n"b,c\n', ',')).toThrow(UnclosedQuoteError);
  });

  test('joins CRLF split between chunks', () => {
    expect(parseInChunks('a,b\r\nc,d\r\n', [4], ',')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  test('joins a doubled quote split between chunks', () => {
    expect(parseInChunks('"a""b",c\n', [3], ',')).toEqual([['a"b', 'c']]);
  });
});

describe('table CSV header sniffing', () => {
  test('finds the header line outside quotes', () => {
    expect(findHeaderLine('"a\nb",c\nd', false)).toBe('"a\nb",c');
  });

  test('waits for more text', () => {
    expect(findHeaderLine('"a\nb",c', false)).toBeNull();
  });

  test('takes all text at the end', () => {
    expect(findHeaderLine('a;b', true)).toBe('a;b');
  });

  test('counts delimiters outside quotes', () => {
    expect(countDelimiters('"a;b",c;d\te')).toEqual({ ',': 1, ';': 1, '\t': 1 });
  });
});

const cell = fc.string({ unit: fc.constantFrom('a', 'б', ' ', ',', ';', '\t', '"', '\n', '\r', 'x') });
const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });
const delimiter = fc.constantFrom<Delimiter>(',', ';', '\t');

describe('table CSV parser properties', () => {
  test('round-trips quoted output', () => {
    fc.assert(
      fc.property(table, delimiter, fc.constantFrom('\n', '\r\n'), (rows, chosen, lineEnd) => {
        const nonBlank = rows.filter((row) => row.some((field) => field !== ''));
        expect(fields(serialize(rows, chosen, lineEnd), chosen)).toEqual(nonBlank);
      }),
      { numRuns: 500 },
    );
  });

  test('gives the same records for any chunking', () => {
    fc.assert(
      fc.property(table, delimiter, fc.array(fc.nat()), (rows, chosen, cuts) => {
        const text = serialize(rows, chosen, '\r\n');
        const inRange = cuts.map((cut) => cut % (text.length + 1));
        expect(parseInChunks(text, inRange, chosen)).toEqual(fields(text, chosen));
      }),
      { numRuns: 500 },
    );
  });

  test('never throws but for an unclosed quote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), delimiter, (text, chosen) => {
        try {
          parseCsvText(text, chosen);
        } catch (error) {
          if (!(error instanceof UnclosedQuoteError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
