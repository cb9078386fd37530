// One measured step of the ETL benchmarks, run in its own process so that its peak memory is its
// own. `etl CONFIG` runs `etl run` through the CLI's main(), `check CONFIG FILE FORMAT` runs
// `etl check`, and `copy CSV PARQUET` runs a bare DuckDB CSV → Parquet COPY with the reader's own
// detection of the dialect and the column types. `floor CSV PARQUET MAPPING` runs the two COPY
// statements that any ETL writing sorted appeals and status events files makes at the least (see
// typedSortedCopy and sortedEventsCopy). Prints one JSON line on stdout with the wall time
// in milliseconds and the peak resident set size (VmHWM of /proc/self/status) in bytes.

import { readFileSync } from 'node:fs';

import { main } from '../etl/cli.ts';
import { openDatabase, sqlString } from '../etl/lib/duckdb.ts';
import { HEADER } from './etl-generate.ts';

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
} else if (mode === 'floor') {
  const [csv, parquet, mapping] = rest;
  const startedAt = performance.now();
  const { instance, connection } = await openDatabase();
  await connection.run(typedSortedCopy(csv, parquet, JSON.parse(readFileSync(mapping, 'utf8')).columns));
  await connection.run(sortedEventsCopy(parquet, parquet.replace(/\.parquet$/, '-events.parquet')));
  connection.closeSync();
  instance.closeSync();
  const ms = performance.now() - startedAt;
  process.stdout.write(JSON.stringify({ ms, peakRss: peakRss() }) + '\n');
} else {
  process.stderr.write(`usage: etl-child.ts etl CONFIG | check CONFIG FILE FORMAT | copy CSV PARQUET | floor CSV PARQUET MAPPING (got ${JSON.stringify(mode)})\n`);
  process.exitCode = 2;
}

/**
 * Builds the COPY of the benchmark's CSV (bench/etl-generate.ts: ';', dd.mm.yyyy HH:MM:SS times)
 * that every ETL writing appeals.parquet makes at the least. It reads the mapped columns as text,
 * parses the three times and casts the id and the point. It sorts the rows by district, creation
 * time and id, as appeals.parquet is sorted, into one Parquet file. It checks nothing and looks
 * nothing up.
 */
function typedSortedCopy(csv: string, parquet: string, columns: Record<string, string>): string {
  const column = (field: string) => `"${columns[field].replaceAll('"', '""')}"`;
  const time = (field: string) => `try_strptime(${column(field)}, '%d.%m.%Y %H:%M:%S') AS ${field}`;
  const cast = (field: string, type: string) => `try_cast(${column(field)} AS ${type}) AS ${field}`;
  const text = (field: string) => `${column(field)} AS ${field}`;
  const select = [
    cast('appeal_id', 'BIGINT'),
    time('created_at'),
    time('first_answer_at'),
    time('closed_at'),
    ...['status', 'category', 'rubric', 'agency', 'district_name'].map(text),
    cast('latitude', 'DOUBLE'),
    cast('longitude', 'DOUBLE'),
  ];
  // The columns are given as text, as the ETL's reader gives them (etl/bulk/stage.ts), which
  // reads faster than DuckDB's detection of the dialect and types.
  const types = `{${HEADER.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ')}}`;
  return `COPY (SELECT ${select.join(', ')} FROM read_csv(${sqlString(csv)}, delim = ';', header = true, quote = '"', escape = '"', auto_detect = false, columns = ${types})
    ORDER BY district_name, created_at, appeal_id) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`;
}

/**
 * Builds the COPY of the status events of the appeals in typedSortedCopy's Parquet file: the
 * petition, the first answer and the closing, sorted by appeal and sequence as status_events.parquet
 * is. It numbers them in a fixed order instead of by time.
 */
function sortedEventsCopy(appeals: string, events: string): string {
  const kinds = [
    ['created_at', 'petition', 'NULL'],
    ['first_answer_at', 'answer', 'NULL'],
    ['closed_at', 'status', 'status'],
  ];
  // The sort carries the kind as a number and the id as an integer, which sorts faster than text.
  const parts = kinds.map(([time, , status], index) =>
    `SELECT appeal_id, ${index + 1} AS sequence, ${time} AS "at", ${index}::UTINYINT AS kind_code, ${status} AS status
      FROM read_parquet(${sqlString(appeals)}) WHERE ${time} IS NOT NULL`);
  const kind = `CASE kind_code ${kinds.map(([, name], index) => `WHEN ${index} THEN '${name}'`).join(' ')} END`;
  return `COPY (SELECT appeal_id::VARCHAR AS appeal_id, 'synthetic' AS "source", sequence, "at", ${kind} AS kind, status
      FROM (${parts.join(' UNION ALL ')} ORDER BY appeal_id, sequence)) TO ${sqlString(events)} (FORMAT parquet, COMPRESSION zstd)`;
}
