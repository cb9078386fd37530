// Staging of one CSV file for the bulk table reader. The encoding and header are decided exactly as
// the row-by-row adapter decides them (etl/sources/table.ts). A windows-1251 file is converted to a
// temporary UTF-8 copy, and DuckDB's read_csv loads the mapped columns as text into a table. Time
// columns also get a parsed wall-clock value when the text has the canonical shape of one of the
// mapping's date formats; other values are parsed in JS later.

import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sqlString } from '../lib/duckdb.ts';
import type { Message } from '../lib/log.ts';
import { findHeaderLine } from '../sources/csv.ts';
import type { DateFormat } from '../sources/dates.ts';
import { chooseEncodingFromScan, chooseFirstLineDelimiter, resolveColumns, splitHeader, type EncodingChoice, type TableLayout } from '../sources/table.ts';
import { TIME_FIELDS, type MappableField, type TableMapping, type TimeField } from '../sources/table-mapping.ts';
import type { AdapterContext } from '../sources/types.ts';
import type { BulkDatabase } from './database.ts';
import { hashFileInWorker } from './hash.ts';
import { scanFile, type FileScan } from './scan.ts';
import { transcodeWindows1251 } from './transcode.ts';

/** Bytes read to find the header line; a longer header is left to the row-by-row adapter. */
const HEAD_BYTES = 4 * 1024 * 1024;

/**
 * strptime formats whose output is the canonical text of each date format. A value is parsed in
 * SQL only when strftime gives the same text back. SQL so accepts exactly the values that
 * parseDateText reads with the same fields, and every other value goes to parseDateText.
 */
export const CANONICAL_FORMATS: Record<DateFormat, readonly string[]> = {
  'dd.mm.yyyy': ['%d.%m.%Y %H:%M:%S'],
  iso: ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S'],
  'mm/dd/yyyy': ['%m/%d/%Y %I:%M:%S %p'],
};

export interface StagedFile {
  readonly index: number;
  readonly path: string;
  readonly displayName: string;
  readonly table: string;
  readonly scan: FileScan;
  /** SHA-256 of the file at `path`, computed in a worker thread (hash.ts). */
  readonly sha256: Promise<string>;
  readonly encoding: EncodingChoice;
  readonly layout: TableLayout;
  readonly columns: ReadonlyMap<MappableField, number>;
  /** Record number of the first data row: 2, or 3 after a `sep=` line. */
  readonly firstRow: number;
  /** Rows read by DuckDB, blank ones included. */
  readonly rows: number;
}

export type StageOutcome = { readonly staged: StagedFile } | { readonly fallback: Message };

/**
 * Stages one file into `table`. Returns a fallback reason when the file needs the row-by-row
 * adapter: UTF-16, a header it cannot find in the first bytes, a record DuckDB rejects (a wrong
 * field count, a stray quote, line breaks of mixed kinds), or a blank line among the records.
 * Throws the adapter's InputError for a wrong encoding setting or missing columns.
 *
 * `readPath` is the plain file to read when `path` is a gzip file; the SHA-256 is always that of
 * `path`. Unless the mapping declares windows-1251, DuckDB starts reading the file as UTF-8 while
 * the scan runs. The scan then decides the encoding as the adapter does. When the file turns out
 * not to be UTF-8, that read is dropped and done again from a converted copy.
 */
export async function stageFile(database: BulkDatabase, table: string, index: number, path: string, context: AdapterContext, mapping: TableMapping, readPath = path): Promise<StageOutcome> {
  const scanning = scanFile(readPath);
  const early = mapping.encoding === 'windows-1251' ? null : loadFile(database, table, readPath, context, mapping, null);
  let scan: FileScan;
  let encoding: EncodingChoice;
  try {
    scan = await scanning;
    encoding = chooseEncodingFromScan(scan, context.displayName, mapping);
  } catch (error) {
    await discard(database, table, early);
    throw error;
  }
  if (encoding.encoding !== 'utf-8' && encoding.encoding !== 'windows-1251') {
    await discard(database, table, early);
    return { fallback: { ru: `текст в кодировке ${encoding.encoding}`, en: `${encoding.encoding} text` } };
  }

  if (encoding.encoding === 'utf-8') {
    let loaded = early ? await early : null;
    if (loaded === null || 'retry' in loaded) loaded = await loadFile(database, table, readPath, context, mapping, encoding);
    return finishStaging(database, table, index, path, readPath, context, scan, encoding, loaded, null);
  }

  await discard(database, table, early);
  const temporary = await mkdtemp(join(tmpdir(), 'open-district-utf8-'));
  try {
    const converted = join(temporary, 'converted.csv');
    // The conversion runs on one core, so the hash runs beside it.
    const hashing = hashFileInWorker(path);
    await transcodeWindows1251(readPath, converted);
    const loaded = await loadFile(database, table, converted, context, mapping, encoding);
    return await finishStaging(database, table, index, path, converted, context, scan, encoding, loaded, hashing);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

type Loaded = { readonly header: Header; readonly columns: ReadonlyMap<MappableField, number> } | { readonly fallback: Message } | { readonly retry: true };

/**
 * Finds the header and the mapped columns of a UTF-8 file and reads it into `table`. Without a
 * decided `encoding` (the early read), a header that lacks mapped columns returns `retry`, so that
 * the adapter's error names the encoding the scan decides.
 */
async function loadFile(database: BulkDatabase, table: string, csvPath: string, context: AdapterContext, mapping: TableMapping, encoding: EncodingChoice | null): Promise<Loaded> {
  const header = await readHeader(csvPath, mapping);
  if (!header) {
    return { fallback: { ru: 'в первых 4 МиБ нет строки заголовка или первая строка пуста', en: 'no header line in the first 4 MiB, or a blank first line' } };
  }
  const assumed: EncodingChoice = encoding ?? { encoding: 'utf-8', reason: { ru: 'предполагается, пока не закончен просмотр файла', en: 'assumed until the scan ends' }, looksLikeUtf8: true, fellBack: false };
  let columns: ReadonlyMap<MappableField, number>;
  try {
    columns = resolveColumns(layoutOf(header, assumed), assumed, context, mapping);
  } catch (error) {
    if (encoding === null) return { retry: true };
    throw error;
  }
  try {
    await database.run(`CREATE TABLE ${table} AS ${stagingSelect(csvPath, header, columns, mapping)}`);
  } catch (error) {
    const detail = firstLine((error as Error).message);
    return { fallback: { ru: `DuckDB не прочитал файл: ${detail}`, en: `DuckDB did not read the file: ${detail}` } };
  }
  return { header, columns };
}

async function discard(database: BulkDatabase, table: string, early: Promise<Loaded> | null): Promise<void> {
  if (!early) return;
  await early;
  await database.run(`DROP TABLE IF EXISTS ${table}`);
}

/**
 * Checks that row numbers can come from rowid, and describes the staged file. Its SHA-256 is
 * `hashing`, or starts now.
 */
async function finishStaging(
  database: BulkDatabase,
  table: string,
  index: number,
  path: string,
  csvPath: string,
  context: AdapterContext,
  scan: FileScan,
  encoding: EncodingChoice,
  loaded: Loaded,
  hashing: Promise<string> | null,
): Promise<StageOutcome> {
  if ('fallback' in loaded) return loaded;
  if ('retry' in loaded) throw new Error(`the header of ${context.displayName} was not checked against the mapping`);
  const { header, columns } = loaded;
  const [{ rows }] = await database.rows<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM ${table}`);
  // Row numbers count records and blank lines, as the CSV parser numbers them, but DuckDB skips
  // blank lines: rowid gives the row only when no blank line comes before the last record.
  // With more lines than records, the line breaks inside quoted values must make up the rest.
  const firstRow = header.sepLine ? 3 : 2;
  const records = rows + firstRow - 1;
  if (records !== scan.lines && scan.blankLine) {
    const inValues = await countLineBreaksInValues(database, csvPath, header);
    if (records + inValues !== scan.lines) {
      await database.run(`DROP TABLE ${table}`);
      return {
        fallback: {
          ru: `пустая строка среди записей (строк ${scan.lines}, записей ${records}, переносов строки внутри значений ${inValues})`,
          en: `a blank line among the records (${scan.lines} lines hold ${records} records and ${inValues} line breaks inside values)`,
        },
      };
    }
  }
  const layout = layoutOf(header, encoding);
  const sha256 = hashing ?? hashFileInWorker(path);
  return { staged: { index, path, displayName: context.displayName, table, scan, sha256, encoding, layout, columns, firstRow, rows } };
}

function layoutOf(header: Header, encoding: EncodingChoice): TableLayout {
  return { kind: 'csv', encoding: encoding.encoding, encodingReason: encoding.reason, delimiter: header.delimiter, delimiterReason: header.delimiterReason, header: header.names };
}

interface Header {
  readonly names: string[];
  readonly delimiter: ',' | ';' | '\t';
  readonly delimiterReason: Message;
  readonly sepLine: boolean;
}

/** Finds the header as readCsvRows in table.ts does, from the first bytes of a UTF-8 file. */
async function readHeader(path: string, mapping: TableMapping): Promise<Header | null> {
  const handle = await open(path, 'r');
  let text: string;
  let complete: boolean;
  try {
    const buffer = Buffer.allocUnsafe(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    complete = bytesRead < HEAD_BYTES;
    text = new TextDecoder('utf-8').decode(buffer.subarray(0, bytesRead), { stream: !complete });
  } finally {
    await handle.close();
  }

  const firstLine = findHeaderLine(text, complete);
  if (firstLine === null || firstLine === '') return null;
  const choice = chooseFirstLineDelimiter(firstLine, mapping);
  let headerLine = firstLine;
  if (choice.sepLine) {
    headerLine = findHeaderLine(text.slice(firstLine.length).replace(/^\r?\n|^\r/, ''), complete) ?? '';
    if (headerLine === '') return null;
  }
  const names = splitHeader(headerLine, choice.delimiter);
  if (names.every((name) => name === '')) return null;
  return { names, delimiter: choice.delimiter, delimiterReason: choice.reason, sepLine: choice.sepLine };
}

/**
 * Builds the staging query: every column read as text, mapped columns kept as s_<field>, a parsed
 * wall-clock w_<field> for time columns, and `blank` for records whose every field is empty, which
 * the row-by-row parser skips. The first canonical format is parsed once in the inner query; the
 * others are tried only on the rare values it does not take. A time text that the first format
 * prints back is not kept, since strftime gives it again (rows.ts does, for a reject's value).
 */
function stagingSelect(path: string, header: Header, columns: ReadonlyMap<MappableField, number>, mapping: TableMapping): string {
  const names = header.names.map((_, index) => `c${index}`);
  const [first, ...others] = mapping.dateFormats.flatMap((format) => CANONICAL_FORMATS[format]).map(sqlString);
  const inner: string[] = [];
  const middle: string[] = [];
  const outer: string[] = [];
  for (const [field, index] of columns) {
    inner.push(`c${index} AS s_${field}`);
    middle.push(`s_${field}`);
    if (!(TIME_FIELDS as readonly string[]).includes(field)) {
      outer.push(`s_${field}`);
      continue;
    }
    inner.push(`try_strptime(c${index}, ${first}) AS p_${field}`);
    middle.push(`p_${field}`, `strftime(p_${field}, ${first}) = s_${field} AS ok_${field}`);
    const rest = others.reduceRight((otherwise, format) => `CASE WHEN ${roundTrip(`s_${field}`, format)} THEN try_strptime(s_${field}, ${format}) ELSE ${otherwise} END`, 'NULL');
    outer.push(
      `CASE WHEN ok_${field} THEN NULL ELSE s_${field} END AS s_${field}`,
      `CASE WHEN ok_${field} THEN p_${field} WHEN s_${field} IS NULL THEN NULL ELSE ${rest} END AS w_${field as TimeField}`,
    );
  }
  inner.push(names.length === 1 ? 'c0 IS NULL AS blank' : `coalesce(${names.join(', ')}) IS NULL AS blank`);
  middle.push('blank');
  outer.push('blank');
  return `SELECT ${outer.join(', ')} FROM (SELECT ${middle.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${readCsvSql(path, header)}))`;
}

/** SQL that is true when `column` parses with `format` and prints back as the same text. */
function roundTrip(column: string, format: string): string {
  return `strftime(try_strptime(${column}, ${format}), ${format}) = ${column}`;
}

/**
 * Counts line breaks inside values, as the CSV parser counts them (CRLF, LF, lone CR). It reads
 * the file once more, so it runs only when the file has two line breaks in a row somewhere.
 */
async function countLineBreaksInValues(database: BulkDatabase, path: string, header: Header): Promise<number> {
  const names = header.names.map((_, index) => `c${index}`);
  const breaks = names.map((name) => {
    const removed = (text: string) => `(length(${name}) - length(replace(${name}, ${text}, '')))`;
    return `coalesce(${removed('chr(10)')} + ${removed('chr(13)')} - ${removed('chr(13) || chr(10)')} // 2, 0)`;
  });
  const [{ count }] = await database.rows<{ count: number }>(`SELECT coalesce(sum(${breaks.join(' + ')}), 0)::BIGINT AS count FROM ${readCsvSql(path, header)}`);
  return Number(count);
}

function readCsvSql(path: string, header: Header): string {
  const columnTypes = `{${header.names.map((_, index) => `'c${index}': 'VARCHAR'`).join(', ')}}`;
  return `read_csv(${sqlString(path)}, header = true, skip = ${header.sepLine ? 1 : 0}, delim = ${sqlString(header.delimiter)}, quote = '"', escape = '"',
      auto_detect = false, strict_mode = true, null_padding = false, columns = ${columnTypes})`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
