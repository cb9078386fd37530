// ETL benchmark (`npm run bench:etl -- [options]`). It writes a seeded SYNTHETIC CSV shaped like a
// St Petersburg portal export (bench/etl-generate.ts) into a temporary folder and runs `etl run` on
// it with a one-source configuration. It also runs a bare DuckDB CSV → Parquet COPY of the same
// file, and prints the figures with the machine they were measured on. Each step runs in its own
// process (bench/etl-child.ts), which reports its wall time and peak resident set size.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { generateCsv, readTemplates } from './etl-generate.ts';
import { describeMachine, folderBytes, median, megabytes, printRows, ROOT, runChild, seconds, type StepResult } from './measure.ts';

/** Targets: ETL time against the bare COPY, peak memory of the ETL, and Parquet against CSV size. */
const TARGETS = { timeRatio: 1.5, peakRssBytes: 1.5 * 1024 ** 3, parquetShare: 0.2 };

/** The mapping of the generated CSV's columns to canonical fields. */
const MAPPING = join(ROOT, 'etl/mappings/spb-portal-export.json');

const USAGE = `Usage: npm run bench:etl -- [--rows N] [--seed N] [--encoding utf-8|windows-1251|both] [--fault-share X] [--repeat N] [--keep]
  --rows         rows of synthetic appeals to generate (default 1000000)
  --seed         seed of the generator (default 20201018)
  --encoding     encoding of the CSV; "both" measures UTF-8, then windows-1251 (default utf-8)
  --fault-share  share of rows spoilt on purpose to exercise rejects and duplicates (default 0.001)
  --repeat       runs of the bare COPY and of the ETL, taken in turns; medians are reported (default 3)
  --keep         keep the temporary folder and print its path`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '20201018' },
      encoding: { type: 'string', default: 'utf-8' },
      'fault-share': { type: 'string', default: '0.001' },
      repeat: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  const faultShare = Number(values['fault-share']);
  const repeat = Number(values.repeat);
  const encodings = values.encoding === 'both' ? (['utf-8', 'windows-1251'] as const) : [values.encoding];
  const invalid = (text: string) => {
    console.error(`${text}\n${USAGE}`);
    process.exit(2);
  };
  if (!Number.isInteger(rows) || rows < 1) invalid(`--rows must be a positive integer, got ${values.rows}`);
  if (!Number.isInteger(seed)) invalid(`--seed must be an integer, got ${values.seed}`);
  if (!(faultShare >= 0 && faultShare <= 1)) invalid(`--fault-share must be a number from 0 to 1, got ${values['fault-share']}`);
  if (!Number.isInteger(repeat) || repeat < 1) invalid(`--repeat must be a positive integer, got ${values.repeat}`);
  for (const encoding of encodings) if (encoding !== 'utf-8' && encoding !== 'windows-1251') invalid(`--encoding must be utf-8, windows-1251 or both, got ${encoding}`);
  return { rows, seed, faultShare, repeat, encodings: encodings as ('utf-8' | 'windows-1251')[], keep: values.keep };
}

/** Writes a configuration with the St Petersburg region of the shipped one and a single table source. */
function writeConfig(directory: string, csv: string): string {
  const shipped = JSON.parse(readFileSync(join(ROOT, 'config/open-district.json'), 'utf8'));
  const region = shipped.regions.find((candidate: { id: string }) => candidate.id === 'spb');
  const absolute = (path: string) => resolve(ROOT, path);
  region.boundaries.file = absolute(region.boundaries.file);
  if (region.population?.file) region.population.file = absolute(region.population.file);
  if (region.districtCodes) region.districtCodes.file = absolute(region.districtCodes.file);
  if (region.municipalities) region.municipalities.file = absolute(region.municipalities.file);

  const config = {
    snapshots: { directory: join(directory, 'snapshots'), keep: 3, keepMonthEnds: false },
    site: { directory: join(directory, 'published') },
    privacy: shipped.privacy,
    regions: [region],
    sources: [
      {
        id: 'synthetic-spb-export',
        format: 'table',
        region: 'spb',
        files: [csv],
        mapping: MAPPING,
        timeZone: 'Europe/Moscow',
        asOf: null,
        title: { ru: 'Синтетические обращения для замера скорости', en: 'Synthetic appeals for the benchmark' },
        url: null,
        licence: 'synthetic',
        attribution: { ru: 'Синтетические данные', en: 'Synthetic data' },
      },
    ],
  };
  const path = join(directory, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

function benchmark(directory: string, encoding: 'utf-8' | 'windows-1251', options: ReturnType<typeof parseOptions>, templates: ReturnType<typeof readTemplates>): boolean {
  const csv = join(directory, `synthetic-appeals-${encoding}.csv`);
  const generatedAt = performance.now();
  const csvBytes = generateCsv(csv, { rows: options.rows, seed: options.seed, encoding, faultShare: options.faultShare }, templates);
  console.log(`Generated ${options.rows.toLocaleString('en-GB')} synthetic rows (${encoding}, seed ${options.seed}) in ${seconds(performance.now() - generatedAt)}: ${csv}`);

  // The bare COPY reads a UTF-8 file, because DuckDB 1.5 decodes no windows-1251 by itself. For a
  // windows-1251 run it reads the UTF-8 file of the same rows.
  let utf8Csv = csv;
  if (encoding !== 'utf-8') {
    utf8Csv = join(directory, 'synthetic-appeals-utf-8-for-copy.csv');
    generateCsv(utf8Csv, { rows: options.rows, seed: options.seed, encoding: 'utf-8', faultShare: options.faultShare }, templates);
  }
  // The bare COPY and the ETL run in turns, so that a change in the machine's load falls on both.
  // Each ETL run starts from an empty snapshot folder and so compares with no previous snapshot.
  // One more run afterwards does compare, as a nightly run would.
  const config = writeConfig(directory, csv);
  const copies: StepResult[] = [];
  const floors: StepResult[] = [];
  const etls: StepResult[] = [];
  for (let run = 0; run < options.repeat; run += 1) {
    copies.push(runChild(['copy', utf8Csv, join(directory, 'bare-copy.parquet')]));
    floors.push(runChild(['floor', utf8Csv, join(directory, 'floor.parquet'), MAPPING]));
    rmSync(join(directory, 'snapshots'), { recursive: true, force: true });
    mkdirSync(join(directory, 'snapshots'));
    etls.push(runChild(['etl', config]));
  }
  const withPrevious = runChild(['etl', config]);
  const copyBytes = statSync(join(directory, 'bare-copy.parquet')).size;

  const etl = etls.at(-1)!;
  if (!etl.result) throw new Error(`etl run printed no result (exit code ${etl.exitCode}); its log: ${JSON.stringify(etl.log?.slice(-5))}`);
  const snapshot = etl.result.directory;
  const appealsBytes = statSync(join(snapshot, 'appeals.parquet')).size;
  const snapshotBytes = folderBytes(snapshot);
  const { counts } = etl.result;
  const etlMs = median(etls.map((run) => run.ms));
  const copyMs = median(copies.map((run) => run.ms));
  const floorMs = median(floors.map((run) => run.ms));
  const etlPeak = Math.max(...etls.map((run) => run.peakRss));
  const each = (runs: StepResult[]) => runs.map((run) => (run.ms / 1000).toFixed(2)).join(', ');

  const ratio = etlMs / copyMs;
  const rows: [string, string][] = [
    ['machine', describeMachine()],
    ['input', `${options.rows.toLocaleString('en-GB')} synthetic rows, ${encoding}, ${megabytes(csvBytes)} CSV`],
    ['etl run: counts', `read ${counts.read}, accepted ${counts.accepted}, rejected ${counts.rejected}, duplicates ${counts.duplicates} (exit code ${etl.exitCode})`],
    ['etl run: time', `${seconds(etlMs)} median of ${options.repeat} (${each(etls)} s)`],
    ['etl run: rows/s', Math.round(counts.read / (etlMs / 1000)).toLocaleString('en-GB')],
    ['etl run: peak RSS', `${megabytes(etlPeak)} (largest of ${options.repeat})`],
    ['etl run after a snapshot', `${seconds(withPrevious.ms)}, peak RSS ${megabytes(withPrevious.peakRss)} (changes counted against the previous snapshot)`],
    ['appeals.parquet', `${megabytes(appealsBytes)} (${((appealsBytes / csvBytes) * 100).toFixed(1)}% of the CSV)`],
    ['snapshot, all files', `${megabytes(snapshotBytes)} (${((snapshotBytes / csvBytes) * 100).toFixed(1)}% of the CSV)`],
    ['bare COPY: time', `${seconds(copyMs)} median of ${options.repeat} (${each(copies)} s)${encoding === 'utf-8' ? '' : ', on the UTF-8 file of the same rows'}`],
    ['bare COPY: peak RSS', megabytes(Math.max(...copies.map((run) => run.peakRss)))],
    ['bare COPY: Parquet', megabytes(copyBytes)],
    ['ETL / bare COPY', `${ratio.toFixed(2)}×`],
    ['floor: time', `${seconds(floorMs)} median of ${options.repeat} (${each(floors)} s)`],
    ['floor / bare COPY', `${(floorMs / copyMs).toFixed(2)}×`],
  ];
  printRows(rows);
  console.log('  The floor only types and sorts the mapped columns into an appeals file and writes its status events: no check, lookup or other file.');

  const steps = (etl.log ?? []).map((entry) => `${entry.step} ${seconds(entry.elapsedMs)}`);
  console.log(`  ETL log steps of the last run (time since start): ${steps.join(', ')}`);

  const checks = [
    [`ETL ≤ ${TARGETS.timeRatio}× bare COPY`, ratio <= TARGETS.timeRatio],
    [`peak RSS ≤ ${megabytes(TARGETS.peakRssBytes)}`, etlPeak <= TARGETS.peakRssBytes],
    [`appeals.parquet ≤ ${TARGETS.parquetShare * 100}% of the CSV`, appealsBytes <= TARGETS.parquetShare * csvBytes],
  ] as const;
  for (const [name, met] of checks) console.log(`  target ${name}: ${met ? 'met' : 'NOT met'}`);
  return checks.every(([, met]) => met);
}

const options = parseOptions();
const directory = mkdtempSync(join(tmpdir(), 'open-district-bench-'));
mkdirSync(join(directory, 'snapshots'));
try {
  const templates = readTemplates();
  let allMet = true;
  for (const encoding of options.encodings) {
    console.log(`\n== ${encoding} ==`);
    allMet = benchmark(directory, encoding, options, templates) && allMet;
  }
  process.exitCode = allMet ? 0 : 1;
} finally {
  if (options.keep) console.log(`Kept ${directory}`);
  else rmSync(directory, { recursive: true, force: true });
}
