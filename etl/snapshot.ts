// The snapshot writer: Parquet tables, aggregates, boundaries, rejects and a manifest, written into
// a hidden folder first and then renamed into place, after which `latest.json` is replaced by an
// atomic rename. A run that fails at any point leaves the published snapshot untouched.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import { aggregateRegion } from './aggregates.ts';
import { EXPLORER_FACTS_FILE, writeExplorerFiles } from './explorer-files.ts';
import { comparePolls, computeChanges, type Changes } from './changes.ts';
import { buildPolls, writeEmptyPolls, type BuildPollsResult } from './polls/write.ts';
import { isAlive } from './lock.ts';
import type { Aggregates, Manifest, ManifestFile, ManifestSource } from './aggregates-types.ts';
import { simplifiedBoundaries } from './boundaries.ts';
import type { Config } from './config.ts';
import type { Region } from './districts.ts';
import { appendRows, createTable, openDatabase, sqlString } from './lib/duckdb.ts';
import { InputError } from './lib/errors.ts';
import { en, ru, type Logger } from './lib/log.ts';
import { localDate } from './lib/time.ts';
import type { SourceResult } from './pipeline.ts';
import { APPEAL_COLUMNS, REJECT_COLUMNS, SCHEMA_VERSION, STATUS_EVENT_COLUMNS, type ColumnDefinition } from './schema.ts';

export const LATEST_POINTER = 'latest.json';
const INCOMPLETE_PREFIX = '.incomplete-';

export interface SnapshotResult {
  id: string;
  directory: string;
  manifest: Manifest;
}

/** Picks the snapshot id for a run: the local date, with "-2", "-3"… when that date exists. */
export function nextSnapshotId(directory: string, now: number, timeZone: string): string {
  const date = localDate(now, timeZone);
  let id = date;
  for (let suffix = 2; existsSync(join(directory, id)); suffix += 1) id = `${date}-${suffix}`;
  return id;
}

export interface WriteOptions {
  /** False leaves `latest` alone, for a caller that switches it after building the site. */
  switchLatest: boolean;
  /** True when the snapshot goes to a throwaway folder (a dry run), which its log line then states. */
  temporary?: boolean;
}

export async function writeSnapshot(config: Config, regions: Map<string, Region>, results: SourceResult[], now: number, logger: Logger, options: WriteOptions = { switchLatest: true }): Promise<SnapshotResult> {
  const root = config.snapshots.directory;
  mkdirSync(root, { recursive: true });
  removeIncomplete(root, logger);

  const previous = readPreviousSnapshot(root);
  const carried = carryFailedSources(results, previous, logger);
  // A snapshot in which every source failed and none kept earlier data would publish an empty site.
  if (results.length > 0 && results.every((result) => result.failure) && carried.size === 0) {
    for (const result of results) result.bulk?.database.close();
    throw new InputError({
      ru: 'Ни один источник не прочитан, а прошлых данных нет: снимок не записан. Исправьте источники по сообщениям выше и запустите снова',
      en: 'No source was read and there is no earlier data: no snapshot was written. Fix the sources from the messages above and run again',
    });
  }

  const id = nextSnapshotId(root, now, config.regions[0].timeZone);
  const staging = join(root, `${INCOMPLETE_PREFIX}${id}-${process.pid}`);
  mkdirSync(join(staging, 'boundaries'), { recursive: true });
  const tableCounts = await writeTables(staging, results, carried, previous, logger);
  let aggregates: Aggregates;
  let pollDatasets: Manifest['pollDatasets'] = [];
  let changes: Changes;
  let pollRejects: BuildPollsResult['rejects'] = [];
  try {
    aggregates = await writeAggregates(staging, id, regions, results, carried, tableCounts.connection);
    tableCounts.rows[EXPLORER_FACTS_FILE] = await writeExplorerFiles(staging, tableCounts.connection);
    logAggregates(logger, aggregates);
    if (config.polls) {
      const polls = await buildPolls({ dataDir: config.polls.dataDirectory, outDir: staging, logger, imports: config.polls.imports });
      pollDatasets = polls.datasets.map(({ id, title, originUrl, licence, attribution }) => ({ id, title, originUrl, licence, attribution }));
      pollRejects = polls.rejects;
      for (const [name, rows] of [['polls.parquet', polls.counts.polls], ['poll_results.parquet', polls.counts.results]] as const) tableCounts.rows[name] = rows;
    } else {
      await writeEmptyPolls(staging);
    }
    tableCounts.rows['rejects.csv'] = await writeRejects(staging, results, pollRejects, tableCounts.connection);
    changes = await computeChanges(tableCounts.connection, previous?.id ?? null, previous ? join(previous.directory, 'appeals.parquet') : null);
    changes.polls = comparePolls(readPollList(previous?.directory ?? null), readPollList(staging) ?? []);
    writeJson(join(staging, 'changes.json'), changes);
  } finally {
    tableCounts.close();
  }
  logger.info('changes', {
    ru: previous ? `С прошлого снимка ${previous.id}: новых ${ru(changes.totals.new)}, получили ответ ${ru(changes.totals.answered)}, решено ${ru(changes.totals.resolved)}` : 'Прошлого снимка нет: изменения не считаются',
    en: previous ? `Since the previous snapshot ${previous.id}: new ${en(changes.totals.new)}, newly answered ${en(changes.totals.answered)}, newly resolved ${en(changes.totals.resolved)}` : 'No previous snapshot: no changes counted',
  }, changes.totals as unknown as Record<string, number>);

  const hashes = await bulkFileHashes(results);
  const manifest = { ...buildManifest(config, id, now, results, carried, staging, tableCounts.rows, hashes), pollDatasets };
  writeJson(join(staging, 'manifest.json'), manifest);

  const directory = join(root, id);
  renameSync(staging, directory);
  if (options.switchLatest) publishLatest(root, id);
  if (options.temporary) {
    logger.info('snapshot', {
      ru: `Снимок ${id} записан во временную папку, которую пробный запуск затем удалит`,
      en: `Snapshot ${id} written to a temporary folder, which the dry run then removes`,
    });
  } else {
    logger.info('snapshot', {
      ru: `Снимок ${id} записан${options.switchLatest ? ' и стал текущим (latest.json); сайт покажет его после сборки' : ''}: ${directory}`,
      en: `Snapshot ${id} written${options.switchLatest ? ' and made the latest (latest.json); the site shows it once built' : ''}: ${directory}`,
    });
  }
  return { id, directory, manifest };
}

/**
 * Loads every source's rows into one database and writes the two Parquet tables. Rows held in JS
 * (sources read without a database, and those kept from the previous snapshot) are appended to
 * `appeals_memory` and `status_events_memory`. Sources read in bulk (etl/bulk/) or streamed row by
 * row (appeal-sink.ts) already left theirs in the shared database. The views `appeals` and
 * `status_events` join all of them, and the aggregates and changes queries read those views.
 */
async function writeTables(staging: string, results: SourceResult[], carried: Map<string, ManifestSource>, previous: PreviousSnapshot | null, logger: Logger) {
  const bulk = results.flatMap((result) => (result.bulk ? [result.bulk] : []));
  const shared = bulk[0]?.database ?? null;
  if (bulk.some((tables) => tables.database !== shared)) {
    throw new Error('Sources read in bulk must share one database; read them with one runAllSources call');
  }
  const { instance, connection } = shared ?? (await openDatabase());
  const close = () => {
    if (shared) {
      shared.close();
      return;
    }
    connection.closeSync();
    instance.closeSync();
  };

  try {
    await createTable(connection, 'appeals_memory', APPEAL_COLUMNS);
    await createTable(connection, 'status_events_memory', STATUS_EVENT_COLUMNS);
    for (const result of results) {
      await appendRows(connection, 'appeals_memory', APPEAL_COLUMNS, result.appeals as unknown as Record<string, unknown>[]);
      await appendRows(connection, 'status_events_memory', STATUS_EVENT_COLUMNS, result.events as unknown as Record<string, unknown>[]);
    }
    for (const sourceId of carried.keys()) {
      const where = `WHERE source = ${sqlString(sourceId)}`;
      await connection.run(`INSERT INTO appeals_memory SELECT * FROM read_parquet(${sqlString(join(previous!.directory, 'appeals.parquet'))}) ${where}`);
      await connection.run(`INSERT INTO status_events_memory SELECT * FROM read_parquet(${sqlString(join(previous!.directory, 'status_events.parquet'))}) ${where}`);
    }
    // The in-memory table joins the views only when it has rows or is all there is, because a
    // union with it turns the bulk tables' ENUM columns into text, which is slower to filter.
    const memoryRows = await countRows(connection, 'appeals_memory');
    const memoryEvents = await countRows(connection, 'status_events_memory');
    // A single source in the database has one region and one source id. Its appeals view and its
    // sorted events view already list rows in the order of the Parquet files, so nothing is sorted
    // here.
    const onlyBulk = bulk.length === 1 && memoryRows === 0 && memoryEvents === 0;
    await createUnionView(connection, 'appeals', memoryRows > 0 || bulk.length === 0 ? 'appeals_memory' : null, bulk.map((tables) => tables.appeals));
    await createUnionView(connection, 'status_events', memoryEvents > 0 || bulk.length === 0 ? 'status_events_memory' : null, bulk.map((tables) => (onlyBulk ? tables.sortedEvents : tables.events)));

    // Sorted by region, district and time so that row-group statistics let a reader skip groups
    // when it filters on these columns over HTTP range requests. The sort runs on the views' own
    // columns, and the outer select casts them to the schema's types.
    const appealsOrder = onlyBulk ? '' : 'ORDER BY region, district, created_at, appeal_id';
    const eventsOrder = onlyBulk ? '' : 'ORDER BY source, appeal_id, sequence';
    // COPY reports the rows it wrote, so the views need no count of their own.
    const { rowsChanged: appeals } = await connection.run(`COPY (SELECT ${castColumns(APPEAL_COLUMNS)} FROM (SELECT * FROM appeals ${appealsOrder}))
      TO '${join(staging, 'appeals.parquet')}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`);
    // Readers fetch an appeal's events by range requests and seldom the whole file, so the events
    // take zstd level 1. On the 2.8 million events of bench:etl it wrote 20% faster than the
    // default level 3, and the file grew by 3%.
    const { rowsChanged: events } = await connection.run(`COPY (SELECT ${castColumns(STATUS_EVENT_COLUMNS)} FROM (SELECT * FROM status_events ${eventsOrder}))
      TO '${join(staging, 'status_events.parquet')}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 100000)`);
    logger.info('write', {
      ru: `Записано: обращений ${ru(appeals)}, событий ${ru(events)}`,
      en: `Written: appeals ${en(appeals)}, status events ${en(events)}`,
    }, { appeals, events });

    return {
      connection,
      rows: { 'appeals.parquet': appeals, 'status_events.parquet': events } as Record<string, number>,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

async function createUnionView(connection: DuckDBConnection, view: string, memoryTable: string | null, bulkViews: readonly string[]): Promise<void> {
  const parts = [...(memoryTable ? [memoryTable] : []), ...bulkViews].map((name) => `SELECT * FROM ${name}`);
  await connection.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${parts.join(' UNION ALL ')}`);
}

/** Columns whose row-group statistics readers use to skip groups: the sort keys of appeals.parquet. */
const STATISTICS_COLUMNS = new Set(['region', 'district', 'source', 'appeal_id']);

/**
 * Selects the schema columns for a Parquet file. Text columns of bulk-read sources are ENUM, which
 * DuckDB writes as UTF8 strings as it writes VARCHAR, so they go out without a cast of every
 * value. DuckDB gives an ENUM column the min/max statistics of its whole dictionary, though, so
 * the sort keys are cast to VARCHAR to keep their statistics tight. Other columns are cast to
 * their schema types.
 */
function castColumns(columns: readonly ColumnDefinition[]): string {
  return columns
    .map((column) => (column.type === 'VARCHAR' && !STATISTICS_COLUMNS.has(column.name) ? `"${column.name}"` : `"${column.name}"::${column.type} AS "${column.name}"`))
    .join(', ');
}

async function countRows(connection: DuckDBConnection, table: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS count FROM ${table}`);
  return Number(reader.getRowsJS()[0][0]);
}

async function writeAggregates(staging: string, id: string, regions: Map<string, Region>, results: SourceResult[], carried: Map<string, ManifestSource>, connection: Awaited<ReturnType<typeof openDatabase>>['connection']): Promise<Aggregates> {
  const aggregates: Aggregates = { snapshot: id, regions: [] };
  const regionsWithSources = new Set(results.map((result) => result.source.region));
  for (const region of regions.values()) {
    if (!regionsWithSources.has(region.config.id)) continue;
    const boundariesPath = `boundaries/${region.config.id}.geojson`;
    writeJson(join(staging, boundariesPath), simplifiedBoundaries(region));

    const asOfs = results
      .filter((result) => result.source.region === region.config.id)
      .map((result) => result.asOf ?? (carried.get(result.source.id)?.asOf ? Date.parse(carried.get(result.source.id)!.asOf!) : null))
      .filter((asOf): asOf is number => asOf !== null);
    const asOf = asOfs.length ? Math.max(...asOfs) : null;
    aggregates.regions.push(await aggregateRegion(connection, region, boundariesPath, asOf));
  }
  writeJson(join(staging, 'aggregates.json'), aggregates);
  return aggregates;
}

/**
 * Writes rejects.csv: every row a source turned down or dropped as a duplicate, then every row of
 * a poll dataset that could not be read, with the dataset's id as its source. Returns the count of
 * rows written.
 */
async function writeRejects(staging: string, results: SourceResult[], pollRejects: BuildPollsResult['rejects'], connection: DuckDBConnection): Promise<number> {
  const header = REJECT_COLUMNS.map((column) => column.name);
  const toLine = (row: unknown[]) => row.map(csvField).join(',');

  const lines = [header.join(',')];
  for (const result of results) {
    for (const reject of result.rejects) lines.push(toLine(header.map((name) => reject[name as keyof typeof reject])));
    if (!result.bulk?.rejects) continue;
    const stream = await connection.stream(`SELECT ${header.map((name) => `"${name}"`).join(', ')} FROM ${result.bulk.rejects} ORDER BY stage, file_index, row`);
    for await (const rows of stream.yieldRowsJs()) {
      for (const row of rows) lines.push(toLine([...row]));
    }
  }
  for (const reject of pollRejects) lines.push(toLine(header.map((name) => (name === 'source' ? reject.dataset : reject[name as keyof typeof reject]))));
  writeFileSync(join(staging, 'rejects.csv'), lines.join('\n') + '\n');
  return lines.length - 1;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Waits for the SHA-256 of every file that a source read in bulk, by path. */
async function bulkFileHashes(results: SourceResult[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const result of results) {
    for (const [path, digest] of result.bulk?.sha256 ?? []) hashes.set(path, await digest);
  }
  return hashes;
}

function buildManifest(
  config: Config,
  id: string,
  now: number,
  results: SourceResult[],
  carried: Map<string, ManifestSource>,
  staging: string,
  rows: Record<string, number>,
  hashes: ReadonlyMap<string, string>,
): Omit<Manifest, 'pollDatasets'> {
  const counts = { read: 0, accepted: 0, rejected: 0, duplicates: 0 };
  for (const result of results) {
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += result.counts[key];
  }

  const sources: ManifestSource[] = results.map((result): ManifestSource => {
    const stale = carried.get(result.source.id);
    if (stale) return { ...stale, coverage: result.source.coverage ?? null, status: 'stale', staleReason: `${result.failure!.ru} · ${result.failure!.en}`, staleSince: stale.staleSince ?? stale.asOf };
    if (result.failure) return { ...freshSource(config, result, hashes), status: 'failed', staleReason: `${result.failure.ru} · ${result.failure.en}` };
    return freshSource(config, result, hashes);
  });

  const regionsWithSources = new Set(results.map((result) => result.source.region));
  const references = config.regions.filter((region) => regionsWithSources.has(region.id)).flatMap((region) => [
    { path: publishedPath(config.root, region.boundaries.file), licence: region.boundaries.licence, attribution: region.boundaries.attribution },
    ...(region.population?.file ? [{ path: publishedPath(config.root, region.population.file), licence: region.population.licence, attribution: region.population.attribution }] : []),
  ]);

  return {
    schemaVersion: SCHEMA_VERSION,
    snapshot: id,
    createdAt: new Date(now).toISOString(),
    counts,
    sources,
    references,
    files: listFiles(staging).map((path): ManifestFile => ({
      path,
      bytes: statSync(join(staging, path)).size,
      sha256: sha256(join(staging, path)),
      rows: rows[path] ?? null,
    })),
  };
}

function freshSource(config: Config, result: SourceResult, hashes: ReadonlyMap<string, string>): ManifestSource {
  return {
    id: result.source.id,
    format: result.source.format,
    region: result.source.region,
    title: result.source.title,
    url: result.source.url,
    licence: result.source.licence,
    attribution: result.source.attribution,
    coverage: result.source.coverage ?? null,
    files: result.source.files
      .filter((path) => existsSync(path))
      .map((path) => ({ path: publishedPath(config.root, path), sha256: hashes.get(path) ?? sha256(path), bytes: statSync(path).size })),
    asOf: result.asOf === null ? null : new Date(result.asOf).toISOString(),
    asOfRule: result.asOfRule,
    period: result.period ? { from: new Date(result.period.from).toISOString(), to: new Date(result.period.to).toISOString() } : null,
    counts: result.counts,
    reasons: result.reasons,
    districtRules: result.districtRules,
    districtFlags: result.districtFlags,
    warnings: result.warnings,
    differingDuplicates: result.differingDuplicates,
    status: 'ok',
    staleReason: null,
    staleSince: null,
  };
}

/**
 * Names an input file in the manifest: its path inside the project, or only its name when it lies
 * elsewhere, so that a published manifest does not show the server's folders.
 */
export function publishedPath(root: string, path: string): string {
  const inside = relative(root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? basename(path) : inside;
}

function listFiles(directory: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(directory, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(directory, path));
    else if (path !== 'manifest.json') files.push(path);
  }
  return files;
}

/** Bytes read at a time by sha256, so that a large input file is never held in memory whole. */
const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

export function sha256(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  const descriptor = openSync(path, 'r');
  try {
    for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(descriptor);
  }
  return hash.digest('hex');
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value) + '\n');
}

/** Replaces the `latest` pointer by writing a new file aside and renaming it over the old one. */
export function publishLatest(root: string, id: string): void {
  const temporary = join(root, `${LATEST_POINTER}.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify({ snapshot: id }) + '\n');
  renameSync(temporary, join(root, LATEST_POINTER));
}

/** Reads the id of the published snapshot, or null when nothing was published yet. */
export function readLatest(root: string): string | null {
  const path = join(root, LATEST_POINTER);
  if (!existsSync(path)) return null;
  return (JSON.parse(readFileSync(path, 'utf8')) as { snapshot: string }).snapshot;
}

/** Removes folders left by runs that died before their rename. */
function removeIncomplete(root: string, logger: Logger): void {
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith(INCOMPLETE_PREFIX)) continue;
    const pid = Number(entry.split('-').at(-1));
    if (pid !== process.pid && isAlive(pid)) continue;
    rmSync(join(root, entry), { recursive: true, force: true });
    logger.warn('recover', {
      ru: `Удалена незавершённая папка прерванного запуска: ${entry}`,
      en: `Removed the unfinished folder of an interrupted run: ${entry}`,
    });
  }
}

export interface PreviousSnapshot {
  id: string;
  directory: string;
  manifest: Manifest;
}

/** Reads the published snapshot that this run follows, or null for the first run. */
export function readPreviousSnapshot(root: string): PreviousSnapshot | null {
  const id = readLatest(root);
  if (!id) return null;
  const directory = join(root, id);
  const manifestPath = join(directory, 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  return { id, directory, manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest };
}

/**
 * Picks the failed sources whose rows the previous snapshot holds: they are copied forward and
 * marked stale, keeping their previous as-of time, so readers see how old that data is.
 */
function carryFailedSources(results: SourceResult[], previous: PreviousSnapshot | null, logger: Logger): Map<string, ManifestSource> {
  const carried = new Map<string, ManifestSource>();
  for (const result of results) {
    if (!result.failure) continue;
    const before = previous?.manifest.sources.find((source) => source.id === result.source.id && source.status !== 'failed');
    if (!before) {
      logger.error('stale', {
        ru: `Для источника ${result.source.id} нет прошлых данных: в снимке его не будет`,
        en: `Source ${result.source.id} has no previous data: the snapshot will not include it`,
      });
      continue;
    }
    carried.set(result.source.id, before);
    logger.warn('stale', {
      ru: `Источник ${result.source.id}: оставлены данные из снимка ${previous!.id} (выгрузка ${before.asOf ?? '—'})`,
      en: `Source ${result.source.id}: data kept from snapshot ${previous!.id} (as of ${before.asOf ?? '—'})`,
    });
  }
  return carried;
}

/** Reads the poll ids and statuses of a snapshot folder's `polls.json`, or null without one. */
function readPollList(directory: string | null): { id: string; status: string }[] | null {
  const path = directory ? join(directory, 'polls.json') : null;
  if (!path || !existsSync(path)) return null;
  return (JSON.parse(readFileSync(path, 'utf8')) as { polls: { id: string; status: string }[] }).polls;
}

function logAggregates(logger: Logger, aggregates: Aggregates): void {
  const districts = aggregates.regions.reduce((sum, region) => sum + region.districts.length, 0);
  logger.info('aggregate', {
    ru: `Сводные показатели: регионов ${ru(aggregates.regions.length)}, районов ${ru(districts)}`,
    en: `Aggregates: regions ${en(aggregates.regions.length)}, districts ${en(districts)}`,
  });
}
