// One measured step of the ETL benchmarks, run in its own process so that its peak memory is its
// own. `etl CONFIG` runs `etl run` through the CLI's main(), `check CONFIG FILE FORMAT` runs
// `etl check`, and `copy CSV PARQUET` runs a bare DuckDB CSV → Parquet COPY with the reader's own
// detection of the dialect and the column types. Prints one JSON line on stdout with the wall time
// in milliseconds and the peak resident set size (VmHWM of /proc/self/status) in bytes.

import { readFileSync } from 'node:fs';

import { main } from '../etl/cli.ts';
import { openDatabase, sqlString } from '../etl/lib/duckdb.ts';

const [mode, ...rest] = process.argv.slice(2);

/** Reads the peak resident set size of this process from /proc/self/status, in bytes. */
function peakRss(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error('VmHWM is missing from /proc/self/status; peak memory needs Linux procfs');
  return Number(match[1]) * 1024;
}

if (mode === 'etl') {
  const [config] = rest;
  const output: string[] = [];
  const log: unknown[] = [];
  const startedAt = performance.now();
  const exitCode = await main(['run', '--config', config, '--json'], (line) => output.push(line), (line) => log.push(JSON.parse(line)));
  const ms = performance.now() - startedAt;
  process.stdout.write(JSON.stringify({ ms, peakRss: peakRss(), exitCode, result: output.length ? JSON.parse(output.at(-1)!) : null, log }) + '\n');
} else if (mode === 'check') {
  const [config, file, format] = rest;
  const output: string[] = [];
  const startedAt = performance.now();
  const exitCode = await main(['check', file, '--format', format, '--config', config, '--json'], (line) => output.push(line), () => {});
  const ms = performance.now() - startedAt;
  process.stdout.write(JSON.stringify({ ms, peakRss: peakRss(), exitCode, result: output.length ? JSON.parse(output.at(-1)!) : null }) + '\n');
} else if (mode === 'copy') {
  const [csv, parquet] = rest;
  const startedAt = performance.now();
  const { instance, connection } = await openDatabase();
  await connection.run(`COPY (SELECT * FROM read_csv(${sqlString(csv)}))
    TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`);
  connection.closeSync();
  instance.closeSync();
  const ms = performance.now() - startedAt;
  process.stdout.write(JSON.stringify({ ms, peakRss: peakRss() }) + '\n');
} else {
  process.stderr.write(`usage: etl-child.ts etl CONFIG | check CONFIG FILE FORMAT | copy CSV PARQUET (got ${JSON.stringify(mode)})\n`);
  process.exitCode = 2;
}
