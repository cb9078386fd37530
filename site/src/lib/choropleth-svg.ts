// Build-time SVG geometry of the home map: one path per district, projected with d3-geo's
// Mercator so the static map lines up with MapLibre's Web Mercator view of the same bounds, and
// simplified to what the SVG can show. Only the build runs this module.

import { geoArea, geoMercator, geoPath, type GeoProjection } from 'd3';
import { feature } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import type { Position, PolygonGeometry, Ring } from './geometry.ts';
import type { BoundaryCollection } from './snapshot.ts';

/** Length of the longer side of the SVG's viewBox, in user units. */
export const SVG_SIZE = 1000;

/**
 * Vertices whose triangle with their neighbours covers less than this many square user units are
 * dropped. At 1000 units across and a map under 1000 CSS pixels wide, one square unit is below a
 * pixel, so the outlines look the same. On the St Petersburg boundaries the path data halves.
 */
const MINIMUM_TRIANGLE_AREA = 1;

export interface DistrictShape {
  /** SVG path data in viewBox units, with whole-number coordinates. */
  path: string;
  /** The district's label point in viewBox units, or null when it has none. */
  labelPoint: Position | null;
}

export interface DistrictShapes {
  /** viewBox of the SVG, "minX minY width height", tight around the districts. */
  viewBox: string;
  /** Shapes keyed by the boundaries' `district` property. */
  shapes: Map<string, DistrictShape>;
}

function ringsOf(geometry: PolygonGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/**
 * Returns the polygons with the ring order d3-geo expects on the sphere: exterior rings clockwise
 * and holes anticlockwise. GeoJSON (RFC 7946) has the opposite order, and d3-geo would read such an
 * exterior ring as the whole globe except the district.
 */
function windForD3(polygons: Ring[][]): Ring[][] {
  return polygons.map((polygon) =>
    polygon.map((ring, index) => {
      const enclosesMoreThanHemisphere = geoArea({ type: 'Polygon', coordinates: [ring] }) > 2 * Math.PI;
      const isExterior = index === 0;
      return isExterior === enclosesMoreThanHemisphere ? [...ring].reverse() : ring;
    }),
  );
}

/** Collects the districts' vertices into one MultiPoint, so fitting and bounds do not depend on ring order. */
function allVertices(collection: BoundaryCollection): GeoJSON.MultiPoint {
  return { type: 'MultiPoint', coordinates: collection.features.flatMap((item) => ringsOf(item.geometry).flat(2)) };
}

/**
 * Simplifies the boundaries on a shared-arc topology, so neighbouring districts keep a common edge.
 * The threshold is converted from square viewBox units to square degrees at the region's latitude.
 */
function simplifyForSvg(collection: BoundaryCollection, projection: GeoProjection): Map<string, PolygonGeometry> {
  const unitsPerDegree = (projection.scale() * Math.PI) / 180;
  const latitude = projection.invert!([SVG_SIZE / 2, SVG_SIZE / 2])![1];
  // Near the region, a degree of latitude spans 1 / cos(latitude) times the Mercator units of a degree of longitude.
  const degreesSquared = MINIMUM_TRIANGLE_AREA * Math.cos((latitude * Math.PI) / 180) / unitsPerDegree ** 2;

  const source = topology({ districts: collection as GeoJSON.FeatureCollection }) as Parameters<typeof presimplify>[0];
  const simplified = simplify(presimplify(source), degreesSquared);
  const result = feature(simplified, simplified.objects.districts) as GeoJSON.FeatureCollection;
  return new Map(result.features.map((item) => [String(item.properties?.district), item.geometry as PolygonGeometry]));
}

/** Projects and simplifies the districts' polygons into SVG path data in one viewBox. */
export function buildDistrictShapes(collection: BoundaryCollection, labelPoints: Map<string, Position>): DistrictShapes {
  const vertices = allVertices(collection);
  const projection = geoMercator().fitSize([SVG_SIZE, SVG_SIZE], vertices);
  const geometries = simplifyForSvg(collection, projection);
  const path = geoPath(projection).digits(0);

  const shapes = new Map<string, DistrictShape>();
  for (const item of collection.features) {
    const name = item.properties.district;
    const geometry = geometries.get(name) ?? item.geometry;
    const object: GeoJSON.MultiPolygon = { type: 'MultiPolygon', coordinates: windForD3(ringsOf(geometry)) };
    const label = labelPoints.get(name);
    const projected = label ? projection(label) : null;
    shapes.set(name, {
      path: path(object) ?? '',
      labelPoint: projected ? [Math.round(projected[0]), Math.round(projected[1])] : null,
    });
  }

  // The unsimplified vertices' bounds, the same box MapLibre fits to the map from the snapshot.
  const [[minX, minY], [maxX, maxY]] = path.bounds(vertices);
  const [left, top] = [Math.floor(minX), Math.floor(minY)];
  const viewBox = [left, top, Math.ceil(maxX) - left, Math.ceil(maxY) - top].join(' ');
  return { viewBox, shapes };
}
