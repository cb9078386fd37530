// Finds the snapshot an explorer URL names among the ones the site keeps. The build writes
// `/snapshots/index.json` (the current id and every kept snapshot); a site without it still has
// `/snapshots/latest.json`. The chosen snapshot's `manifest.json` gives its creation time, the
// source's as-of time, the SHA-256 of appeals.parquet and the path of its boundaries.

import type { ExplorerConfig } from '../lib/explorer-config.ts';
import { EXPLORER_FACTS_FILE, FACET_VALUES_FILE, TEXT_FACETS, type SnapshotFacetValues } from '../lib/explorer-sql.ts';
import type { SnapshotInfo } from './explorer-downloads.ts';

export type ResolvedSnapshot = {
  kind: 'ok';
  info: SnapshotInfo;
  /** Id of the snapshot the site currently shows. */
  current: string;
  /** Path of the boundaries GeoJSON inside the snapshot folder. */
  boundaries: string;
  /** True when the manifest lists explorer_facts.parquet, which older snapshots lack. */
  explorerFacts: boolean;
  /** True when the manifest lists facet_values.json, which older snapshots lack. */
  facetValues: boolean;
};

export type SnapshotResolution = ResolvedSnapshot | { kind: 'gone'; current: string; kept: string[] };

interface ManifestFileEntry {
  path: string;
  sha256: string;
}

interface ManifestSubset {
  snapshot?: string;
  createdAt: string;
  sources?: { asOf?: string | null; attribution?: { ru?: string; en?: string } }[];
  files: ManifestFileEntry[];
}

async function fetchJson<T>(url: string): Promise<T | null> {
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url} returned HTTP ${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

/** Reads the kept snapshot ids and the current one. */
async function readIndex(basePath: string): Promise<{ current: string; kept: string[] }> {
  const index = await fetchJson<{ current?: unknown; snapshots?: { id?: unknown }[] }>(`${basePath}/snapshots/index.json`);
  if (index && typeof index.current === 'string' && Array.isArray(index.snapshots)) {
    const kept = index.snapshots.map((entry) => entry.id).filter((id): id is string => typeof id === 'string');
    return { current: index.current, kept: kept.includes(index.current) ? kept : [index.current, ...kept] };
  }
  const latest = await fetchJson<{ snapshot?: unknown }>(`${basePath}/snapshots/latest.json`);
  if (!latest || typeof latest.snapshot !== 'string') throw new Error(`${basePath}/snapshots/latest.json is missing or names no snapshot`);
  return { current: latest.snapshot, kept: [latest.snapshot] };
}

/** Lists the attribution of each source of a snapshot in the page's language, without repeats. */
function attributionsOf(manifest: ManifestSubset, locale: ExplorerConfig['locale']): string[] {
  const texts = (manifest.sources ?? []).map((source) => source.attribution?.[locale]).filter((text): text is string => typeof text === 'string' && text !== '');
  return [...new Set(texts)];
}

export async function resolveSnapshot(config: ExplorerConfig, requested: string | null): Promise<SnapshotResolution> {
  const { current, kept } = await readIndex(config.basePath);
  const id = requested ?? current;
  if (!kept.includes(id)) return { kind: 'gone', current, kept };

  const manifest = await fetchJson<ManifestSubset>(`${config.basePath}/snapshots/${id}/manifest.json`);
  if (!manifest) return { kind: 'gone', current, kept: kept.filter((candidate) => candidate !== id) };
  const appeals = manifest.files.find((file) => file.path === 'appeals.parquet');
  if (!appeals) throw new Error(`The manifest of snapshot ${id} lists no appeals.parquet`);
  const boundaries = manifest.files.find((file) => file.path.startsWith('boundaries/') && file.path.endsWith('.geojson'))?.path;
  if (!boundaries) throw new Error(`The manifest of snapshot ${id} lists no boundaries/*.geojson file`);
  const asOf = manifest.sources?.map((source) => source.asOf).find((value): value is string => typeof value === 'string') ?? null;

  return {
    kind: 'ok',
    info: { id, createdAt: manifest.createdAt, asOf, appealsSha256: appeals.sha256, attributions: attributionsOf(manifest, config.locale) },
    current,
    boundaries,
    explorerFacts: manifest.files.some((file) => file.path === EXPLORER_FACTS_FILE),
    facetValues: manifest.files.some((file) => file.path === FACET_VALUES_FILE),
  };
}

/**
 * Reads a snapshot folder's facet_values.json. Returns null when the snapshot predates that file
 * or the file is malformed, and the engine then reads the values from appeals.parquet.
 */
export async function readFacetValues(folder: string): Promise<SnapshotFacetValues | null> {
  let file: { created?: unknown; facets?: Record<string, unknown> } | null;
  try {
    file = await fetchJson(`${folder}/${FACET_VALUES_FILE}`);
  } catch (error) {
    console.warn(`Explorer: ${folder}/${FACET_VALUES_FILE} not read (${error instanceof Error ? error.message : String(error)}); facet values come from appeals.parquet`);
    return null;
  }
  if (!file || typeof file.facets !== 'object' || file.facets === null) return null;

  const facets: SnapshotFacetValues['facets'] = {};
  for (const facet of TEXT_FACETS) {
    const values = file.facets[facet];
    if (Array.isArray(values) && values.every((value) => typeof value === 'string')) facets[facet] = values;
  }
  const created = file.created as { from?: unknown; to?: unknown } | null | undefined;
  const period = created && typeof created.from === 'string' && typeof created.to === 'string' && !Number.isNaN(Date.parse(created.from)) && !Number.isNaN(Date.parse(created.to));
  return { created: period ? { from: created.from as string, to: created.to as string } : null, facets };
}
