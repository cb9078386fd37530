// Paths to the real input files used as test fixtures, and a builder for a test configuration.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { loadConfig, type Config } from '../../etl/config.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/** 2,000 contiguous «Наш Санкт-Петербург» records (ids 2947909–2968137). */
export const SPB_SLICE = join(ROOT, 'data/spb_nash_peterburg/appeals_ids_2947909-2968137.jsonl');

export const CONFIG_PATH = join(ROOT, 'config/open-district.json');

/** The shipped configuration with its one source pointed at `files` and snapshots in a temporary folder. */
export function testConfig(files: string[] = [SPB_SLICE]): Config & { cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'open-district-'));
  const config = loadConfig(CONFIG_PATH, ROOT);
  return {
    ...config,
    snapshots: { ...config.snapshots, directory },
    sources: config.sources.map((source) => ({ ...source, files })),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
