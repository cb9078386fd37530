// Streams the rows of one XLSX worksheet with exceljs's streaming reader, so a large workbook is
// never held in memory whole. Cells come back as plain values: text, numbers, booleans, and dates
// as Date objects whose UTC fields are the cell's wall-clock time (spreadsheets store no zone).

import type { Readable } from 'node:stream';

import ExcelJS from 'exceljs';

import { InputError } from '../lib/errors.ts';

export type CellValue = string | number | boolean | Date | null;

export interface SheetRow {
  /** Row number in the sheet, from 1, as the spreadsheet shows it. */
  readonly index: number;
  readonly cells: CellValue[];
}

/**
 * Yields the non-empty rows of the named sheet, or of the first sheet when `sheet` is null.
 * `input` is a file path or a readable stream of the file's bytes.
 */
export async function* readXlsxRows(input: string | Readable, sheet: string | null, displayName: string): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });

  const seen: string[] = [];
  let found = false;
  try {
    for await (const worksheet of reader as AsyncIterable<AsyncIterable<ExcelJS.Row> & { name?: string; id?: number }>) {
      const name = worksheet.name ?? `#${worksheet.id}`;
      seen.push(name);
      if (found || (sheet !== null && name !== sheet)) {
        // A sheet left unread keeps exceljs's temporary copy of it open, and its later read of a
        // file already cleaned up fails outside this loop, so other sheets are read to their end.
        for await (const row of worksheet) void row;
        continue;
      }
      found = true;
      for await (const row of worksheet) {
        const cells = toCells(row.values as unknown[]);
        if (cells.some((cell) => cell !== null && cell !== '')) yield { index: row.number, cells };
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError({
      ru: `${displayName}: файл XLSX не прочитан; проверьте, что это книга Excel .xlsx, а не .xls`,
      en: `${displayName}: the XLSX file could not be read (${(error as Error).message}); check that it is an Excel .xlsx workbook, not .xls`,
    });
  }

  if (!found) {
    throw new InputError({
      ru: `${displayName}: нет листа «${sheet}»; листы в книге: ${seen.join(', ') || '(нет)'}`,
      en: `${displayName}: no sheet "${sheet}"; the workbook has: ${seen.join(', ') || '(none)'}`,
    });
  }
}

/** Converts exceljs row values (1-based, sparse) into a 0-based array of plain cell values. */
function toCells(values: unknown[]): CellValue[] {
  const cells: CellValue[] = [];
  for (let column = 1; column < values.length; column += 1) cells.push(toCell(values[column]));
  return cells;
}

function toCell(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value !== 'object') return String(value);

  const object = value as Record<string, unknown>;
  if (Array.isArray(object.richText)) return object.richText.map((part) => String((part as { text?: unknown }).text ?? '')).join('');
  if ('result' in object) return toCell(object.result);
  if ('text' in object) return toCell(object.text);
  if ('error' in object) return null;
  return null;
}
