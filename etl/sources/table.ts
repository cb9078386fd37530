// Adapter for spreadsheet exports (format `table`): CSV or XLSX, read through a mapping file
// (table-mapping.ts) that names the column of each canonical field, the date formats, the zone,
// and the status and category maps.
//
// CSV encoding is detected (byte order mark, else strict UTF-8, else windows-1251) and so is the
// delimiter (`,` `;` or tab, counted in the header line outside quotes). Only mapped columns are
// read: free text, addresses and other columns never reach a draft.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { InputError } from '../lib/errors.ts';
import { textFingerprint } from '../lib/fingerprint.ts';
import type { Logger, Message } from '../lib/log.ts';
import { DUPLICATE_REASON, duplicateMessage, type DuplicateContent } from '../reasons.ts';
import type { AppealStatus } from '../schema.ts';
import { CsvParser, DELIMITERS, UnclosedQuoteError, countDelimiters, findHeaderLine, type Delimiter } from './csv.ts';
import { parseDateText, wallClockDateToInstant, type DateFormat } from './dates.ts';
import { gzipError, isGzipError, notGzipError } from './read-lines.ts';
import { RecordProblem, cleanText, createdInFuture, cutValue, fileError, readPoint, timelineProblem, toReject } from './row-helpers.ts';
import type { MappableField, TableMapping, TimeField } from './table-mapping.ts';
import { decodeChunks, scanEncoding, type EncodingScan, type TextEncoding } from './text-encoding.ts';
import type { AdapterContext, AppealDraft, EventDraft, FirstRecords, RowReject } from './types.ts';
import { readXlsxRows, type CellValue } from './xlsx.ts';

export const FORMAT = 'table';

export const CLOSED_STATUSES: readonly AppealStatus[] = ['resolved', 'closed_without_confirmation', 'closed'];

/** Maximum length of the header line in characters; a longer one means the file is not a table. */
const MAX_HEADER_CHARACTERS = 1_000_000;

/** A table row: a ParsedRow whose appeal also records how its district and creation time were found. */
export type TableRow =
  | {
      readonly kind: 'appeal';
      readonly row: number;
      readonly draft: AppealDraft;
      /** The district name was read out of the agency name by agency_district_pattern. */
      readonly district_inferred: boolean;
      /** created_at is the mapping's created_at_fallback, not a value from the row. */
      readonly created_at_fallback: boolean;
      /** Fingerprint of each mapped cell, to name the first column in which a repeat differs. */
      readonly columnContents: Uint32Array;
    }
  | { readonly kind: 'reject'; readonly reject: RowReject };

/** Layout of a file as detected, with the reason for each choice. */
export interface TableLayout {
  readonly kind: 'csv' | 'xlsx';
  readonly encoding: TextEncoding | null;
  readonly encodingReason: Message | null;
  readonly delimiter: Delimiter | null;
  readonly delimiterReason: Message | null;
  readonly header: readonly string[];
}

export interface TableOptions {
  /** Receives the detected layout before the first row. */
  readonly onLayout?: (layout: TableLayout) => void;
  readonly logger?: Logger;
}

interface SourceRow {
  readonly index: number;
  readonly cells: readonly CellValue[];
  /** Field number, from 1, with text after its closing quote in the CSV record, or null. */
  readonly textAfterQuote?: number | null;
  /** Physical lines of the file that the CSV record spans. */
  readonly lines?: { readonly first: number; readonly last: number };
}

type ByteSource = () => AsyncIterable<Uint8Array>;

/** Reads a CSV (plain or gzip) or XLSX file through a mapping and yields one row per record. */
export async function* parseTable(path: string, context: AdapterContext, mapping: TableMapping, options: TableOptions = {}): AsyncGenerator<TableRow> {
  const magic = await readMagic(path, context.displayName);
  if (path.endsWith('.gz') && !(magic[0] === 0x1f && magic[1] === 0x8b)) throw notGzipError(context.displayName);
  if (isXls(magic)) throw oldExcelError(context.displayName);
  if (isZip(magic)) {
    yield* convertRows(readXlsxRows(path, mapping.sheet, context.displayName), 'xlsx', null, context, mapping, options);
    return;
  }
  const source: ByteSource = () => {
    const stream = createReadStream(path);
    if (!path.endsWith('.gz')) return stream;
    const gunzip = createGunzip();
    stream.on('error', (error) => gunzip.destroy(error));
    return stream.pipe(gunzip);
  };
  try {
    yield* parseCsvSource(source, context, mapping, options);
  } catch (error) {
    throw isGzipError(error) ? gzipError(context.displayName) : error;
  }
}

/** Reads a CSV or XLSX file held in memory; used by tests and by callers that download a file. */
export async function* parseTableBytes(bytes: Uint8Array, context: AdapterContext, mapping: TableMapping, options: TableOptions = {}): AsyncGenerator<TableRow> {
  if (isXls(bytes)) throw oldExcelError(context.displayName);
  if (isZip(bytes)) {
    const stream = Readable.from([Buffer.from(bytes)]);
    yield* convertRows(readXlsxRows(stream, mapping.sheet, context.displayName), 'xlsx', null, context, mapping, options);
    return;
  }
  yield* parseCsvSource(() => oneChunk(bytes), context, mapping, options);
}

async function* parseCsvSource(source: ByteSource, context: AdapterContext, mapping: TableMapping, options: TableOptions): AsyncGenerator<TableRow> {
  const encoding = await chooseEncoding(source, context.displayName, mapping);
  const rows = readCsvRows(source, encoding, context, mapping);
  yield* convertRows(rows.rows, 'csv', rows, context, mapping, options);
}

// ---------------------------------------------------------------------------------------------
// Encoding and delimiter

export interface EncodingChoice {
  readonly encoding: TextEncoding;
  readonly reason: Message;
  /** The bytes are valid UTF-8 with non-ASCII text, though another encoding was chosen. */
  readonly looksLikeUtf8: boolean;
  /** windows-1251 was chosen only because the bytes are not UTF-8. */
  readonly fellBack: boolean;
}

const SET_IN_MAPPING: Message = { ru: 'задан в сопоставлении', en: 'set in the mapping' };

async function chooseEncoding(source: ByteSource, displayName: string, mapping: TableMapping): Promise<EncodingChoice> {
  return chooseEncodingFromScan(await scanEncoding(source()), displayName, mapping);
}

/** Picks the encoding of a CSV file from a scan of its bytes and the mapping's `encoding` setting. */
export function chooseEncodingFromScan(scan: EncodingScan, displayName: string, mapping: TableMapping): EncodingChoice {
  const looksLikeUtf8 = scan.invalidUtf8At === null && scan.hasNonAscii;

  if (scan.bom === 'utf-16le' || scan.bom === 'utf-16be') {
    return { encoding: scan.bom, reason: { ru: 'метка порядка байтов UTF-16', en: 'UTF-16 byte order mark' }, looksLikeUtf8: false, fellBack: false };
  }
  if (scan.bom === 'utf-8' || mapping.encoding === 'utf-8') {
    if (scan.invalidUtf8At !== null) {
      const cause = scan.bom === 'utf-8' ? { ru: 'файл начинается с метки UTF-8', en: 'the file starts with a UTF-8 byte order mark' } : { ru: `в ${basename(mapping.file)} указано encoding "utf-8"`, en: `${basename(mapping.file)} sets encoding "utf-8"` };
      throw new InputError({
        ru: `${displayName}: ${cause.ru}, но байт со смещением ${scan.invalidUtf8At} (счёт с нуля) не UTF-8; если файл в кодировке Windows (windows-1251), укажите encoding "windows-1251" или "auto"`,
        en: `${displayName}: ${cause.en}, but the byte at offset ${scan.invalidUtf8At} (counting from 0) is not valid UTF-8; if the file is in the Windows code page (windows-1251), set encoding to "windows-1251" or "auto"`,
      });
    }
    return { encoding: 'utf-8', reason: scan.bom === 'utf-8' ? { ru: 'метка порядка байтов UTF-8', en: 'UTF-8 byte order mark' } : SET_IN_MAPPING, looksLikeUtf8, fellBack: false };
  }
  if (mapping.encoding === 'windows-1251') return { encoding: 'windows-1251', reason: SET_IN_MAPPING, looksLikeUtf8, fellBack: false };

  if (scan.invalidUtf8At === null) {
    const reason = scan.hasNonAscii ? { ru: 'текст — верный UTF-8', en: 'valid UTF-8' } : { ru: 'только символы ASCII, прочитано как UTF-8', en: 'ASCII only, read as UTF-8' };
    return { encoding: 'utf-8', reason, looksLikeUtf8, fellBack: false };
  }
  const reason = {
    ru: `не UTF-8 (байт со смещением ${scan.invalidUtf8At}), прочитано как windows-1251`,
    en: `not valid UTF-8 (the byte at offset ${scan.invalidUtf8At}), read as windows-1251`,
  };
  return { encoding: 'windows-1251', reason, looksLikeUtf8: false, fellBack: true };
}

interface CsvReading {
  rows: AsyncGenerator<SourceRow>;
  layout: TableLayout | null;
  encoding: EncodingChoice;
}

/** Reads CSV records; the first record is the header and comes first, with its layout set. */
function readCsvRows(source: ByteSource, encoding: EncodingChoice, context: AdapterContext, mapping: TableMapping): CsvReading {
  const reading: CsvReading = { rows: undefined as unknown as AsyncGenerator<SourceRow>, layout: null, encoding };

  async function* rows(): AsyncGenerator<SourceRow> {
    const texts = decodeChunks(source(), encoding.encoding)[Symbol.asyncIterator]();
    let prefix = '';
    let headerLine: string | null = null;
    let exhausted = false;
    while (headerLine === null) {
      const next = await texts.next();
      exhausted = next.done === true;
      if (!exhausted) prefix += next.value;
      headerLine = findHeaderLine(prefix, exhausted);
      if (headerLine === null && prefix.length > MAX_HEADER_CHARACTERS) {
        throw new InputError({
          ru: `${context.displayName}: строка заголовка длиннее ${MAX_HEADER_CHARACTERS} знаков; это не таблица CSV или в заголовке незакрытая кавычка`,
          en: `${context.displayName}: the header line is longer than ${MAX_HEADER_CHARACTERS} characters; this is not a CSV table, or the header has an unclosed quote`,
        });
      }
    }

    const delimiterChoice = chooseFirstLineDelimiter(headerLine, mapping);
    if (delimiterChoice.sepLine) prefix = prefix.slice(headerLine.length).replace(/^\r?\n|^\r/, '');

    const parser = new CsvParser(delimiterChoice.delimiter);
    const emit = function* (records: ReturnType<CsvParser['push']>): Generator<SourceRow> {
      for (const record of records) {
        if (reading.layout === null) {
          reading.layout = {
            kind: 'csv',
            encoding: encoding.encoding,
            encodingReason: encoding.reason,
            delimiter: delimiterChoice.delimiter,
            delimiterReason: delimiterChoice.reason,
            header: record.fields.map((name) => name.replace(/^\uFEFF/, '').trim()),
          };
        }
        const shift = delimiterChoice.sepLine ? 1 : 0;
        yield { index: record.index + shift, cells: record.fields, textAfterQuote: record.textAfterQuote, lines: { first: record.line + shift, last: record.lastLine + shift } };
      }
    };

    try {
      yield* emit(parser.push(prefix));
      while (!exhausted) {
        const next = await texts.next();
        if (next.done) break;
        yield* emit(parser.push(next.value));
      }
      yield* emit(parser.finish());
    } catch (error) {
      if (!(error instanceof UnclosedQuoteError)) throw error;
      throw new InputError({
        ru: `${context.displayName}: кавычка, открытая в строке ${error.line}, не закрыта до конца файла; файл обрезан или в поле есть непарная кавычка`,
        en: `${context.displayName}: ${error.message}; the file is truncated or a field has an unpaired quote`,
      });
    }
  }

  reading.rows = rows();
  return reading;
}

/**
 * Picks the delimiter for a file whose first line is `firstLine`. Excel writes a first line `sep=;`
 * to name the delimiter; that line is not the header, and `sepLine` is then true.
 */
export function chooseFirstLineDelimiter(firstLine: string, mapping: TableMapping): { delimiter: Delimiter; reason: Message; sepLine: boolean } {
  const hint = /^\uFEFF?sep=(.)$/.exec(firstLine);
  if (hint && (DELIMITERS as readonly string[]).includes(hint[1])) return { delimiter: hint[1] as Delimiter, reason: { ru: 'его называет строка sep=', en: 'named by the sep= line' }, sepLine: true };
  return { ...chooseDelimiter(firstLine, mapping), sepLine: false };
}

/**
 * Picks the delimiter the mapping sets. Otherwise picks the first candidate, most frequent first,
 * under which the header contains every mapped column.
 */
function chooseDelimiter(headerLine: string, mapping: TableMapping): { delimiter: Delimiter; reason: Message } {
  if (mapping.delimiter !== 'auto') return { delimiter: mapping.delimiter, reason: SET_IN_MAPPING };

  const counts = countDelimiters(headerLine);
  const candidates = DELIMITERS.filter((delimiter) => counts[delimiter] > 0).sort((a, b) => counts[b] - counts[a]);
  if (candidates.length === 0) {
    return { delimiter: ',', reason: { ru: 'в заголовке нет разделителя, он прочитан как один столбец', en: 'the header has no delimiter, read as one column' } };
  }

  const wanted = mappedColumnNames(mapping);
  for (const delimiter of candidates) {
    const header = new Set(splitHeader(headerLine, delimiter).map(normalizeName));
    if (wanted.every((name) => header.has(normalizeName(name)))) {
      return {
        delimiter,
        reason: {
          ru: `в строке заголовка их ${counts[delimiter]}, и он отделяет каждый сопоставленный столбец`,
          en: `${counts[delimiter]} in the header line, and it splits out every mapped column`,
        },
      };
    }
  }
  return {
    delimiter: candidates[0],
    reason: { ru: `чаще всех в строке заголовка (${counts[candidates[0]]})`, en: `most frequent in the header line (${counts[candidates[0]]})` },
  };
}

/**
 * Splits a header line into trimmed column names, without a byte order mark. A header with an
 * unclosed quote gives no names: the file's reader then reports the quote with the file name.
 */
export function splitHeader(headerLine: string, delimiter: Delimiter): string[] {
  const parser = new CsvParser(delimiter);
  let records;
  try {
    records = [...parser.push(headerLine), ...parser.finish()];
  } catch (error) {
    if (error instanceof UnclosedQuoteError) return [];
    throw error;
  }
  return (records[0]?.fields ?? []).map((name) => name.replace(/^\uFEFF/, '').trim());
}

// ---------------------------------------------------------------------------------------------
// Header and rows

async function* convertRows(
  rows: AsyncIterable<SourceRow>,
  kind: 'csv' | 'xlsx',
  csv: CsvReading | null,
  context: AdapterContext,
  mapping: TableMapping,
  options: TableOptions,
): AsyncGenerator<TableRow> {
  let converter: TableConverter | null = null;
  for await (const row of rows) {
    if (converter === null) {
      const layout: TableLayout = csv?.layout ?? { kind, encoding: null, encodingReason: null, delimiter: null, delimiterReason: null, header: row.cells.map((cell) => String(cell ?? '').trim()) };
      reportLayout(layout, context, options);
      const columns = resolveColumns(layout, csv?.encoding ?? null, context, mapping);
      converter = new TableConverter(context, mapping, columns, kind === 'csv' ? layout.header : null);
      continue;
    }
    yield converter.convert(row);
  }

  if (converter === null) {
    throw new InputError({
      ru: `${context.displayName}: файл пуст, нет даже строки заголовка`,
      en: `${context.displayName}: the file is empty, with no header row`,
    });
  }
}

function reportLayout(layout: TableLayout, context: AdapterContext, options: TableOptions): void {
  options.onLayout?.(layout);
  options.logger?.info('read', describeLayout(layout, context.displayName));
}

/** Describes how a CSV file was read: its encoding and delimiter, and why each was chosen. */
export function describeLayout(layout: TableLayout, displayName: string): Message {
  if (layout.kind === 'xlsx') return { ru: `${displayName}: книга XLSX, столбцов: ${layout.header.length}`, en: `${displayName}: XLSX workbook, ${layout.header.length} columns` };
  const delimiterName = layout.delimiter === '\t' ? { ru: 'табуляция', en: 'tab' } : { ru: `«${layout.delimiter}»`, en: `"${layout.delimiter}"` };
  const reasonText = (reason: Message | null, language: keyof Message) => (reason ? ` (${reason[language]})` : '');
  return {
    ru: `${displayName}: кодировка ${layout.encoding}${reasonText(layout.encodingReason, 'ru')}, разделитель ${delimiterName.ru}${reasonText(layout.delimiterReason, 'ru')}`,
    en: `${displayName}: encoding ${layout.encoding}${reasonText(layout.encodingReason, 'en')}, delimiter ${delimiterName.en}${reasonText(layout.delimiterReason, 'en')}`,
  };
}

/** Finds the index of every mapped column; throws one InputError listing all that are missing. */
export function resolveColumns(layout: TableLayout, encoding: EncodingChoice | null, context: AdapterContext, mapping: TableMapping): Map<MappableField, number> {
  const exact = new Map<string, number[]>();
  const loose = new Map<string, number[]>();
  layout.header.forEach((name, index) => {
    exact.set(name, [...(exact.get(name) ?? []), index]);
    loose.set(normalizeName(name), [...(loose.get(normalizeName(name)) ?? []), index]);
  });

  const columns = new Map<MappableField, number>();
  const missing: string[] = [];
  for (const [field, name] of Object.entries(mapping.columns) as [MappableField, string | null][]) {
    if (name === null) continue;
    const indexes = exact.get(name) ?? loose.get(normalizeName(name)) ?? [];
    if (indexes.length > 1) {
      throw new InputError({
        ru: `${context.displayName}: столбец «${name}» (columns.${field} в ${basename(mapping.file)}) встречается в заголовке ${indexes.length} раза; переименуйте повторы`,
        en: `${context.displayName}: the column "${name}" (columns.${field} in ${basename(mapping.file)}) occurs ${indexes.length} times in the header; rename the repeats`,
      });
    }
    if (indexes.length === 0) missing.push(`«${name}» (columns.${field})`);
    else columns.set(field, indexes[0]);
  }
  if (missing.length === 0) return columns;

  const hint = missingColumnHint(layout, encoding);
  const header = layout.header.slice(0, 50).map((name) => `«${name}»`).join(', ');
  throw new InputError({
    ru: `${context.displayName}: ${missing.length === 1 ? 'нет столбца' : 'нет столбцов'} ${missing.join(', ')}, ${missing.length === 1 ? 'названного' : 'названных'} в файле сопоставления ${basename(mapping.file)}. Заголовок: ${header}.${hint.ru}`,
    en: `${context.displayName}: ${missing.length === 1 ? 'missing column' : 'missing columns'} ${missing.join(', ')} named in the mapping file ${basename(mapping.file)}. Header: ${header}.${hint.en}`,
  });
}

function missingColumnHint(layout: TableLayout, encoding: EncodingChoice | null): { ru: string; en: string } {
  if (layout.kind === 'csv' && layout.header.length === 1) {
    const counts = countDelimiters(layout.header[0]);
    const other = DELIMITERS.filter((delimiter) => delimiter !== layout.delimiter && counts[delimiter] > 0);
    const names = other.map((delimiter) => (delimiter === '\t' ? 'tab' : `"${delimiter}"`)).join(', ');
    if (other.length > 0) {
      return {
        ru: ` Заголовок прочитан как один столбец с разделителем ${layout.delimiter === '\t' ? 'tab' : `"${layout.delimiter}"`}, но в нём есть ${names}: укажите delimiter ${names} или "auto".`,
        en: ` The header was read as one column with the delimiter ${layout.delimiter === '\t' ? 'tab' : `"${layout.delimiter}"`}, but it contains ${names}: set delimiter to ${names} or "auto".`,
      };
    }
  }
  if (encoding?.fellBack) {
    return {
      ru: ' Файл не в UTF-8 и прочитан как windows-1251; если он в другой кодировке, пересохраните его в UTF-8.',
      en: ' The file is not UTF-8 and was read as windows-1251; if it is in another encoding, save it as UTF-8.',
    };
  }
  if (encoding?.encoding === 'windows-1251' && encoding.looksLikeUtf8) {
    return {
      ru: ' Файл похож на UTF-8, но прочитан как windows-1251 по настройке encoding: укажите "auto" или "utf-8".',
      en: ' The file looks like UTF-8 but was read as windows-1251 as the encoding setting says: set it to "auto" or "utf-8".',
    };
  }
  return { ru: '', en: '' };
}

/** Converts source rows into drafts, remembering ids to reject repeats. */
class TableConverter {
  private readonly seenIds: FirstRecords;
  private readonly timeZone: string;

  constructor(
    private readonly context: AdapterContext,
    private readonly mapping: TableMapping,
    private readonly columns: ReadonlyMap<MappableField, number>,
    private readonly header: readonly string[] | null,
  ) {
    this.timeZone = mapping.timeZone ?? context.timeZone;
    this.seenIds = context.firstRecords ?? new Map();
  }

  convert(source: SourceRow): TableRow {
    const recordId = this.text(source.cells, 'appeal_id');
    try {
      if (source.textAfterQuote) throw tableProblems.textAfterQuote(source.textAfterQuote, this.header, source.lines);
      if (this.header !== null && source.cells.length !== this.header.length) throw tableProblems.wrongFieldCount(source.cells.length, this.header.length, source.lines);
      const row = this.toRow(source, recordId);
      this.seenIds.set(row.draft.appeal_id, { row: source.index, columns: row.columnContents });
      return row;
    } catch (error) {
      if (error instanceof RecordProblem) return toReject(this.context.displayName, source.index, recordId, error) as TableRow;
      throw error;
    }
  }

  private toRow(source: SourceRow, recordId: string | null): Extract<TableRow, { kind: 'appeal' }> {
    const cells = source.cells;
    if (recordId === null) throw tableProblems.missingId(this.mapping);
    const first = this.seenIds.get(recordId);
    if (first !== undefined) {
      const column = firstDifferingColumn(this.mapping, first.columns ?? [], this.contentOf(cells));
      const compared = { content: column === undefined ? 'same' : 'other', basis: 'text', column } as const;
      throw tableProblems.duplicateId(this.mapping, recordId, this.context.displayName, first.row, compared);
    }

    const created = this.readCreatedAt(cells);
    const future = createdInFuture(created.at, this.context.now, this.columnName('created_at'), describeCell(this.cell(cells, 'created_at')));
    if (future) throw future;
    const { status, statusOriginal } = this.readStatus(cells);
    const firstAnswerAt = this.time(cells, 'first_answer_at');
    const finalAnswerAt = this.time(cells, 'final_answer_at');
    const closing = this.readClosedAt(cells, status, created.at);
    const closedAt = closing.at;

    const point = this.columns.has('latitude')
      ? readPoint(this.cell(cells, 'latitude'), this.cell(cells, 'longitude'), { latitude: this.columnName('latitude'), longitude: this.columnName('longitude') }, this.mapping.bounds ?? this.context.bounds ?? null)
      : { latitude: null, longitude: null };

    const agency = this.text(cells, 'agency');
    const district = this.readDistrict(cells, agency);
    const category = this.text(cells, 'category');

    const draft: AppealDraft = {
      appeal_id: recordId,
      created_at: created.at,
      first_answer_at: firstAnswerAt,
      final_answer_at: finalAnswerAt,
      closed_at: closedAt,
      deadline_at: this.time(cells, 'deadline_at'),
      status,
      status_original: statusOriginal,
      category: category === null ? null : (this.mapping.categoryMap[category] ?? category),
      rubric: this.text(cells, 'rubric'),
      object_type: this.text(cells, 'object_type'),
      agency,
      district_code: this.text(cells, 'district_code'),
      district_name: district.name,
      municipality_name: this.text(cells, 'municipality_name'),
      latitude: point.latitude,
      longitude: point.longitude,
      repeat_messages: 0,
      last_event_at: Math.max(created.at, firstAnswerAt ?? created.at, finalAnswerAt ?? created.at, closedAt ?? created.at),
      events: buildEvents(created.at, firstAnswerAt, finalAnswerAt, closedAt, status, statusOriginal),
    };
    const timeline = timelineProblem(draft, this.context.now, (name) => this.columnName(name), (name) => describeCell(this.cell(cells, name)));
    if (timeline) throw timeline;

    if (closing.ignored) {
      const problem = tableProblems.closedAtIgnored(this.mapping, describeCell(this.cell(cells, 'closed_at')), statusOriginal);
      this.context.warn?.({ file: this.context.displayName, row: source.index, record_id: recordId, field: problem.field, value: problem.value === null ? null : cutValue(problem.value), reason: problem.reason, message: problem.hint });
    }
    const columnContents = this.contentOf(cells);
    return { kind: 'appeal', row: source.index, draft, district_inferred: district.inferred, created_at_fallback: created.fallback, columnContents };
  }

  /**
   * Fingerprints each mapped cell as written, in the mapping's order of fields, so that rows of
   * files with other column orders compare alike. Unmapped columns are never published, so they
   * do not count. An XLSX date cell is written in the mapping's first date format, as a CSV export
   * of the same sheet would most likely write it.
   */
  private contentOf(cells: readonly CellValue[]): Uint32Array {
    // A typed array stores the 32-bit fingerprints in 4 bytes each, which matters when a large
    // workbook keeps one per accepted row.
    const fingerprints = new Uint32Array(this.columns.size);
    let position = 0;
    for (const [field, index] of this.columns) {
      const value = cells[index];
      let text = '';
      if (value instanceof Date) text = formatWallClock(value, this.mapping.dateFormats[0]);
      else if (value !== null && value !== undefined) text = String(value);
      fingerprints[position] = textFingerprint(NUMERIC_FIELDS.has(field) ? numericKey(value, text) : text);
      position += 1;
    }
    return fingerprints;
  }


  private readCreatedAt(cells: readonly CellValue[]): { at: number; fallback: boolean } {
    if (this.mapping.columns.created_at === null) {
      if (this.mapping.createdAtFallback) return { at: this.mapping.createdAtFallback.at, fallback: true };
      throw tableProblems.noCreatedAtColumn(this.mapping);
    }
    const at = this.time(cells, 'created_at');
    if (at === null) throw tableProblems.missingCreatedAt(this.mapping);
    return { at, fallback: false };
  }

  private readStatus(cells: readonly CellValue[]): { status: AppealStatus; statusOriginal: string } {
    return readStatusText(this.mapping, this.columns.has('status'), this.text(cells, 'status'));
  }

  /**
   * Reads the closing time, which only a closing status uses. A closing time beside another status
   * is not used but `ignored`, so that the caller can warn about it.
   */
  private readClosedAt(cells: readonly CellValue[], status: AppealStatus, createdAt: number): { at: number | null; ignored: boolean } {
    const closedAt = this.time(cells, 'closed_at');
    if (!CLOSED_STATUSES.includes(status)) return { at: null, ignored: closedAt !== null };
    if (closedAt === null) throw tableProblems.missingClosedAt(this.mapping, this.columns.has('closed_at'));
    if (closedAt < createdAt) throw tableProblems.closedBeforeCreated(this.mapping, describeCell(this.cell(cells, 'closed_at')));
    return { at: closedAt, ignored: false };
  }

  private readDistrict(cells: readonly CellValue[], agency: string | null): { name: string | null; inferred: boolean } {
    return readDistrictName(this.mapping, this.text(cells, 'district_name'), agency);
  }

  private time(cells: readonly CellValue[], field: TimeField): number | null {
    return readTimeCell(this.mapping, this.timeZone, this.columnName(field), this.cell(cells, field));
  }

  private text(cells: readonly CellValue[], field: MappableField): string | null {
    const value = this.cell(cells, field);
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value.toISOString();
    return cleanText(String(value));
  }

  private cell(cells: readonly CellValue[], field: MappableField): CellValue | undefined {
    const index = this.columns.get(field);
    return index === undefined ? undefined : (cells[index] ?? null);
  }

  private columnName(field: MappableField): string {
    return mappedColumnName(this.mapping, field);
  }
}

// ---------------------------------------------------------------------------------------------
// Rules for one cell, shared with the bulk reader (etl/bulk/), which applies them to the distinct
// values of a column.

/** Problems of a row that do not come from one cell's value; the bulk reader writes the same. */
export const tableProblems = {
  textAfterQuote: (field: number, header: readonly string[] | null, lines: SourceRow['lines']) => {
    const column = header?.[field - 1];
    const where = column === undefined ? { ru: `поля ${field}`, en: `field ${field}` } : { ru: `поля ${field} (в заголовке — «${column}»)`, en: `field ${field} (headed "${column}")` };
    const span = spannedLines(lines);
    return new RecordProblem('(record)', null, 'malformed_csv', {
      ru: `текст после закрывающей кавычки ${where.ru}${span.ru}; уберите лишнюю кавычку или возьмите в кавычки всё значение и удвойте кавычки внутри него`,
      en: `text after the closing quote of ${where.en}${span.en}; remove the stray quote, or quote the whole value and double the quotes inside it`,
    });
  },
  wrongFieldCount: (count: number, expected: number, lines: SourceRow['lines']) => {
    const span = spannedLines(lines);
    return new RecordProblem('(record)', String(count), 'wrong_field_count', {
      ru: `в записи полей: ${count}, а в заголовке: ${expected}${span.ru}; ищите разделитель, кавычку или перенос строки внутри значения`,
      en: `the record has ${count} fields but the header has ${expected}${span.en}; look for a delimiter, quote or line break inside a value`,
    });
  },
  missingId: (mapping: TableMapping) => new RecordProblem(mappedColumnName(mapping, 'appeal_id'), null, 'missing_id', { ru: 'у строки нет номера обращения', en: 'the row has no appeal id' }),
  duplicateId: (mapping: TableMapping, id: string, file: string, firstRow: number | string, compared: DuplicateContent, acrossFiles = false) =>
    new RecordProblem(mappedColumnName(mapping, 'appeal_id'), id, DUPLICATE_REASON, duplicateMessage(file, firstRow, compared, acrossFiles)),
  noCreatedAtColumn: (mapping: TableMapping) =>
    new RecordProblem(
      'created_at',
      null,
      'missing_created_at',
      {
        ru: `сопоставление ${basename(mapping.file)} указывает, что в выгрузке нет времени создания (columns.created_at = null); оно нужно каждому обращению, поэтому задайте created_at_fallback, только если одно время верно для всех строк`,
        en: `the mapping ${basename(mapping.file)} declares that the export has no creation time (columns.created_at is null); an appeal needs one, so set created_at_fallback only if one time holds for every row`,
      },
    ),
  missingCreatedAt: (mapping: TableMapping) => new RecordProblem(mappedColumnName(mapping, 'created_at'), null, 'missing_created_at', { ru: 'у строки нет времени создания', en: 'the row has no creation time' }),
  missingClosedAt: (mapping: TableMapping, hasColumn: boolean) => {
    const column = mappedColumnName(mapping, 'closed_at');
    const where = hasColumn
      ? { ru: `столбец «${column}» пуст`, en: `the column ${column} is empty` }
      : { ru: `в ${basename(mapping.file)} не сопоставлен столбец closed_at`, en: `no closed_at column is mapped in ${basename(mapping.file)}` };
    return new RecordProblem(hasColumn ? column : 'closed_at', null, 'missing_closed_at', {
      ru: `обращение закрыто, но ${where.ru}, поэтому время закрытия неизвестно`,
      en: `the row is closed but ${where.en}, so its closing time is unknown`,
    });
  },
  closedBeforeCreated: (mapping: TableMapping, value: string | null) =>
    new RecordProblem(mappedColumnName(mapping, 'closed_at'), value, 'closed_before_created', {
      ru: 'время закрытия раньше времени создания; проверьте обе даты и их формат',
      en: 'the closing time is earlier than the creation time; check both dates and their format',
    }),
  closedAtIgnored: (mapping: TableMapping, value: string | null, status: string | null) =>
    new RecordProblem(mappedColumnName(mapping, 'closed_at'), value, CLOSED_AT_IGNORED, {
      ru: `статус${status === null ? ' записи' : ` «${status}»`} не закрывающий, поэтому время закрытия не используется и обращение считается открытым; если обращение закрыто, сопоставьте этот статус закрывающему в status_map файла ${basename(mapping.file)}`,
      en: `the status${status === null ? '' : ` "${status}"`} is not a closing one, so the closing time is not used and the appeal counts as open; if the appeal is closed, map this status to a closing one in status_map of ${basename(mapping.file)}`,
    }),
};

/** Warning reason of a closing time beside a status that is not a closing one. */
export const CLOSED_AT_IGNORED = 'closed_at_ignored';

/**
 * Names the lines of the file that a rejected record took up, when there are more than one. A stray
 * quote makes the parser read the following lines into the same record, which is rejected whole.
 */
function spannedLines(lines: SourceRow['lines']): Message {
  if (!lines || lines.last === lines.first) return { ru: '', en: '' };
  return {
    ru: `; запись заняла строки файла ${lines.first}–${lines.last}: их прочитали как одну запись из-за кавычки, и все они отклонены вместе`,
    en: `; the record took up lines ${lines.first}–${lines.last} of the file: a quote made them read as one record, and all of them are rejected together`,
  };
}

/**
 * Names the field of a district placement reject by the export's columns, `Район` or
 * `Широта,Долгота`, so that the administrator finds it in the file. Unmapped fields keep their names.
 */
export function placementFieldName(mapping: TableMapping, field: string): string {
  if (field === 'latitude/longitude' && mapping.columns.latitude && mapping.columns.longitude) return `${mapping.columns.latitude},${mapping.columns.longitude}`;
  if (field === 'district_name' || field === 'district_code') return mappedColumnName(mapping, field);
  return field;
}

/** Returns the mapped column's name, or the field's own name when the mapping names no column. */
export function mappedColumnName(mapping: TableMapping, field: MappableField): string {
  return mapping.columns[field] ?? field;
}

/**
 * Reads the status of a row from its cleaned status text. `hasColumn` is false when the mapping
 * names no status column; `status_default` then applies. Throws RecordProblem for a missing or
 * unknown status.
 */
export function readStatusText(mapping: TableMapping, hasColumn: boolean, original: string | null): { status: AppealStatus; statusOriginal: string } {
  const column = mappedColumnName(mapping, 'status');
  if (!hasColumn) {
    if (mapping.statusDefault) return { status: mapping.statusDefault.status, statusOriginal: mapping.statusDefault.original };
    throw new RecordProblem('status', null, 'missing_status', {
      ru: `в выгрузке нет столбца статуса; если один статус верен для всех строк, задайте status_default в ${basename(mapping.file)}`,
      en: `the export has no status column; set status_default in ${basename(mapping.file)} if one status is true of every row`,
    });
  }
  if (original === null) throw new RecordProblem(column, null, 'missing_status', { ru: 'у строки нет статуса', en: 'the row has no status' });
  const status = mapping.statusMap[original] ?? lookUpIgnoringCase(mapping.statusMap, original);
  if (!status) throw new RecordProblem(column, original, 'unknown_status', {
      ru: `статуса нет в status_map; добавьте его в ${basename(mapping.file)}`,
      en: `the status is not in status_map; add it to ${basename(mapping.file)}`,
    });
  return { status, statusOriginal: original };
}

/** Returns the district name from its column or, failing that, read out of the agency name. */
export function readDistrictName(mapping: TableMapping, name: string | null, agency: string | null): { name: string | null; inferred: boolean } {
  if (name !== null || agency === null) return { name, inferred: false };
  for (const rule of mapping.agencyDistrictRules) {
    if (rule.pattern.test(agency)) return { name: cleanText(agency.replace(rule.pattern, rule.district)), inferred: true };
  }
  return { name: null, inferred: false };
}

/**
 * Reads a time cell as an instant in epoch milliseconds, or null for an empty cell. `column` names
 * the column in a RecordProblem thrown for a value that is not a date in the mapping's formats.
 */
export function readTimeCell(mapping: TableMapping, timeZone: string, column: string, value: CellValue | undefined): number | null {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) return null;
  if (value instanceof Date) {
    const at = wallClockDateToInstant(value, timeZone);
    if (at === null) throw new RecordProblem(column, String(value), 'invalid_time', { ru: 'в ячейке недопустимая дата', en: 'the cell contains an invalid date' });
    return at;
  }
  if (typeof value !== 'string') {
    throw new RecordProblem(column, String(value), 'invalid_time', {
      ru: 'в ячейке число или логическое значение, а не дата; задайте столбцу в таблице формат даты или текста',
      en: 'the cell contains a number or a boolean, not a date; format the column as a date or as text in the spreadsheet',
    });
  }
  const parsed = parseDateText(value, mapping.dateFormats, timeZone);
  if (!parsed.ok) {
    throw new RecordProblem(column, value, parsed.reason, {
      ru: `${parsed.message.ru}; форматы задаёт date_formats в ${basename(mapping.file)}`,
      en: `${parsed.message.en}; the formats come from date_formats in ${basename(mapping.file)}`,
    });
  }
  return parsed.at;
}

function buildEvents(createdAt: number, firstAnswerAt: number | null, finalAnswerAt: number | null, closedAt: number | null, status: AppealStatus, statusOriginal: string): EventDraft[] {
  const events: EventDraft[] = [{ at: createdAt, kind: 'petition', status: null, status_original: null }];
  if (firstAnswerAt !== null && firstAnswerAt !== finalAnswerAt) events.push({ at: firstAnswerAt, kind: 'interim_answer', status: null, status_original: null });
  if (finalAnswerAt !== null) events.push({ at: finalAnswerAt, kind: 'answer', status: null, status_original: null });
  if (closedAt !== null) events.push({ at: closedAt, kind: 'status', status, status_original: statusOriginal });
  return events.sort((a, b) => a.at - b.at);
}

function lookUpIgnoringCase(map: Readonly<Record<string, AppealStatus>>, original: string): AppealStatus | undefined {
  const wanted = normalizeName(original);
  for (const [key, status] of Object.entries(map)) if (normalizeName(key) === wanted) return status;
  return undefined;
}

function mappedColumnNames(mapping: TableMapping): string[] {
  return Object.values(mapping.columns).filter((name): name is string => typeof name === 'string');
}

/** Folds case and runs of whitespace, for matching names that differ only in those. */
function normalizeName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Fields compared as numbers when their text is a plain decimal, so that 30.570 in a CSV and the
 * number 30.57 in an XLSX cell are the same value. The bulk reader applies DECIMAL_PATTERN too.
 */
const NUMERIC_FIELDS: ReadonlySet<MappableField> = new Set(['latitude', 'longitude']);

/** A plain decimal with a point or a comma, as DuckDB's regexp_full_match takes it (rows.ts). */
export const DECIMAL_PATTERN = '-?[0-9]+([.,][0-9]+)?';
const DECIMAL = new RegExp(`^${DECIMAL_PATTERN}$`);

/**
 * Returns the key of a numeric cell: `#` and the number for a number cell or a plain decimal
 * (spaces around it removed, as DuckDB's trim does), else the cell's text.
 */
function numericKey(value: CellValue | undefined, text: string): string {
  if (typeof value === 'number') return `#${value}`;
  const trimmed = text.replace(/^ +| +$/g, '');
  return DECIMAL.test(trimmed) ? `#${Number(trimmed.replace(',', '.'))}` : text;
}

/**
 * Returns the mapped column of the first cell whose fingerprint differs between two rows, in the
 * mapping's order of fields (TableConverter's contentOf), or undefined when none differs.
 */
export function firstDifferingColumn(mapping: TableMapping, first: ArrayLike<number>, later: ArrayLike<number>): string | undefined {
  const fields = (Object.entries(mapping.columns) as [MappableField, string | null][]).filter(([, name]) => name !== null).map(([field]) => field);
  for (let index = 0; index < first.length; index += 1) {
    if (first[index] !== later[index]) return mappedColumnName(mapping, fields[index]);
  }
  return undefined;
}

/**
 * Writes the wall-clock time that an XLSX date cell stores in its UTC fields (readTimeCell) in a
 * date format of the mapping, with seconds: 18.10.2020 14:50:40, 2020-10-18T14:50:40 or
 * 10/18/2020 02:50:40 PM.
 */
function formatWallClock(value: Date, format: DateFormat): string {
  if (Number.isNaN(value.getTime())) return String(value);
  const two = (number: number) => String(number).padStart(2, '0');
  const [year, month, day] = [value.getUTCFullYear(), two(value.getUTCMonth() + 1), two(value.getUTCDate())];
  const [hours, minutes, seconds] = [value.getUTCHours(), two(value.getUTCMinutes()), two(value.getUTCSeconds())];
  if (format === 'dd.mm.yyyy') return `${day}.${month}.${year} ${two(hours)}:${minutes}:${seconds}`;
  if (format === 'mm/dd/yyyy') return `${month}/${day}/${year} ${two(hours % 12 === 0 ? 12 : hours % 12)}:${minutes}:${seconds} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${year}-${month}-${day}T${two(hours)}:${minutes}:${seconds}`;
}

/**
 * Writes a cell as a message quotes it. An XLSX date cell stores the sheet's wall-clock time in its
 * UTC fields (readTimeCell), so it is written as that time, without a zone, as the sheet shows it.
 */
function describeCell(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!(value instanceof Date)) return String(value);
  if (Number.isNaN(value.getTime())) return String(value);
  const text = value.toISOString().replace('T', ' ').replace('Z', '');
  return text.endsWith('.000') ? text.slice(0, -4) : text;
}

async function readMagic(path: string, displayName: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, displayName);
  }
  try {
    const buffer = new Uint8Array(8);
    const { bytesRead } = await handle.read(buffer, 0, 8, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Checks for the OLE2 signature of the old binary Excel format (.xls), which is not read. */
function isXls(bytes: Uint8Array): boolean {
  return bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
}

function oldExcelError(displayName: string): InputError {
  return new InputError({
    ru: `${displayName}: старый формат Excel (.xls) не читается; сохраните файл как .xlsx или CSV`,
    en: `${displayName}: the old Excel format (.xls) is not read; save the file as .xlsx or CSV`,
  });
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
