import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { Changes } from '../../etl/changes.ts';
import { parseCsv } from '../../etl/lib/csv.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { acquireLock } from '../../etl/lock.ts';
import { currentSiteSnapshot, publish, rollback, snapshotsToKeep } from '../../etl/publish.ts';
import { readLatest, sha256 } from '../../etl/snapshot.ts';
import { SPB_SLICE, testConfig } from '../helpers/fixtures.ts';
import { messageHalves } from '../helpers/messages.ts';
import { expectedChanges, readRecords, recordsAt, writeRecords } from '../helpers/time-travel.ts';

const DAY_ONE = Date.parse('2026-12-04T00:00:00Z');
const DAY_TWO = Date.parse('2026-12-05T00:00:00Z');
const DAY_THREE = Date.parse('2026-12-06T00:00:00Z');

/** A stand-in for the Astro build: copies the snapshot folder into the build, as the site does. */
function fakeBuild(snapshotsDirectory: string) {
  return async (id: string, outDir: string) => {
    cpSync(join(snapshotsDirectory, id), join(outDir, 'snapshots', id), { recursive: true });
    writeFileSync(join(outDir, 'index.html'), `<p>${id}</p>`);
  };
}

const records = readRecords(SPB_SLICE);
const earlier = recordsAt(records, '2021-01-01T00:00:00');
const folder = mkdtempSync(join(tmpdir(), 'open-district-publish-'));
const source = join(folder, 'spb.jsonl');
const config = testConfig([source]);
config.site = { directory: join(folder, 'site') };
const build = fakeBuild(config.snapshots.directory);
const logger = createMemoryLogger();

let changes: Changes;

beforeAll(async () => {
  writeRecords(source, earlier);
  await publish(config, logger, { now: DAY_ONE, dryRun: false, buildSite: build });
  writeRecords(source, records);
  const second = await publish(config, logger, { now: DAY_TWO, dryRun: false, buildSite: build });
  changes = second.changes;
}, 120_000);

afterAll(() => {
  config.cleanup();
  rmSync(folder, { recursive: true, force: true });
});

describe('publish on two dates', () => {
  test('keeps both snapshots', () => {
    expect(readdirSync(config.snapshots.directory).filter((entry) => /^\d{4}/.test(entry)).sort()).toEqual(['2026-12-04', '2026-12-05']);
  });

  test('points latest at the second', () => {
    expect(readLatest(config.snapshots.directory)).toBe('2026-12-05');
  });

  test('serves the second', () => {
    expect(currentSiteSnapshot(config)).toBe('2026-12-05');
  });

  test('compares with the first', () => {
    expect(changes.previous).toBe('2026-12-04');
  });

  test('counts changes as an independent comparison does', () => {
    expect(changes.totals).toEqual(expectedChanges(earlier, records));
  });

  test('splits new appeals by district', () => {
    const byDistrict = Object.fromEntries(changes.regions[0].districts.map((row) => [row.key, row.new]));
    const earlierIds = new Set(earlier.map((record) => record.id));
    const expected: Record<string, number> = {};
    for (const record of records as unknown as { id: number; district_name: string }[]) {
      if (!earlierIds.has(record.id)) expected[record.district_name] = (expected[record.district_name] ?? 0) + 1;
    }
    expect(Object.fromEntries(Object.entries(byDistrict).filter(([, count]) => count > 0))).toEqual(expected);
  });
});

describe('publish safety', () => {
  test('refuses a concurrent run', async () => {
    const release = acquireLock(config.snapshots.directory, 'test', createMemoryLogger());
    try {
      await expect(publish(config, createMemoryLogger(), { now: DAY_THREE, dryRun: false, buildSite: build })).rejects.toMatchObject({ exitCode: 6 });
    } finally {
      release();
    }
  });

  test('a dry run changes nothing', async () => {
    const before = readdirSync(config.snapshots.directory).sort();
    const result = await publish(config, createMemoryLogger(), { now: DAY_THREE, dryRun: true, buildSite: build });
    expect([result.published, readdirSync(config.snapshots.directory).sort()]).toEqual([false, before]);
  });

  test('a failed site build leaves the served site', async () => {
    const failing = async () => {
      throw new Error('build failed');
    };
    await expect(publish(config, createMemoryLogger(), { now: DAY_THREE, dryRun: false, buildSite: failing })).rejects.toThrow('build failed');
    expect([readLatest(config.snapshots.directory), currentSiteSnapshot(config)]).toEqual(['2026-12-05', '2026-12-05']);
  });
});

describe('failing source', () => {
  let result: Awaited<ReturnType<typeof publish>>;

  beforeAll(async () => {
    writeFileSync(source.replace('.jsonl', '.jsonl.gz'), 'this is not gzip');
    const broken = { ...config, sources: config.sources.map((entry) => ({ ...entry, files: [source.replace('.jsonl', '.jsonl.gz')] })) };
    result = await publish(broken, createMemoryLogger(), { now: DAY_THREE, dryRun: false, buildSite: build });
  }, 60_000);

  test('marks the source stale', () => {
    expect(result.manifest.sources[0].status).toBe('stale');
  });

  test('says since when the data is', () => {
    expect(result.manifest.sources[0].staleSince).toBe('2021-04-24T22:30:41.393Z');
  });

  test('keeps its last good rows', () => {
    const appeals = result.manifest.files.find((file) => file.path === 'appeals.parquet');
    expect(appeals?.rows).toBe(2000);
  });

  test('reports it for a non-zero exit', () => {
    expect(result.staleSources).toEqual(['spb-nash-peterburg']);
  });
});

/** Publishes with the source reading `text` from a new file beside the fixture, named by `suffix`. */
function publishSourceText(suffix: string, text: string) {
  const path = source.replace('.jsonl', suffix);
  writeFileSync(path, text);
  const changed = { ...config, sources: config.sources.map((entry) => ({ ...entry, files: [path] })) };
  return publish(changed, createMemoryLogger(), { now: DAY_THREE, dryRun: false, buildSite: build });
}

describe('source without records', () => {
  let result: Awaited<ReturnType<typeof publish>>;

  beforeAll(async () => {
    result = await publishSourceText('-empty.jsonl', '');
  }, 60_000);

  test('marks the source stale', () => {
    expect(result.manifest.sources[0].status).toBe('stale');
  });

  test('keeps its last good rows', () => {
    const appeals = result.manifest.files.find((file) => file.path === 'appeals.parquet');
    expect(appeals?.rows).toBe(2000);
  });

  test('says the input was empty', () => {
    expect(result.manifest.sources[0].staleReason).toContain('the input contains no record');
  });
});

describe('source without accepted records', () => {
  let result: Awaited<ReturnType<typeof publish>>;

  beforeAll(async () => {
    result = await publishSourceText('-broken.jsonl', '{"id": 1, "feed": [\nnot json\n');
  }, 60_000);

  test('marks the source stale', () => {
    expect(result.manifest.sources[0].status).toBe('stale');
  });

  const rejectLines = () => readFileSync(join(config.snapshots.directory, result.snapshot, 'rejects.csv'), 'utf8').trim().split('\n').slice(1);

  test('lists its rejected rows', () => {
    expect(rejectLines().filter((line) => line.startsWith(`${config.sources[0].id},`)).map((line) => line.split(',')[2])).toEqual(['1', '2']);
  });

  test('lists the unreadable rows of the poll datasets after them', () => {
    expect(new Set(rejectLines().slice(2).map((line) => line.split(',')[0]))).toEqual(new Set(['fkgs-yakutsk-2025']));
  });

  test('counts every row of rejects.csv in the manifest', () => {
    expect(result.manifest.files.find((file) => file.path === 'rejects.csv')?.rows).toBe(rejectLines().length);
  });

  test('writes every reject message in Russian first', () => {
    const [header, ...rows] = parseCsv(readFileSync(join(config.snapshots.directory, result.snapshot, 'rejects.csv'), 'utf8'));
    const messages = rows.map((row) => row[header.indexOf('message')]);
    expect(messages.filter((message) => !messageHalves(message).russian)).toEqual([]);
  });
});

describe('rollback', () => {
  test('restores the earlier files byte for byte', async () => {
    const manifest = JSON.parse(readFileSync(join(config.snapshots.directory, '2026-12-04', 'manifest.json'), 'utf8'));
    await rollback(config, '2026-12-04', createMemoryLogger(), build);
    const served = join(config.site.directory, 'current', 'snapshots', '2026-12-04');
    const mismatched = manifest.files.filter((file: { path: string; sha256: string }) => sha256(join(served, file.path)) !== file.sha256);
    expect([readLatest(config.snapshots.directory), currentSiteSnapshot(config), mismatched]).toEqual(['2026-12-04', '2026-12-04', []]);
  });

  test('names the kept snapshots for an unknown date', async () => {
    await expect(rollback(config, '2020-01-01', createMemoryLogger(), build)).rejects.toThrow(/Kept snapshots: 2026-12-04/);
  });
});

describe('snapshotsToKeep', () => {
  const ids = ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03'];

  test('keeps the newest and the month ends', () => {
    expect([...snapshotsToKeep(ids, 2, true, null)].sort()).toEqual(['2026-10-31', '2026-11-30', '2026-12-02', '2026-12-03']);
  });

  test('keeps only the newest without month ends', () => {
    expect([...snapshotsToKeep(ids, 2, false, null)].sort()).toEqual(['2026-12-02', '2026-12-03']);
  });

  test('always keeps the published one', () => {
    expect(snapshotsToKeep(ids, 1, false, '2026-10-30').has('2026-10-30')).toBe(true);
  });
});

