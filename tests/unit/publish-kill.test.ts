// A publish killed at any point leaves the previous site serving. The test runs the real command
// line (`etl/cli.ts publish`) with a real Astro build. One publish succeeds, then further publishes
// are killed with SIGKILL at several points. After each kill the pointer, the served site and the
// first snapshot's files must be unchanged. A final publish then takes over the stale lock and
// switches both, while a second publish started beside it exits with code 6.
//
// Each run is killed as a whole process group, as systemd does with a unit's control group: the
// tsx wrapper, the ETL process it starts and the Astro build that the ETL starts.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { Manifest } from '../../etl/aggregates-types.ts';
import { sha256 } from '../../etl/snapshot.ts';
import { CONFIG_PATH, ROOT, SPB_SLICE } from '../helpers/fixtures.ts';

const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const FIRST_RUN = '2026-12-04T00:00:00Z';
const FINAL_RUN = '2026-12-10T00:00:00Z';
/** Maximum wait for a publish to finish or reach a phase; a whole run took about 5 s on a 2-core machine. */
const RUN_TIMEOUT_MS = 90_000;

const folder = mkdtempSync(join(tmpdir(), 'open-district-publish-kill-'));
const snapshotsDirectory = join(folder, 'snapshots');
const siteDirectory = join(folder, 'published');
const buildsDirectory = join(siteDirectory, 'builds');
const configPath = join(folder, 'open-district.json');

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Starts `publish` in its own process group, so that a kill reaches every process of the run. */
function startPublish(now: string): Run {
  // OPEN_DISTRICT_SNAPSHOTS would override the temporary folders of the configuration.
  const { OPEN_DISTRICT_SNAPSHOTS: _folder, OPEN_DISTRICT_SNAPSHOT: _id, ...env } = process.env;
  const child = spawn(process.execPath, [TSX_CLI, 'etl/cli.ts', 'publish', '--config', configPath, '--now', now], {
    cwd: ROOT,
    env: { ...env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

async function finish(run: Run): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`publish did not finish within ${RUN_TIMEOUT_MS} ms:\n${run.output()}`)), RUN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function groupExists(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kills every process of a run and waits until the whole group is gone, because the lock treats
 * an owner that still exists (even one not yet reaped) as a live run.
 */
async function killRun(run: Run): Promise<void> {
  const groupId = run.child.pid!;
  process.kill(-groupId, 'SIGKILL');
  await run.exited;
  const deadline = Date.now() + 10_000;
  while (groupExists(groupId)) {
    if (Date.now() > deadline) throw new Error(`processes of group ${groupId} still exist 10 s after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until `condition` holds; fails when the run exits first or the timeout passes. */
async function waitFor(run: Run, description: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (!condition()) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      throw new Error(`publish exited before ${description}:\n${run.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function incompleteEntries(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).filter((name) => name.startsWith('.incomplete-')) : [];
}

function readLatestId(): string {
  return (JSON.parse(readFileSync(join(snapshotsDirectory, 'latest.json'), 'utf8')) as { snapshot: string }).snapshot;
}

function readLockOwner(): { pid: number; startedAt: string } | null {
  try {
    return JSON.parse(readFileSync(join(snapshotsDirectory, '.lock'), 'utf8'));
  } catch {
    return null;
  }
}

/** Lists the files of a snapshot whose SHA-256 differs from its manifest, or that are missing. */
function mismatchedFiles(id: string): string[] {
  const directory = join(snapshotsDirectory, id);
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as Manifest;
  return manifest.files.filter((file) => !existsSync(join(directory, file.path)) || sha256(join(directory, file.path)) !== file.sha256).map((file) => file.path);
}

const current = join(siteDirectory, 'current');
let firstId: string;
let firstRun: Awaited<ReturnType<typeof finish>>;

beforeAll(async () => {
  const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));
  config.snapshots.directory = snapshotsDirectory;
  config.site.directory = siteDirectory;
  config.sources[0].files = [SPB_SLICE];
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const run = startPublish(FIRST_RUN);
  firstRun = await finish(run);
  if (firstRun.code !== 0) throw new Error(`the first publish exited with ${firstRun.code ?? firstRun.signal}:\n${run.output()}`);
  firstId = readLatestId();
}, 180_000);

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Points at which a run is killed, each on its own later date so every run writes a new id. */
const KILL_POINTS: { name: string; now: string; reach: (run: Run) => Promise<void> }[] = [
  {
    name: 'after 300 ms',
    now: '2026-12-05T00:00:00Z',
    reach: () => new Promise((resolve) => setTimeout(resolve, 300)),
  },
  {
    name: 'after 1.5 s',
    now: '2026-12-06T00:00:00Z',
    reach: () => new Promise((resolve) => setTimeout(resolve, 1_500)),
  },
  {
    name: 'while the snapshot is written',
    now: '2026-12-07T00:00:00Z',
    reach: (run) => waitFor(run, 'a snapshots/.incomplete-* folder', () => incompleteEntries(snapshotsDirectory).length > 0),
  },
  {
    name: 'when the site build starts',
    now: '2026-12-08T00:00:00Z',
    reach: (run) => waitFor(run, 'a published/builds/.incomplete-* folder', () => incompleteEntries(buildsDirectory).length > 0),
  },
  {
    name: 'late in the site build',
    now: '2026-12-09T00:00:00Z',
    reach: (run) =>
      waitFor(run, 'index.html in a published/builds/.incomplete-* folder', () =>
        incompleteEntries(buildsDirectory).some((name) => existsSync(join(buildsDirectory, name, 'index.html'))),
      ),
  },
];

describe('first publish', () => {
  test('exits with code 0', () => {
    expect(firstRun.code).toBe(0);
  });

  test('serves its snapshot', () => {
    expect(readlinkSync(current)).toBe(join('builds', firstId));
  });
});

describe.each(KILL_POINTS)('publish killed $name', ({ now, reach }) => {
  let runningAtKill = false;

  beforeAll(async () => {
    const run = startPublish(now);
    try {
      await reach(run);
    } finally {
      runningAtKill = run.child.exitCode === null && run.child.signalCode === null;
      await killRun(run);
    }
  }, 120_000);

  test('was still running at the kill', () => {
    expect(runningAtKill).toBe(true);
  });

  test('keeps latest.json', () => {
    expect(readLatestId()).toBe(firstId);
  });

  test('keeps the served build', () => {
    expect(readlinkSync(current)).toBe(join('builds', firstId));
  });

  test('keeps index.html served', () => {
    expect(existsSync(join(current, 'index.html'))).toBe(true);
  });

  test('keeps the served latest.json', () => {
    expect(JSON.parse(readFileSync(join(current, 'snapshots', 'latest.json'), 'utf8')).snapshot).toBe(firstId);
  });

  test('keeps the snapshot files intact', () => {
    expect(mismatchedFiles(firstId)).toEqual([]);
  });
});

describe('publish after the kills', () => {
  let finalRun: Run;
  let finalResult: Awaited<ReturnType<typeof finish>>;
  let concurrentResult: Awaited<ReturnType<typeof finish>>;
  let concurrentOutput = '';
  let finalId: string;

  beforeAll(async () => {
    finalRun = startPublish(FINAL_RUN);
    // The lock file left by the last killed run exists until this run takes it over.
    await waitFor(finalRun, 'the lock of the final run', () => readLockOwner()?.startedAt === new Date(FINAL_RUN).toISOString());
    const concurrent = startPublish('2026-12-11T00:00:00Z');
    concurrentResult = await finish(concurrent);
    concurrentOutput = concurrent.output();
    finalResult = await finish(finalRun);
    finalId = readLatestId();
  }, 180_000);

  test('a concurrent publish exits with code 6', () => {
    expect(concurrentResult.code).toBe(6);
  });

  test('a concurrent publish names the lock owner', () => {
    expect(concurrentOutput).toContain('Another run is in progress');
  });

  test('exits with code 0', () => {
    expect(finalResult.code, finalRun.output()).toBe(0);
  });

  test('takes over the stale lock', () => {
    expect(finalRun.output()).toContain('Removed the lock of an ended process');
  });

  test('releases the lock', () => {
    expect(existsSync(join(snapshotsDirectory, '.lock'))).toBe(false);
  });

  test('switches latest.json', () => {
    expect(finalId).toBe('2026-12-10');
  });

  test('switches the served build', () => {
    expect(readlinkSync(current)).toBe(join('builds', finalId));
  });

  test('serves index.html of the new build', () => {
    expect(existsSync(join(current, 'index.html'))).toBe(true);
  });

  test('serves latest.json naming the new snapshot', () => {
    expect(JSON.parse(readFileSync(join(current, 'snapshots', 'latest.json'), 'utf8')).snapshot).toBe(finalId);
  });

  test('keeps the first snapshot intact', () => {
    expect(mismatchedFiles(firstId)).toEqual([]);
  });

  test('removes unfinished snapshot folders', () => {
    expect(incompleteEntries(snapshotsDirectory)).toEqual([]);
  });

  test('removes unfinished build folders', () => {
    expect(incompleteEntries(buildsDirectory)).toEqual([]);
  });
});
