// Simplified district boundaries for the map. Simplification runs on a shared-arc topology
// (topojson), so neighbouring districts keep a common edge with no slivers or gaps between them.

import { topology } from 'topojson-server';
import { feature } from 'topojson-client';
import { presimplify, simplify } from 'topojson-simplify';

import type { Region } from './districts.ts';

/**
 * Vertices whose triangle with their neighbours is smaller than this many square degrees are
 * dropped: 1e-7 deg² is about 600 m² at 60° N, invisible at city zoom, and keeps about 45% of the
 * St Petersburg vertices.
 */
const MINIMUM_TRIANGLE_AREA = 1e-7;

/** Coordinates are rounded to 1e-5 degrees, about 1 m, below what a district map shows. */
const COORDINATE_PRECISION = 1e5;

export function simplifiedBoundaries(region: Region): GeoJSON.FeatureCollection {
  const source: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: region.districts.map((district) => ({
      type: 'Feature',
      properties: { district: district.name, slug: district.slug, population: district.population },
      geometry: district.geometry as GeoJSON.Geometry,
    })),
  };

  const shared = presimplify(topology({ districts: source }) as Parameters<typeof presimplify>[0]);
  const simplified = simplify(shared, MINIMUM_TRIANGLE_AREA);
  const result = feature(simplified, simplified.objects.districts) as GeoJSON.FeatureCollection;
  for (const item of result.features) item.geometry = roundGeometry(item.geometry);
  return result;
}

function roundGeometry(geometry: GeoJSON.Geometry): GeoJSON.Geometry {
  const round = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(round) : Math.round((value as number) * COORDINATE_PRECISION) / COORDINATE_PRECISION;
  return { ...geometry, coordinates: round((geometry as GeoJSON.Polygon).coordinates) } as GeoJSON.Geometry;
}
