// Builds the poll part of a snapshot: reads every shipped poll dataset, checks the figures, draws
// the okrug layer and writes polls.parquet, poll_results.parquet, poll_okrugs.geojson and
// polls.json into one folder.

import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { appendRows, createTable, openDatabase, sqlString } from '../lib/duckdb.ts';
import { InputError } from '../lib/errors.ts';
import { en, ru, type Logger, type Message } from '../lib/log.ts';
import { rejectMessage, splitRejectMessage } from '../reasons.ts';
import { parseCsvWithLines } from './csv.ts';
import { readDegCsv } from './deg-csv.ts';
import { DUMA_CROSSWALK_FILE, MOSCOW_DISTRICTS_FILE, readOkrugLayer, type OkrugLayer } from './okrugs.ts';
import { readPabulib } from './pabulib.ts';
import { readRunningCountCsv, type Observation } from './running-count-csv.ts';
import { POLL_COLUMNS, POLL_OPTION_RESULT_COLUMNS, problem, type Poll, type PollBatch, type PollOptionResult, type PollProblem, type PollReject } from './schema.ts';
import { AG_MOS_POLLS, FKGS_YAKUTSK_2025, MOSCOW_DEG_2021, MOSCOW_DISTRICTS_CROSSWALK_FILE, PABULIB_CZESTOCHOWA_2020, POLL_DATASETS, type DatasetInfo } from './sources.ts';
import { buildPollsSummary } from './summary.ts';
import { readTranscribedCsv } from './transcribed-csv.ts';
import { validatePolls } from './validate.ts';

export const POLL_FILES = {
  polls: 'polls.parquet',
  results: 'poll_results.parquet',
  okrugs: 'poll_okrugs.geojson',
  summary: 'polls.json',
} as const;

const STEP = 'polls';

/** An administrator's own poll export in the transcribed-polls CSV format, named in the configuration. */
export interface PollImport extends DatasetInfo {
  /** Absolute path of the CSV file. */
  readonly file: string;
  /** City name shown for city-wide polls, e.g. "Москва". */
  readonly cityName: string;
}

export interface BuildPollsOptions {
  /** Data folder with the subfolders polls/ and geo/ (the repository's data/). */
  readonly dataDir: string;
  /** Folder to write into, created when missing. */
  readonly outDir: string;
  readonly logger: Logger;
  /** Extra datasets in the transcribed-polls CSV format, published beside the shipped ones. */
  readonly imports?: readonly PollImport[];
}

export interface BuildPollsResult {
  counts: {
    polls: number;
    results: number;
    rejects: number;
    problems: number;
    okrugs: number;
    okrugsWithMissingMembers: number;
  };
  /** Paths of the files written, keyed like POLL_FILES. */
  files: Record<keyof typeof POLL_FILES, string>;
  /** The datasets read, shipped and imported, with their origin and terms. */
  datasets: DatasetInfo[];
  /** Rows of the datasets that could not be read, each with its dataset's id. */
  rejects: Array<PollReject & { dataset: string }>;
}

interface DatasetBatch {
  dataset: string;
  batch: PollBatch;
  observations?: Observation[];
}

/**
 * Reads the shipped poll datasets from `dataDir` and writes the poll files into `outDir`. Throws
 * InputError when a data file is missing. Rows that cannot be read become rejects and doubtful
 * figures become problems. Neither stops the build.
 */
export async function buildPolls(options: BuildPollsOptions): Promise<BuildPollsResult> {
  const { dataDir, outDir, logger } = options;
  const geoDir = join(dataDir, 'geo');

  const datasets: DatasetInfo[] = [...POLL_DATASETS, ...(options.imports ?? []).map(({ id, region, title, originUrl, licence, attribution }) => ({ id, region, title, originUrl, licence, attribution }))];
  const batches = await readDatasets(dataDir, logger);
  const datasetOfPoll = new Map(batches.flatMap(({ dataset, batch }) => batch.polls.map((poll) => [poll.poll_id, dataset] as const)));
  for (const entry of options.imports ?? []) {
    await requireFile(entry.file);
    const batch = await readTranscribedCsv(entry.file, { region: entry.region, source: entry.id, licence: entry.licence, cityName: entry.cityName });
    rejectTakenPollIds(batch, basename(entry.file), datasetOfPoll);
    for (const poll of batch.polls) datasetOfPoll.set(poll.poll_id, entry.id);
    logBatch(entry.id, batch, logger);
    batches.push({ dataset: entry.id, batch });
  }
  const polls = batches.flatMap(({ batch }) => batch.polls);
  const results = batches.flatMap(({ batch }) => batch.results);
  const rejects = batches.flatMap(({ dataset, batch }) => batch.rejects.map((reject) => ({ ...reject, dataset })));

  await requireFile(join(geoDir, MOSCOW_DISTRICTS_CROSSWALK_FILE));
  const moscowDistricts = await readDistrictNames(join(geoDir, MOSCOW_DISTRICTS_CROSSWALK_FILE));
  const problems = [
    ...batches.flatMap(({ batch }) => batch.problems),
    ...validatePolls(polls, results),
    ...checkDistrictNames(polls, results, 'moscow', moscowDistricts),
  ];
  logProblems(problems, logger);

  await requireFile(join(geoDir, MOSCOW_DISTRICTS_FILE));
  await requireFile(join(geoDir, DUMA_CROSSWALK_FILE));
  const okrugLayer = await readOkrugLayer(geoDir);
  logOkrugs(okrugLayer, logger);

  await mkdir(outDir, { recursive: true });
  const files = {
    polls: join(outDir, POLL_FILES.polls),
    results: join(outDir, POLL_FILES.results),
    okrugs: join(outDir, POLL_FILES.okrugs),
    summary: join(outDir, POLL_FILES.summary),
  };
  await writeParquet(polls, results, files);
  await writeFile(files.okrugs, JSON.stringify(okrugLayer.collection));

  const summary = buildPollsSummary({
    datasets,
    pollDatasets: new Map(batches.flatMap(({ dataset, batch }) => batch.polls.map((poll) => [poll.poll_id, dataset] as const))),
    polls,
    results,
    problems,
    rejects,
    observations: new Map(batches.flatMap((entry) => (entry.observations ? entry.batch.polls.map((poll) => [poll.poll_id, entry.observations!] as const) : []))),
    okrugs: okrugLayer.report,
    okrugLayerFile: POLL_FILES.okrugs,
  });
  await writeFile(files.summary, JSON.stringify(summary));

  const counts = {
    polls: polls.length,
    results: results.length,
    rejects: rejects.length,
    problems: problems.length,
    okrugs: okrugLayer.collection.features.length,
    okrugsWithMissingMembers: okrugLayer.report.okrugsWithMissingMembers.length,
  };
  // The folder is the snapshot's staging folder, renamed when the snapshot is complete, so it is not named.
  logger.info(STEP, {
    ru: `Файлы опросов записаны в снимок: опросов ${ru(counts.polls)}, строк итогов ${ru(counts.results)}, отклонённых строк ${ru(counts.rejects)}`,
    en: `Poll files written to the snapshot: polls ${en(counts.polls)}, result rows ${en(counts.results)}, rejected rows ${en(counts.rejects)}`,
  }, counts);
  return { counts, files, datasets, rejects };
}

async function readDatasets(dataDir: string, logger: Logger): Promise<DatasetBatch[]> {
  const batches: DatasetBatch[] = [];

  const agPath = join(dataDir, AG_MOS_POLLS.file);
  await requireFile(agPath);
  batches.push({
    dataset: AG_MOS_POLLS.id,
    batch: await readTranscribedCsv(agPath, {
      region: AG_MOS_POLLS.region,
      source: AG_MOS_POLLS.id,
      licence: AG_MOS_POLLS.licence,
      cityName: AG_MOS_POLLS.cityName,
      pollFacts: AG_MOS_POLLS.pollFacts,
    }),
  });

  const degPath = join(dataDir, MOSCOW_DEG_2021.file);
  await requireFile(degPath);
  batches.push({
    dataset: MOSCOW_DEG_2021.id,
    batch: await readDegCsv(degPath, {
      poll: { ...MOSCOW_DEG_2021.poll, region: MOSCOW_DEG_2021.region, source: MOSCOW_DEG_2021.id, source_url: MOSCOW_DEG_2021.originUrl, licence: MOSCOW_DEG_2021.licence },
    }),
  });

  const pabulibDir = join(dataDir, PABULIB_CZESTOCHOWA_2020.folder);
  await requireFile(pabulibDir);
  const pabulibFiles = (await readdir(pabulibDir)).filter((name) => name.endsWith('.pb')).sort();
  const pabulib: PollBatch = { polls: [], results: [], rejects: [], problems: [] };
  for (const name of pabulibFiles) {
    const batch = await readPabulib(join(pabulibDir, name), {
      region: PABULIB_CZESTOCHOWA_2020.region,
      source: PABULIB_CZESTOCHOWA_2020.id,
      sourceUrl: PABULIB_CZESTOCHOWA_2020.originUrl,
      licence: PABULIB_CZESTOCHOWA_2020.licence,
      topic: PABULIB_CZESTOCHOWA_2020.topic,
    });
    pabulib.polls.push(...batch.polls);
    pabulib.results.push(...batch.results);
    pabulib.rejects.push(...batch.rejects);
    pabulib.problems.push(...batch.problems);
  }
  batches.push({ dataset: PABULIB_CZESTOCHOWA_2020.id, batch: pabulib });

  const fkgsPath = join(dataDir, FKGS_YAKUTSK_2025.file);
  await requireFile(fkgsPath);
  const fkgs = await readRunningCountCsv(fkgsPath, {
    poll: { ...FKGS_YAKUTSK_2025.poll, region: FKGS_YAKUTSK_2025.region, source: FKGS_YAKUTSK_2025.id, source_url: FKGS_YAKUTSK_2025.originUrl, licence: FKGS_YAKUTSK_2025.licence },
    areaKind: 'municipality',
    area: FKGS_YAKUTSK_2025.area,
    timeZone: FKGS_YAKUTSK_2025.timeZone,
    optionIds: FKGS_YAKUTSK_2025.optionIds,
  });
  batches.push({ dataset: FKGS_YAKUTSK_2025.id, batch: fkgs, observations: fkgs.observations });
  logger.info(STEP, {
    ru: `${FKGS_YAKUTSK_2025.id}: ${ru(fkgs.textCountsRead)} ячеек с текстом «Всего проголосовало:» сведены к числу`,
    en: `${FKGS_YAKUTSK_2025.id}: ${en(fkgs.textCountsRead)} cells with the text "Всего проголосовало:" were reduced to their number`,
  });

  for (const { dataset, batch } of batches) logBatch(dataset, batch, logger);
  return batches;
}

function logBatch(dataset: string, batch: PollBatch, logger: Logger): void {
  const counts = { polls: batch.polls.length, results: batch.results.length, rejects: batch.rejects.length, problems: batch.problems.length };
  logger.info(STEP, { ru: `${dataset}: прочитано опросов ${ru(counts.polls)}, строк результатов ${ru(counts.results)}`, en: `${dataset}: polls read: ${en(counts.polls)}, result rows: ${en(counts.results)}` }, counts);
  logRejects(dataset, batch.rejects, logger);
}

/**
 * Takes out of an imported batch every poll whose id another dataset already uses, with its
 * results, and rejects it: an import must never replace a shipped poll or an earlier import's.
 */
function rejectTakenPollIds(batch: PollBatch, file: string, datasetOfPoll: ReadonlyMap<string, string>): void {
  const usedIds = new Set(batch.polls.map((poll) => poll.poll_id).filter((id) => datasetOfPoll.has(id)));
  if (usedIds.size === 0) return;
  for (const id of usedIds) {
    const message = rejectMessage({
      ru: `идентификатор опроса уже занят набором данных ${datasetOfPoll.get(id)}; дайте импортируемому опросу другой poll_id`,
      en: `the poll id is already used by the dataset ${datasetOfPoll.get(id)}; give the imported poll another poll_id`,
    });
    batch.rejects.push({ file, row: 1, record_id: id, field: 'poll_id', value: id, reason: 'duplicate_poll_id', message });
  }
  batch.polls = batch.polls.filter((poll) => !usedIds.has(poll.poll_id));
  batch.results = batch.results.filter((result) => !usedIds.has(result.poll_id));
  batch.problems = batch.problems.filter((entry) => entry.poll_id === null || !usedIds.has(entry.poll_id));
}

async function requireFile(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new InputError({
      ru: `Не найден файл ${path}, нужный для опросов; восстановите его из репозитория (происхождение файлов — в data/polls/SOURCES.md)`,
      en: `File ${path}, needed for the polls, not found; restore it from the repository (data/polls/SOURCES.md lists where each file comes from)`,
    });
  }
}

async function readDistrictNames(path: string): Promise<Set<string>> {
  const [header, ...rows] = parseCsvWithLines(await readFile(path, 'utf8')).records;
  const column = header.fields.indexOf('name');
  return new Set(rows.map((row) => row.fields[column]?.trim()).filter((name): name is string => Boolean(name)));
}

/** Flags district rows of a region's polls whose name is not in the region's district list. */
export function checkDistrictNames(polls: readonly Poll[], results: readonly PollOptionResult[], region: string, districts: ReadonlySet<string>): PollProblem[] {
  const regionPolls = new Set(polls.filter((poll) => poll.region === region).map((poll) => poll.poll_id));
  const seen = new Set<string>();
  const problems: PollProblem[] = [];
  for (const result of results) {
    if (!regionPolls.has(result.poll_id) || result.area_kind !== 'district' || districts.has(result.area)) continue;
    const key = `${result.poll_id}\u0000${result.area}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(
      problem('unknown_district', {
        poll_id: result.poll_id,
        area: result.area,
        message: {
          ru: `Опрос ${result.poll_id}: района «${result.area}» нет в справочнике районов; исправьте название, иначе результат не попадёт на карту`,
          en: `Poll ${result.poll_id}: district "${result.area}" is not in the district list; fix the name, or the result stays off the map`,
        },
      }),
    );
  }
  return problems;
}

async function writeParquet(polls: readonly Poll[], results: readonly PollOptionResult[], files: { polls: string; results: string }): Promise<void> {
  const { instance, connection } = await openDatabase();
  try {
    await createTable(connection, 'polls', POLL_COLUMNS);
    await appendRows(connection, 'polls', POLL_COLUMNS, polls as unknown as Iterable<Record<string, unknown>>);
    await connection.run(`COPY polls TO ${sqlString(files.polls)} (FORMAT parquet, COMPRESSION zstd)`);

    await createTable(connection, 'poll_results', POLL_OPTION_RESULT_COLUMNS);
    await appendRows(connection, 'poll_results', POLL_OPTION_RESULT_COLUMNS, results as unknown as Iterable<Record<string, unknown>>);
    await connection.run(`COPY poll_results TO ${sqlString(files.results)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Writes the poll summary and okrug layer of a configuration without polls: no dataset, no poll,
 * and no okrug, so that the site builds its poll pages empty.
 */
export async function writeEmptyPolls(outDir: string): Promise<void> {
  const okrugs = { okrugs: [], okrugsWithMissingMembers: [], unplacedDistricts: [], unknownDistricts: [], invalidRows: [] };
  const summary = buildPollsSummary({
    datasets: [],
    pollDatasets: new Map(),
    polls: [],
    results: [],
    problems: [],
    rejects: [],
    observations: new Map(),
    okrugs,
    okrugLayerFile: POLL_FILES.okrugs,
  });
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, POLL_FILES.summary), JSON.stringify(summary));
  await writeFile(join(outDir, POLL_FILES.okrugs), JSON.stringify({ type: 'FeatureCollection', features: [] }));
}

/**
 * Logs the rejects of a dataset: one line per reason with its count, the first line it hit and that
 * line's message, each half in its own language.
 */
function logRejects(dataset: string, rejects: readonly PollReject[], logger: Logger): void {
  const byReason = new Map<string, PollReject[]>();
  for (const reject of rejects) byReason.set(reject.reason, [...(byReason.get(reject.reason) ?? []), reject]);
  for (const [reason, entries] of byReason) {
    const first = entries[0];
    const message = splitRejectMessage(first.message);
    logger.warn(
      STEP,
      {
        ru: `${dataset}: отклонено строк — ${ru(entries.length)}, причина ${reason}; первая отклонённая строка: ${first.file}, строка ${first.row} (${message.ru}); все перечислены в rejects.csv снимка`,
        en: `${dataset}: rows rejected: ${en(entries.length)}, reason ${reason}; the first rejected row: ${first.file}, line ${first.row} (${message.en}); the snapshot's rejects.csv lists them all`,
      },
      { rejects: entries.length },
    );
  }
}

function logProblems(problems: readonly PollProblem[], logger: Logger): void {
  for (const entry of problems) logger.warn(STEP, entry.message);
}

function logOkrugs(layer: OkrugLayer, logger: Logger): void {
  const { okrugsWithMissingMembers, unplacedDistricts, unknownDistricts, invalidRows } = layer.report;
  logger.info(
    STEP,
    {
      ru: `Слой одномандатных округов Госдумы в Москве (${DUMA_CROSSWALK_FILE}): округов ${layer.collection.features.length}; округа, чей список районов в таблице неполон или пуст, так что их граница на карте опросов неполна: ${okrugsWithMissingMembers.join(', ') || 'нет'}; районов Москвы, не отнесённых ни к одному округу: ${ru(unplacedDistricts.length)}`,
      en: `Layer of Moscow's single-member State Duma okrugs (${DUMA_CROSSWALK_FILE}): ${layer.collection.features.length} okrugs; okrugs whose list of districts in the crosswalk is incomplete or empty, so that their outline on the poll map is partial: ${okrugsWithMissingMembers.join(', ') || 'none'}; Moscow districts placed in no okrug: ${en(unplacedDistricts.length)}`,
    },
    { okrugs: layer.collection.features.length, okrugsWithMissingMembers: okrugsWithMissingMembers.length, unplacedDistricts: unplacedDistricts.length },
  );
  for (const name of unknownDistricts) {
    logger.warn(STEP, { ru: `Район «${name}» из таблицы округов не найден в границах районов`, en: `District "${name}" of the okrug crosswalk has no polygon in the district boundaries` });
  }
  for (const row of invalidRows) {
    logger.warn(STEP, { ru: `Строка таблицы округов пропущена: ${row.ru}; исправьте её в ${DUMA_CROSSWALK_FILE}`, en: `Okrug crosswalk row skipped: ${row.en}; fix it in ${DUMA_CROSSWALK_FILE}` });
  }
}
