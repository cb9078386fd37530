// The bulk reader of `table` sources in CSV: DuckDB reads the files into a table, the rules of the
// row-by-row adapter and pipeline run once per distinct value in JS (lookups.ts), and SQL applies
// them to every row (rows.ts). The result is the same SourceResult the pipeline makes, with the
// appeals, status events and rejects left in DuckDB for the snapshot writer. A gzip file is read
// from a decompressed temporary copy. Files the bulk reader cannot read exactly as the adapter does
// (XLSX, UTF-16, a blank line among the records…) return null, and the caller reads the source row
// by row.

import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { DEFAULT_DISTRICT_POLICY, type Config, type SourceConfig } from '../config.ts';
import type { Region } from '../districts.ts';
import { en, ru, type Logger, type Message } from '../lib/log.ts';
import type { SourceResult } from '../pipeline.ts';
import { generaliseRejectPoint, POINT_REJECT_REASONS, scrubText } from '../privacy.ts';
import { DUPLICATE_REASON, logDuplicates, logRejectReasons, logWarning, OTHER_CONTENT_MARKS, logValidation, type ReasonExample } from '../reasons.ts';
import { DISTRICT_RULES } from '../schema.ts';
import { cutValue } from '../sources/row-helpers.ts';
import { CLOSED_AT_IGNORED, describeLayout, tableProblems } from '../sources/table.ts';
import type { TableMapping } from '../sources/table-mapping.ts';
import type { AdapterContext } from '../sources/types.ts';
import type { BulkDatabase } from './database.ts';
import { buildLookups, sqlText } from './lookups.ts';
import { buildRejects, buildRows, createAppealsView, findIgnoredClosingTimes, createEventsViews, Outcome, type RowsInput } from './rows.ts';
import { gunzipToFile, gzipContentBytes } from './gunzip.ts';
import { stageFile, type StagedFile, type StageOutcome } from './stage.ts';

/**
 * "auto" reads a source in bulk when its files together reach BULK_MIN_BYTES; "always" and
 * "never" force one reader, for tests and benchmarks.
 */
export type BulkMode = 'auto' | 'always' | 'never';

/**
 * Total size from which "auto" reads a source in bulk. Below it the row-by-row adapter is about as
 * fast, since the bulk reader runs some dozen queries whatever the size. NOTE: an estimate from
 * one 2-CPU machine, where both readers took about 0.2 s for the 0.6 MB converted portal fixture
 * and the bulk reader took half the time for 2 MB of bench/etl-generate.ts rows.
 */
export const BULK_MIN_BYTES = 1024 * 1024;

/** Tables and views a bulk-read source leaves in the shared database. */
export interface BulkTables {
  readonly database: BulkDatabase;
  /** True when the bulk reader read the files; false for rows a row-by-row adapter streamed in (appeal-sink.ts). */
  readonly readInBulk: boolean;
  /**
   * View of the accepted appeals in APPEAL_COLUMNS order; text columns may be ENUM. It has one
   * region and one source id, and lists rows sorted by district, created_at and appeal_id.
   */
  readonly appeals: string;
  /** View of their status events in STATUS_EVENT_COLUMNS order. */
  readonly events: string;
  /** The same events as `events`, listed by appeal_id and sequence. */
  readonly sortedEvents: string;
  /**
   * Table of rejects in REJECT_COLUMNS order after `stage` and `file_index`, in pipeline order. It is
   * null for a source streamed row by row (appeal-sink.ts), because its rejects are the result's own.
   */
  readonly rejects: string | null;
  /** SHA-256 of each file by path, computed while the source is read (hash.ts). */
  readonly sha256: ReadonlyMap<string, Promise<string>>;
}

export interface BulkInput {
  readonly config: Config;
  readonly source: SourceConfig;
  readonly region: Region;
  readonly mapping: TableMapping;
  readonly logger: Logger;
  readonly database: BulkDatabase;
  readonly mode: BulkMode;
  /** The run's clock in epoch milliseconds, for the check of times in the future. */
  readonly now: number;
}

/** Reads a table source in bulk, or returns null when its files need the row-by-row adapter. */
export async function readTableInBulk(input: BulkInput): Promise<SourceResult | null> {
  const { source, logger, database } = input;
  if (input.mode === 'never' || source.endpoint || source.files.length === 0) return null;
  const eligibility = await checkFiles(source.files);
  const singleFile = source.files.length === 1;
  const files = { ru: singleFile ? 'файл читается' : 'файлы читаются', en: singleFile ? 'the file is read' : 'the files are read' };
  if ('ru' in eligibility) {
    logger.info('read', {
      ru: `${source.id}: ${files.ru} построчно, потому что пакетное чтение DuckDB берёт только CSV, обычный или в gzip (здесь: ${eligibility.ru})`,
      en: `${source.id}: ${files.en} row by row, because DuckDB's bulk reader takes only CSV, plain or gzip (here: ${eligibility.en})`,
    });
    return null;
  }
  const size = mebibytes(eligibility.bytes);
  if (input.mode === 'auto' && eligibility.bytes < BULK_MIN_BYTES) {
    // In KiB, since a file just under 1 MiB would round up to it in MiB.
    const kibibytes = Math.floor((eligibility.bytes / 1024) * 10) / 10;
    logger.info('read', {
      ru: `${source.id}: ${files.ru} построчно, потому что ${singleFile ? 'его' : 'их'} размер (${ru(kibibytes)} КиБ) меньше 1 МиБ (${ru(1024)} КиБ), с которого включается пакетное чтение DuckDB`,
      en: `${source.id}: ${files.en} row by row, because ${singleFile ? 'its' : 'their'} size (${en(kibibytes)} KiB) is under the 1 MiB (1,024 KiB) from which DuckDB's bulk reader is used`,
    });
    return null;
  }
  const onDisk = eligibility.gzip ? mebibytes(eligibility.diskBytes) : null;
  logger.info('read', {
    ru: `${source.id}: ${singleFile ? 'файл' : 'файлы'} (${onDisk ? `${onDisk.ru} МиБ на диске, с gzip` : `${size.ru} МиБ`}) читает пакетно DuckDB`,
    en: `${source.id}: DuckDB reads ${singleFile ? 'the file' : 'the files'} (${onDisk ? `${onDisk.en} MiB on disk, with gzip` : `${size.en} MiB`}) in bulk`,
  });

  const prefix = database.nextPrefix();
  try {
    const files: StagedFile[] = [];
    for (const [index, path] of source.files.entries()) {
      const context = { timeZone: source.timeZone, displayName: basename(path) };
      const outcome = path.endsWith('.gz')
        ? await stageGzipFile(database, `${prefix}_raw_${index}`, index, path, context, input.mapping)
        : await stageFile(database, `${prefix}_raw_${index}`, index, path, context, input.mapping);
      if ('fallback' in outcome) {
        logger.warn('read', {
          ru: `${source.id}: ${context.displayName} читается построчно, потому что пакетное чтение не подходит: ${outcome.fallback.ru}`,
          en: `${source.id}: ${context.displayName} is read row by row because the bulk reader cannot take it: ${outcome.fallback.en}`,
        });
        await database.dropPrefix(prefix);
        return null;
      }
      logger.info('read', describeLayout(outcome.staged.layout, context.displayName));
      files.push(outcome.staged);
    }
    return await validate(input, prefix, files);
  } catch (error) {
    await database.dropPrefix(prefix);
    throw error;
  }
}

/**
 * Stages a gzip file from a decompressed copy in a temporary folder, which is removed once DuckDB
 * has read it. A file that does not decompress goes to the row-by-row adapter, whose error names it.
 */
async function stageGzipFile(database: BulkDatabase, table: string, index: number, path: string, context: AdapterContext, mapping: TableMapping): Promise<StageOutcome> {
  const temporary = await mkdtemp(join(tmpdir(), 'open-district-gunzip-'));
  try {
    const plain = join(temporary, 'decompressed.csv');
    try {
      await gunzipToFile(path, plain);
    } catch {
      return { fallback: { ru: 'архив gzip не распаковывается', en: 'the gzip archive does not decompress' } };
    }
    return await stageFile(database, table, index, path, context, mapping, plain);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/** Formats bytes as mebibytes with one decimal, in both languages. */
function mebibytes(bytes: number): Message {
  const value = Math.round((bytes / 1024 ** 2) * 10) / 10;
  return { ru: ru(value), en: en(value) };
}

/**
 * Returns the total size of CSV files, plain or gzip (the size of the CSV inside), or why they
 * are not (XLSX, XLS, missing).
 */
async function checkFiles(paths: readonly string[]): Promise<{ bytes: number; diskBytes: number; gzip: boolean } | Message> {
  let bytes = 0;
  let diskBytes = 0;
  let gzip = false;
  for (const path of paths) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return { ru: 'файл не читается', en: 'the file is not readable' };
    }
    diskBytes += size;
    if (path.endsWith('.gz')) {
      // The size of the CSV inside decides, as for a plain file. The gzip trailer gives only the
      // last member's size, and garbage in a cut file, so the compressed size sets a floor.
      // NOTE: the factor 4 is an estimate of how far a CSV export compresses at the least.
      const content = await gzipContentBytes(path, size);
      if (content === null) return { ru: 'файл с расширением .gz, но не в формате gzip', en: 'a file named .gz that is not gzip' };
      bytes += Math.max(content, size * 4);
      gzip = true;
      continue;
    }
    const magic = Buffer.alloc(4);
    const handle = await open(path, 'r');
    try {
      await handle.read(magic, 0, 4, 0);
    } finally {
      await handle.close();
    }
    if (magic.readUInt32BE(0) === 0x504b0304) return { ru: 'XLSX', en: 'XLSX' };
    if (magic.readUInt32BE(0) === 0xd0cf11e0) return { ru: 'XLS', en: 'XLS' };
    bytes += size;
  }
  return { bytes, diskBytes, gzip };
}

async function validate(input: BulkInput, prefix: string, files: StagedFile[]): Promise<SourceResult> {
  const { config, source, region, mapping, logger, database } = input;
  const lookups = await buildLookups({
    database,
    prefix,
    files,
    config,
    region,
    mapping,
    timeZone: mapping.timeZone ?? source.timeZone,
    policy: source.districtPolicy ?? DEFAULT_DISTRICT_POLICY,
  });
  const rowsInput: RowsInput = { database, prefix, files, mapping, lookups, now: input.now };
  const rows = await buildRows(rowsInput);
  const rejects = await buildRejects(rowsInput, rows, source.id);
  const ignoredClosingTimes = await findIgnoredClosingTimes(rowsInput, rows);
  for (const file of files) await database.run(`DROP TABLE ${file.table}`);
  await dropLookupTables(database, prefix, [rows, rejects]);

  // One scan of the rows table gives the counts, the times and the per-rule counts.
  const rules = DISTRICT_RULES.map((rule) => `count(*) FILTER (WHERE outcome = ${Outcome.Accepted} AND district_rule = ${sqlText(rule)})::INTEGER AS "rule_${rule}"`);
  const [totals] = await database.rows<Totals>(`SELECT
      count(*)::INTEGER AS read,
      count(*) FILTER (WHERE outcome = ${Outcome.Accepted})::INTEGER AS accepted,
      count(*) FILTER (WHERE outcome IN (${Outcome.Rejected}, ${Outcome.PlacementRejected}))::INTEGER AS rejected,
      count(*) FILTER (WHERE outcome = ${Outcome.Duplicate})::INTEGER AS duplicates,
      count(*) FILTER (WHERE outcome = ${Outcome.Rejected})::INTEGER AS parse_errors,
      max(epoch_ms(last_event_at)) FILTER (WHERE outcome IN (${Outcome.Accepted}, ${Outcome.PlacementRejected})) AS as_of,
      min(epoch_ms(created_at)) FILTER (WHERE outcome = ${Outcome.Accepted}) AS first,
      max(epoch_ms(created_at)) FILTER (WHERE outcome = ${Outcome.Accepted}) AS last,
      coalesce(sum(scrubbed) FILTER (WHERE outcome = ${Outcome.Accepted}), 0)::INTEGER AS scrubbed,
      count(*) FILTER (WHERE outcome = ${Outcome.Accepted} AND inferred)::INTEGER AS inferred,
      count(*) FILTER (WHERE outcome = ${Outcome.Accepted} AND district_unmatched)::INTEGER AS unmatched,
      ${rules.join(',\n      ')}
    FROM ${rows}`);
  const { read, accepted, rejected, duplicates, parse_errors: parseErrors } = totals;
  const counts = { read, accepted, rejected, duplicates };
  logger.info('read', {
    ru: `${source.id}: прочитано ${ru(counts.read)}, отклонено при чтении ${ru(parseErrors)}, повторов ${ru(counts.duplicates)}`,
    en: `${source.id}: read ${en(counts.read)}, rejected on reading ${en(parseErrors)}, duplicates ${en(counts.duplicates)}`,
  }, { read: counts.read, parseErrors, duplicates: counts.duplicates });
  if (counts.accepted + counts.rejected + counts.duplicates !== counts.read) {
    throw new Error(`Accounting failed for ${source.id}: ${JSON.stringify(counts)} does not add up to read`);
  }
  let differingDuplicates = 0;
  if (counts.duplicates > 0) {
    const [first] = await database.rows<{ file: string; row: number; record_id: string | null; message: string; other: number }>(
      `SELECT file, row, record_id, message, count(*) FILTER (WHERE ${OTHER_CONTENT_MARKS.map((mark) => `contains(message, ${sqlText(mark)})`).join(' OR ')}) OVER ()::INTEGER AS other
       FROM ${rejects} WHERE reason = ${sqlText(DUPLICATE_REASON)} ORDER BY stage, file_index, row LIMIT 1`,
    );
    differingDuplicates = first.other;
    logDuplicates(logger, source.id, counts.duplicates, differingDuplicates, first);
  }
  const warnings: Record<string, number> = {};
  if (ignoredClosingTimes.first) {
    const { file_index: fileIndex, row, text, status } = ignoredClosingTimes.first;
    const problem = tableProblems.closedAtIgnored(mapping, text, status);
    warnings[CLOSED_AT_IGNORED] = ignoredClosingTimes.count;
    const file = files.find((candidate) => candidate.index === fileIndex)!.displayName;
    logWarning(logger, source.id, ignoredClosingTimes.count, { reason: problem.reason, file, row, field: problem.field, value: problem.value === null ? null : cutValue(problem.value), message: problem.hint });
  }

  let asOf: number | null = null;
  if (source.asOf) asOf = Date.parse(source.asOf);
  else if (totals.as_of !== null) asOf = Number(totals.as_of);

  await cleanAdapterRejectValues(database, prefix, rejects, config.privacy);
  const appeals = await createAppealsView(rowsInput, rows, { id: source.id, region: region.config.id, asOf });
  const { events, sortedEvents } = await createEventsViews(rowsInput, rows, source.id);

  const result: SourceResult = {
    source,
    counts,
    // Keys in order of first appearance, as the pipeline fills these records.
    // Duplicates are listed in the rejects table but are not rejects.
    reasons: await countBy(database, `SELECT reason AS key, count(*)::INTEGER AS count FROM ${rejects} WHERE reason <> ${sqlText(DUPLICATE_REASON)} GROUP BY reason ORDER BY min(rowid)`),
    districtRules: { code: totals.rule_code, name: totals.rule_name, point: totals.rule_point },
    pointsOutsideDistrict: 0,
    scrubbed: totals.scrubbed,
    districtsInferred: totals.inferred,
    districtNamesUnmatched: totals.unmatched,
    differingDuplicates,
    districtFlags: {},
    warnings,
    asOf,
    asOfRule: source.asOf ? 'configured' : 'latest_event',
    period: totals.first === null || totals.last === null ? null : { from: Number(totals.first), to: Number(totals.last) },
    appeals: [],
    events: [],
    rejects: [],
    failure: null,
    bulk: { database, readInBulk: true, appeals, events, sortedEvents, rejects, sha256: new Map(files.map((file) => [file.path, file.sha256])) },
  };
  result.districtFlags = await countBy(
    database,
    `SELECT coalesce(district_flag::VARCHAR, 'none') AS key, count(*)::INTEGER AS count FROM ${rows} WHERE outcome = ${Outcome.Accepted} GROUP BY key ORDER BY min(file_index::BIGINT * 4294967296 + row)`,
  );
  result.pointsOutsideDistrict = result.districtFlags.point_outside_district ?? 0;
  logRejectReasons(logger, source.id, await database.rows<ReasonExample>(`SELECT reason, count, file, row, field, message FROM (
      SELECT *, count(*) OVER (PARTITION BY reason)::INTEGER AS count, row_number() OVER (PARTITION BY reason ORDER BY stage, file_index, row) AS rank
      FROM ${rejects} WHERE reason <> ${sqlText(DUPLICATE_REASON)}
    ) WHERE rank = 1 ORDER BY stage, file_index, row`));

  logValidation(logger, result, parseErrors);
  return result;
}

/** The one-row summary of a rows table (validate). */
interface Totals {
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  parse_errors: number;
  as_of: bigint | null;
  first: bigint | null;
  last: bigint | null;
  scrubbed: number;
  inferred: number;
  unmatched: number;
  rule_code: number;
  rule_name: number;
  rule_point: number;
}

/** Drops the lookup tables of a source; the ENUM types stay, as the rows table uses them. */
async function dropLookupTables(database: BulkDatabase, prefix: string, keep: readonly string[]): Promise<void> {
  const tables = await database.rows<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE starts_with(table_name, '${prefix}_')`);
  for (const { name } of tables) if (!keep.includes(name)) await database.run(`DROP TABLE "${name}"`);
}

/**
 * Cuts adapter reject values to 200 characters, and generalises a quoted point or scrubs personal
 * data, as the adapter (cutValue) and the pipeline (toReject) do. Placement rejects quote points
 * as grid cells already (lookups.ts).
 */
async function cleanAdapterRejectValues(database: BulkDatabase, prefix: string, rejects: string, privacy: Config['privacy']): Promise<void> {
  const values = await database.rows<{ reason: string; value: string }>(`SELECT DISTINCT reason, value FROM ${rejects} WHERE stage = 0 AND value IS NOT NULL`);
  const clean = (reason: string, value: string) => {
    const cut = cutValue(value).slice(0, 200);
    return POINT_REJECT_REASONS.includes(reason) ? generaliseRejectPoint(reason, cut, privacy) : scrubText(cut).text;
  };
  const changed = values.map(({ reason, value }) => [reason, value, clean(reason, value)] as const).filter(([, value, cleaned]) => value !== cleaned);
  if (changed.length === 0) return;
  const table = `${prefix}_reject_values`;
  await database.createLookup(table, [['reason', 'VARCHAR'], ['value', 'VARCHAR'], ['clean', 'VARCHAR']], changed);
  await database.run(`UPDATE ${rejects} SET value = v.clean FROM ${table} v WHERE ${rejects}.stage = 0 AND ${rejects}.reason = v.reason AND ${rejects}.value = v.value`);
  await database.run(`DROP TABLE ${table}`);
}

async function countBy(database: BulkDatabase, sql: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { key, count } of await database.rows<{ key: string; count: number }>(sql)) counts[key] = count;
  return counts;
}
