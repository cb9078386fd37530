// Publishing for administrators: run the sources, write the snapshot, build the site against it,
// then switch the served site and the `latest` pointer, each by an atomic rename. Also rollback
// to an earlier snapshot and retention of old snapshots and builds.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Manifest } from './aggregates-types.ts';
import type { Changes } from './changes.ts';
import type { Config } from './config.ts';
import { EtlError, EXIT_CODES } from './lib/errors.ts';
import { en, ru, type Logger } from './lib/log.ts';
import { acquireLock, isAlive } from './lock.ts';
import { runAllSources } from './pipeline.ts';
import { LATEST_POINTER, publishLatest, readLatest, sha256, writeSnapshot } from './snapshot.ts';

export const CURRENT_LINK = 'current';
const BUILDS = 'builds';

export interface PublishOptions {
  now: number;
  dryRun: boolean;
  /** Builds the site for a snapshot into a folder; replaceable in tests. */
  buildSite?: (snapshotId: string, outDir: string) => Promise<void>;
}

export interface PublishResult {
  snapshot: string;
  manifest: Manifest;
  changes: Changes;
  staleSources: string[];
  published: boolean;
}

/** Runs the whole nightly job under the lock; see the module comment for the order of steps. */
export async function publish(config: Config, logger: Logger, options: PublishOptions): Promise<PublishResult> {
  if (options.dryRun) return dryRun(config, logger, options.now);

  mkdirSync(config.snapshots.directory, { recursive: true });
  const release = acquireLock(config.snapshots.directory, 'publish', logger, options.now);
  try {
    const startedAt = Date.now();
    const { regions, results } = await runAllSources(config, logger);
    const snapshot = await writeSnapshot(config, regions, results, options.now, logger, { switchLatest: false });

    // The build lists only the snapshots that retention keeps once this one is published, since
    // the others are deleted right after the switch.
    const keptSnapshots = snapshotsToKeep(listSnapshots(config.snapshots.directory), config.snapshots.keep, config.snapshots.keepMonthEnds, snapshot.id);
    await publishSite(config, snapshot.id, logger, options.buildSite ?? astroBuild(config, keptSnapshots));
    publishLatest(config.snapshots.directory, snapshot.id);
    pruneSnapshots(config, logger);

    const changes = readJson<Changes>(join(snapshot.directory, 'changes.json'));
    logger.info('publish', {
      ru: `Опубликован снимок ${snapshot.id} за ${seconds(startedAt)} с`,
      en: `Published snapshot ${snapshot.id} in ${seconds(startedAt)} s`,
    });
    return summarize(snapshot.id, snapshot.manifest, changes, true);
  } finally {
    release();
  }
}

/** Shows what a run would publish: the snapshot is written into a throwaway folder and removed. */
async function dryRun(config: Config, logger: Logger, now: number): Promise<PublishResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'open-district-dry-run-'));
  try {
    const previous = readLatest(config.snapshots.directory);
    if (previous) {
      cpSync(join(config.snapshots.directory, previous), join(scratch, previous), { recursive: true });
      cpSync(join(config.snapshots.directory, LATEST_POINTER), join(scratch, LATEST_POINTER));
    }
    const scratchConfig = { ...config, snapshots: { ...config.snapshots, directory: scratch } };
    const { regions, results } = await runAllSources(scratchConfig, logger);
    const snapshot = await writeSnapshot(scratchConfig, regions, results, now, logger, { switchLatest: false, temporary: true });
    const changes = readJson<Changes>(join(snapshot.directory, 'changes.json'));
    logger.info('dry-run', {
      ru: `Пробный запуск: был бы опубликован снимок ${snapshot.id}; ничего не изменено`,
      en: `Dry run: snapshot ${snapshot.id} would be published; nothing was changed`,
    });
    return summarize(snapshot.id, snapshot.manifest, changes, false);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function summarize(id: string, manifest: Manifest, changes: Changes, published: boolean): PublishResult {
  const staleSources = manifest.sources.filter((source) => source.status !== 'ok').map((source) => source.id);
  return { snapshot: id, manifest, changes, staleSources, published };
}

/** Republishes an earlier snapshot after checking its files against its manifest. */
export async function rollback(config: Config, id: string, logger: Logger, buildSite?: PublishOptions['buildSite']): Promise<void> {
  const directory = join(config.snapshots.directory, id);
  if (!existsSync(join(directory, 'manifest.json'))) {
    const kept = listSnapshots(config.snapshots.directory).join(', ') || '—';
    throw new EtlError(
      { ru: `Снимка ${id} нет. Сохранённые снимки: ${kept}.`, en: `Snapshot ${id} does not exist. Kept snapshots: ${kept}.` },
      EXIT_CODES.input,
    );
  }

  const release = acquireLock(config.snapshots.directory, `rollback ${id}`, logger);
  try {
    verifySnapshot(directory, id);
    await publishSite(config, id, logger, buildSite ?? astroBuild(config));
    publishLatest(config.snapshots.directory, id);
    logger.info('rollback', { ru: `Снова опубликован снимок ${id}`, en: `Snapshot ${id} is published again` });
  } finally {
    release();
  }
}

function verifySnapshot(directory: string, id: string): void {
  const manifest = readJson<Manifest>(join(directory, 'manifest.json'));
  for (const file of manifest.files) {
    const path = join(directory, file.path);
    if (!existsSync(path) || sha256(path) !== file.sha256) {
      throw new EtlError(
        {
          ru: `Файл ${file.path} снимка ${id} повреждён или отсутствует (sha256 не совпадает с manifest.json). Восстановите его из резервной копии.`,
          en: `File ${file.path} of snapshot ${id} is damaged or missing (its sha256 differs from manifest.json). Restore it from a backup.`,
        },
        EXIT_CODES.input,
      );
    }
  }
}

/**
 * Builds the site for a snapshot beside the served one, then points the `current` link at it by
 * renaming a new link over the old one, so readers never see a half-written site. A build that
 * already exists for the snapshot is reused.
 */
async function publishSite(config: Config, id: string, logger: Logger, buildSite: (snapshotId: string, outDir: string) => Promise<void>): Promise<void> {
  const builds = join(config.site.directory, BUILDS);
  mkdirSync(builds, { recursive: true });
  const target = join(builds, id);

  if (!existsSync(target)) {
    const staging = join(builds, `.incomplete-${id}-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    const startedAt = Date.now();
    await buildSite(id, staging);
    renameSync(staging, target);
    logger.info('build', { ru: `Сайт собран за ${seconds(startedAt)} с: ${target}`, en: `Site built in ${seconds(startedAt)} s: ${target}` });
  }

  const link = join(config.site.directory, CURRENT_LINK);
  const temporary = `${link}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  symlinkSync(join(BUILDS, id), temporary);
  renameSync(temporary, link);
  logger.info('switch', { ru: `Сайт переключён на снимок ${id}`, en: `The served site now shows snapshot ${id}` });
}

/** Returns the id of the snapshot the served site shows, or null. */
export function currentSiteSnapshot(config: Config): string | null {
  const link = join(config.site.directory, CURRENT_LINK);
  return existsSync(link) ? readlinkSync(link).split('/').at(-1)! : null;
}

/**
 * Builds the site with Astro in a child process. `keptSnapshots`, when given, limits the
 * snapshots that the build copies and lists in its archive (OPEN_DISTRICT_SNAPSHOT_IDS).
 */
function astroBuild(config: Config, keptSnapshots: ReadonlySet<string> | null = null) {
  return (snapshotId: string, outDir: string) =>
    new Promise<void>((resolvePromise, reject) => {
      const child = spawn(process.execPath, [resolve(config.root, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', resolve(outDir)], {
        cwd: config.root,
        env: {
          ...process.env,
          ASTRO_TELEMETRY_DISABLED: '1',
          OPEN_DISTRICT_SNAPSHOTS: config.snapshots.directory,
          OPEN_DISTRICT_SNAPSHOT: snapshotId,
          ...(keptSnapshots ? { OPEN_DISTRICT_SNAPSHOT_IDS: [...keptSnapshots].join(',') } : {}),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let errors = '';
      child.stderr.on('data', (chunk) => (errors += chunk));
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code === 0) resolvePromise();
        else reject(new EtlError({ ru: `Сборка сайта не удалась (код ${code}): ${errors.slice(-2000)}`, en: `The site build failed (exit code ${code}): ${errors.slice(-2000)}` }, EXIT_CODES.failure));
      });
    });
}

/** Lists snapshot ids, oldest first. */
export function listSnapshots(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{4}-\d{2}-\d{2}(-\d+)?$/.test(entry.name) && existsSync(join(directory, entry.name, 'manifest.json')))
    .map((entry) => entry.name)
    .sort(compareSnapshotIds);
}

export function compareSnapshotIds(a: string, b: string): number {
  const [dateA, suffixA = '1'] = [a.slice(0, 10), a.slice(11)];
  const [dateB, suffixB = '1'] = [b.slice(0, 10), b.slice(11)];
  return dateA === dateB ? Number(suffixA || 1) - Number(suffixB || 1) : dateA.localeCompare(dateB);
}

/**
 * Chooses the snapshots to keep: the newest `keep`, the last one of every month when
 * `keepMonthEnds` is set, and always the published one.
 */
export function snapshotsToKeep(ids: readonly string[], keep: number, keepMonthEnds: boolean, published: string | null): Set<string> {
  const sorted = [...ids].sort(compareSnapshotIds);
  const kept = new Set(sorted.slice(-keep));
  if (keepMonthEnds) {
    const lastOfMonth = new Map<string, string>();
    for (const id of sorted) lastOfMonth.set(id.slice(0, 7), id);
    for (const id of lastOfMonth.values()) kept.add(id);
  }
  if (published) kept.add(published);
  return kept;
}

/** Deletes snapshots and site builds outside the retention setting. */
export function pruneSnapshots(config: Config, logger: Logger): string[] {
  const root = config.snapshots.directory;
  const ids = listSnapshots(root);
  const kept = snapshotsToKeep(ids, config.snapshots.keep, config.snapshots.keepMonthEnds, readLatest(root));
  const removed = ids.filter((id) => !kept.has(id));

  for (const id of removed) rmSync(join(root, id), { recursive: true, force: true });

  const builds = join(config.site.directory, BUILDS);
  const current = currentSiteSnapshot(config);
  if (existsSync(builds)) {
    for (const build of readdirSync(builds)) {
      const unfinished = build.startsWith('.incomplete-');
      const abandoned = unfinished && !isAlive(Number(build.split('-').at(-1)));
      if (abandoned || (!unfinished && build !== current && !kept.has(build))) rmSync(join(builds, build), { recursive: true, force: true });
    }
  }

  if (removed.length) {
    logger.info('retention', {
      ru: `Удалены старые снимки (${ru(removed.length)}): ${removed.join(', ')}`,
      en: `Removed old snapshots (${en(removed.length)}): ${removed.join(', ')}`,
    });
  }
  return removed;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function seconds(startedAt: number): string {
  return ((Date.now() - startedAt) / 1000).toFixed(1);
}
