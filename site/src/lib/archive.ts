// Build-time list of the kept snapshots, for the archive page, the Atom feeds and the
// `/snapshots/index.json` file that the integration writes: each snapshot's date, counts, sources
// with their status, files with their SHA-256, and its change totals. Runs in Node during
// `astro build` only; the integration imports it too, so it must not use Astro or Vite APIs.

import fs from 'node:fs';
import path from 'node:path';
import type { LocalizedText, Manifest, ManifestFile, ManifestSource } from '../../../etl/aggregates-types.ts';
import type { ChangeCounts, Changes } from '../../../etl/changes.ts';

/** Snapshot ids are folder names: a date, with "-2", "-3"… for further runs on the same date. */
const SNAPSHOT_ID = /^\d{4}-\d{2}-\d{2}(-\d+)?$/;

export interface ArchiveSource {
  id: string;
  title: LocalizedText;
  status: ManifestSource['status'];
  asOf: string | null;
  /** Reason the last run failed for a stale or failed source: Russian, " · ", then English. */
  staleReason: string | null;
  /** As-of time of the data kept from an earlier snapshot while the source is stale. */
  staleSince: string | null;
  counts: ManifestSource['counts'];
}

export interface ArchiveChanges {
  /** The snapshot compared against; null for the first snapshot. */
  previous: string | null;
  totals: ChangeCounts;
  polls: Changes['polls'];
}

export interface ArchiveEntry {
  id: string;
  createdAt: string;
  schemaVersion: string;
  counts: Manifest['counts'];
  sources: ArchiveSource[];
  /** Titles of the poll datasets in the snapshot; empty for a snapshot without polls. */
  pollDatasets: { id: string; title: Manifest['pollDatasets'][number]['title'] }[];
  files: ManifestFile[];
  /** Totals of `changes.json`; null when the snapshot has no such file. */
  changes: ArchiveChanges | null;
}

/** Contents of `/snapshots/index.json`. */
export interface SnapshotIndex {
  /** The snapshot the built site shows. */
  current: string;
  /** Every kept snapshot, newest first. */
  snapshots: ArchiveEntry[];
}

/** Orders snapshot ids by date, then by the run number after the date ("-2" after none). */
export function compareSnapshotIds(a: string, b: string): number {
  const runA = a.length > 10 ? Number(a.slice(11)) : 1;
  const runB = b.length > 10 ? Number(b.slice(11)) : 1;
  return a.slice(0, 10) === b.slice(0, 10) ? runA - runB : a.slice(0, 10).localeCompare(b.slice(0, 10));
}

/**
 * Lists the ids of the snapshot folders that contain a `manifest.json`, newest first; when
 * OPEN_DISTRICT_SNAPSHOT_IDS names the snapshots that a publish keeps, only those.
 */
export function listSnapshotIds(snapshotsDir: string): string[] {
  const only = process.env.OPEN_DISTRICT_SNAPSHOT_IDS ? new Set(process.env.OPEN_DISTRICT_SNAPSHOT_IDS.split(',')) : null;
  return fs
    .readdirSync(snapshotsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && SNAPSHOT_ID.test(entry.name))
    .filter((entry) => only === null || only.has(entry.name))
    .filter((entry) => fs.existsSync(path.join(snapshotsDir, entry.name, 'manifest.json')))
    .map((entry) => entry.name)
    .sort((a, b) => compareSnapshotIds(b, a));
}

function readJson<T>(filePath: string): T {
  try {
    return JSON.parse(fs.readFileSync(filePath, 'utf8')) as T;
  } catch (error) {
    throw new Error(`Cannot read ${filePath} as JSON: ${(error as Error).message}`);
  }
}

function readEntry(snapshotsDir: string, id: string): ArchiveEntry {
  const folder = path.join(snapshotsDir, id);
  const manifest = readJson<Manifest>(path.join(folder, 'manifest.json'));
  const changesPath = path.join(folder, 'changes.json');
  const changes = fs.existsSync(changesPath) ? readJson<Changes>(changesPath) : null;

  return {
    id,
    createdAt: manifest.createdAt,
    schemaVersion: manifest.schemaVersion,
    counts: manifest.counts,
    sources: manifest.sources.map(({ id: sourceId, title, status, asOf, staleReason, staleSince, counts }) => ({
      id: sourceId,
      title,
      status,
      asOf,
      staleReason,
      staleSince,
      counts,
    })),
    pollDatasets: (manifest.pollDatasets ?? []).map(({ id: datasetId, title }) => ({ id: datasetId, title })),
    files: manifest.files,
    changes: changes && { previous: changes.previous, totals: changes.totals, polls: changes.polls },
  };
}

const cache = new Map<string, SnapshotIndex>();

/** Reads every kept snapshot's manifest and change totals once per build. */
export function readSnapshotIndex(snapshotsDir: string, current: string): SnapshotIndex {
  const key = `${snapshotsDir}\n${current}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const index = { current, snapshots: listSnapshotIds(snapshotsDir).map((id) => readEntry(snapshotsDir, id)) };
  cache.set(key, index);
  return index;
}

/** Returns the rows of a file as the manifest counts them, or null for files without rows. */
export function fileRows(entry: ArchiveEntry, filePath: string): number | null {
  return entry.files.find((file) => file.path === filePath)?.rows ?? null;
}

/**
 * Returns one language of a stale reason. The ETL writes the Russian message, " · " and the
 * English one. When the separators do not split the text into two equal halves, the whole text is
 * returned.
 */
export function localizedReason(reason: string, locale: 'ru' | 'en'): string {
  const parts = reason.split(' · ');
  if (parts.length < 2 || parts.length % 2 !== 0) return reason;
  const half = parts.length / 2;
  return (locale === 'ru' ? parts.slice(0, half) : parts.slice(half)).join(' · ');
}

/** Returns the id of the HTML element that contains a snapshot on the archive page. */
export function snapshotAnchor(id: string): string {
  return `snapshot-${id}`;
}
