// Build-time reader of the published snapshot. `OPEN_DISTRICT_SNAPSHOT`, or else `latest.json`,
// names the snapshot folder, which
// contains `aggregates.json`, `manifest.json` and the district boundaries. It runs in Node during
// `astro build` only, so pages get plain data and never read files in the browser.

import fs from 'node:fs';
import path from 'node:path';
import type { Aggregates, DistrictAggregate, Manifest, RegionAggregate } from '../../../etl/aggregates-types.ts';
import { resolveSnapshotId, resolveSnapshotsDir } from '../../integrations/snapshots-dir.mjs';
import { findLabelPoint, type Position, type PolygonGeometry } from './geometry.ts';

export interface BoundaryProperties {
  district: string;
  slug: string;
  population: number | null;
}

export interface BoundaryFeature {
  type: 'Feature';
  properties: BoundaryProperties;
  geometry: PolygonGeometry;
}

export interface BoundaryCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
}

export interface Snapshot {
  /** Snapshot id, the folder name, e.g. "2026-12-04". */
  id: string;
  aggregates: Aggregates;
  manifest: Manifest;
  /** The region the site shows: the first region in `aggregates.json`. */
  region: RegionAggregate;
  boundaries: BoundaryCollection;
  /** Site path of the boundaries file, e.g. "/snapshots/2026-12-04/boundaries/spb.geojson". */
  boundariesPath: string;
  /** A point inside each district's polygon, keyed by the district name, for tooltips and tests. */
  labelPoints: Map<string, Position>;
  /** Bounding box of all boundaries as [west, south, east, north]. */
  bounds: [number, number, number, number];
}

let cached: Snapshot | undefined;

function readJson<T>(filePath: string, description: string): T {
  if (!fs.existsSync(filePath)) {
    throw new Error(`${description} not found: ${filePath}. Run "npm run etl -- run" to write a snapshot, or set OPEN_DISTRICT_SNAPSHOTS.`);
  }
  try {
    return JSON.parse(fs.readFileSync(filePath, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${description} is not valid JSON: ${filePath}: ${(error as Error).message}`);
  }
}

function computeBounds(collection: BoundaryCollection): [number, number, number, number] {
  const bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const feature of collection.features) {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const ring of polygons.flat()) {
      for (const [x, y] of ring) {
        bounds[0] = Math.min(bounds[0], x);
        bounds[1] = Math.min(bounds[1], y);
        bounds[2] = Math.max(bounds[2], x);
        bounds[3] = Math.max(bounds[3], y);
      }
    }
  }
  return bounds;
}

/** Warns about districts that are in the aggregates but have no polygon, or the other way round. */
function checkJoin(region: RegionAggregate, collection: BoundaryCollection): void {
  const polygonNames = new Set(collection.features.map((feature) => feature.properties.district));
  const aggregateNames = new Set(region.districts.map((district) => district.district));
  const withoutPolygon = [...aggregateNames].filter((name) => !polygonNames.has(name));
  const withoutAggregate = [...polygonNames].filter((name) => !aggregateNames.has(name));
  if (withoutPolygon.length > 0) console.warn(`[snapshot] districts without a polygon in ${region.boundaries}: ${withoutPolygon.join(', ')}`);
  if (withoutAggregate.length > 0) console.warn(`[snapshot] polygons without aggregates in ${region.boundaries}: ${withoutAggregate.join(', ')}`);
}

/** Reads the selected snapshot once per build and returns it from memory afterwards. */
export function loadSnapshot(): Snapshot {
  if (cached) return cached;

  const snapshotsDir = resolveSnapshotsDir();
  const id = resolveSnapshotId(snapshotsDir);
  const folder = path.join(snapshotsDir, id);

  const aggregates = readJson<Aggregates>(path.join(folder, 'aggregates.json'), 'aggregates.json');
  const manifest = readJson<Manifest>(path.join(folder, 'manifest.json'), 'manifest.json');
  const region = aggregates.regions[0];
  if (!region) throw new Error(`aggregates.json of snapshot ${id} has no regions; the site needs one.`);
  // NOTE: only the first region is published; a second region needs its own routes.

  const boundaries = readJson<BoundaryCollection>(path.join(folder, region.boundaries), `Boundaries of region ${region.id}`);
  checkJoin(region, boundaries);

  const labelPoints = new Map<string, Position>();
  for (const feature of boundaries.features) labelPoints.set(feature.properties.district, findLabelPoint(feature.geometry));

  cached = {
    id,
    aggregates,
    manifest,
    region,
    boundaries,
    boundariesPath: `/snapshots/${id}/${region.boundaries}`,
    labelPoints,
    bounds: computeBounds(boundaries),
  };
  return cached;
}

export function findDistrict(snapshot: Snapshot, slug: string): DistrictAggregate {
  const district = snapshot.region.districts.find((candidate) => candidate.slug === slug);
  if (!district) throw new Error(`District with slug "${slug}" not found in snapshot ${snapshot.id}.`);
  return district;
}
