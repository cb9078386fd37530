// Memory benchmark of the portal path (`npm run bench:portal -- [options]`). It writes SYNTHETIC
// files into a temporary folder: the embedded «Наш Санкт-Петербург» records of the shipped
// configuration, repeated N times, each copy with its ids moved by N × 10,000,000 so that no copy
// repeats an id. It runs `etl run` and `etl check` on each file in their own processes and prints
// their time and peak resident set size, and the memory each added record costs.

import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';

import { describeMachine, megabytes, printRows, ROOT, runChild, seconds, type StepResult } from './measure.ts';

/** Added to a record's id once per copy. It is larger than any id of the embedded records. */
const ID_STEP = 10_000_000;

const USAGE = `Usage: npm run bench:portal -- [--copies N,N,…] [--keep]
  --copies  how many times the embedded records are repeated, one file each (default 1,5,20)
  --keep    keep the temporary folder and print its path`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      copies: { type: 'string', default: '1,5,20' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const copies = values.copies.split(',').map(Number);
  if (copies.length === 0 || copies.some((count) => !Number.isInteger(count) || count < 1)) {
    console.error(`--copies must list positive integers, got ${values.copies}\n${USAGE}`);
    process.exit(2);
  }
  return { copies: [...new Set(copies)].sort((a, b) => a - b), keep: values.keep };
}

interface ShippedSource {
  id: string;
  format: string;
  files: string[];
}

function shippedConfig(): { regions: Record<string, unknown>[]; sources: ShippedSource[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'config/open-district.json'), 'utf8'));
}

/** Reads the lines of the shipped portal source's files, which may be gzip-compressed. */
async function readEmbeddedLines(files: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const file of files) {
    const path = resolve(ROOT, file);
    const input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
    for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line.trim()) lines.push(line);
  }
  return lines;
}

/** Writes `copies` copies of the records, each copy's ids moved by its number times ID_STEP. */
async function writeCopies(path: string, lines: readonly string[], copies: number): Promise<number> {
  const output = createWriteStream(path);
  for (let copy = 0; copy < copies; copy += 1) {
    for (const line of lines) {
      const moved = line.replace(/^\{"id":(\d+)/, (_, id: string) => `{"id":${Number(id) + copy * ID_STEP}`);
      if (!output.write(`${moved}\n`)) await new Promise<void>((done) => output.once('drain', () => done()));
    }
  }
  await new Promise<void>((done, fail) => output.end((error?: Error | null) => (error ? fail(error) : done())));
  return lines.length * copies;
}

/** Writes the shipped configuration with its portal source pointed at `file`, without polls. */
function writeConfig(directory: string, file: string): string {
  const config = shippedConfig();
  const absolute = (path: string) => resolve(ROOT, path);
  for (const region of config.regions) {
    for (const key of ['boundaries', 'population', 'districtCodes', 'municipalities']) {
      const part = region[key] as { file?: string } | undefined;
      if (part?.file) part.file = absolute(part.file);
    }
  }
  const portal = config.sources.find((source) => source.format === 'spb-portal')!;
  const path = join(directory, 'config.json');
  writeFileSync(path, JSON.stringify({ ...config, polls: undefined, snapshots: { directory: join(directory, 'snapshots'), keep: 1, keepMonthEnds: false }, site: { directory: join(directory, 'published') }, sources: [{ ...portal, files: [file] }] }, null, 2));
  return path;
}

interface Measured {
  copies: number;
  records: number;
  bytes: number;
  run: StepResult;
  check: StepResult;
}

const options = parseOptions();
const directory = mkdtempSync(join(tmpdir(), 'open-district-bench-portal-'));
try {
  const portal = shippedConfig().sources.find((source) => source.format === 'spb-portal');
  if (!portal) throw new Error('config/open-district.json has no spb-portal source to repeat; add one or measure another configuration');
  const lines = await readEmbeddedLines(portal.files);
  console.log(`Embedded records of ${portal.id}: ${lines.length.toLocaleString('en-GB')} (${portal.files.join(', ')})`);

  const measured: Measured[] = [];
  for (const copies of options.copies) {
    const file = join(directory, `synthetic-portal-${copies}-copies.jsonl`);
    const records = await writeCopies(file, lines, copies);
    const config = writeConfig(directory, file);
    rmSync(join(directory, 'snapshots'), { recursive: true, force: true });
    const run = runChild(['etl', config]);
    const check = runChild(['check', config, file, 'spb-portal']);
    if (run.exitCode !== 0 || check.exitCode !== 0) throw new Error(`etl run exited with ${run.exitCode} and etl check with ${check.exitCode} on ${file}`);
    measured.push({ copies, records, bytes: statSync(file).size, run, check });
  }

  const rows: [string, string][] = [['machine', describeMachine()]];
  for (const { copies, records, bytes, run, check } of measured) {
    rows.push([`${copies} × (${records.toLocaleString('en-GB')} records, ${megabytes(bytes)} of JSON Lines)`, `etl run ${seconds(run.ms)}, peak RSS ${megabytes(run.peakRss)}; etl check ${seconds(check.ms)}, peak RSS ${megabytes(check.peakRss)}`]);
  }
  const [first, last] = [measured[0], measured.at(-1)!];
  if (last.records > first.records) {
    const perRecord = (key: 'run' | 'check') => (last[key].peakRss - first[key].peakRss) / (last.records - first.records);
    const estimate = (key: 'run' | 'check') => first[key].peakRss + perRecord(key) * (1_000_000 - first.records);
    rows.push(['peak RSS per added record', `etl run ${(perRecord('run') / 1024).toFixed(1)} KiB, etl check ${(perRecord('check') / 1024).toFixed(1)} KiB`]);
    // A line through small files overstates the estimate: on 5 December 2026, 1 and 3 copies gave
    // 7.1 GiB for etl run, and 1 and 20 copies 4.1 GiB.
    const caveat = last.copies < 10 ? '; files this small overstate it, so measure up to 20 copies or more' : '';
    rows.push(['estimate for 1,000,000 records', `etl run ${(estimate('run') / 1024 ** 3).toFixed(1)} GiB, etl check ${(estimate('check') / 1024 ** 3).toFixed(1)} GiB (straight line through the smallest and largest file${caveat})`]);
  }
  printRows(rows);
} finally {
  if (options.keep) console.log(`Kept ${directory}`);
  else rmSync(directory, { recursive: true, force: true });
}
