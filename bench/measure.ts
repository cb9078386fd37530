// Helpers shared by the ETL benchmarks: running one measured step in its own process (etl-child.ts),
// describing the machine, and formatting the figures they print.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
const CHILD = join(import.meta.dirname, 'etl-child.ts');

export interface StepResult {
  ms: number;
  peakRss: number;
  exitCode?: number;
  result?: { counts: { read: number; accepted: number; rejected: number; duplicates: number }; directory: string } | null;
  log?: { step: string; en: string; elapsedMs: number }[];
}

/** Runs one step of etl-child.ts in a new Node process and returns the figures it printed. */
export function runChild(args: string[]): StepResult {
  const output = execFileSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output.trim().split('\n').at(-1)!) as StepResult;
}

export function folderBytes(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

export function describeMachine(): string {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  return `${nproc} CPUs (nproc), ${model}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, Node ${process.version}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Prints name–value rows with the names padded to one width. */
export function printRows(rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n'));
}
