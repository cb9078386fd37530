// Geometry helpers on GeoJSON polygons in WGS84 degrees: bounding boxes and point-in-polygon.

export type Position = [number, number];
export type PolygonCoordinates = Position[][];

export interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: PolygonCoordinates | PolygonCoordinates[];
}

export interface BoundingBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Returns the polygons of a Polygon or MultiPolygon as one list. */
export function polygonsOf(geometry: Geometry): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates as PolygonCoordinates] : (geometry.coordinates as PolygonCoordinates[]);
}

export function boundingBox(geometry: Geometry): BoundingBox {
  const box = { west: Infinity, south: Infinity, east: -Infinity, north: -Infinity };
  for (const polygon of polygonsOf(geometry)) {
    for (const [longitude, latitude] of polygon[0]) {
      box.west = Math.min(box.west, longitude);
      box.east = Math.max(box.east, longitude);
      box.south = Math.min(box.south, latitude);
      box.north = Math.max(box.north, latitude);
    }
  }
  return box;
}

export function boxContains(box: BoundingBox, longitude: number, latitude: number): boolean {
  return longitude >= box.west && longitude <= box.east && latitude >= box.south && latitude <= box.north;
}

/** Even-odd ray casting over every ring, so holes are excluded whatever their winding. */
export function geometryContains(geometry: Geometry, longitude: number, latitude: number): boolean {
  for (const polygon of polygonsOf(geometry)) {
    let inside = false;
    for (const ring of polygon) {
      if (ringCrossings(ring, longitude, latitude) % 2 === 1) inside = !inside;
    }
    if (inside) return true;
  }
  return false;
}

function ringCrossings(ring: readonly Position[], longitude: number, latitude: number): number {
  let crossings = 0;
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index, index += 1) {
    const [x1, y1] = ring[index];
    const [x2, y2] = ring[previous];
    if (y1 > latitude !== y2 > latitude && longitude < ((x2 - x1) * (latitude - y1)) / (y2 - y1) + x1) {
      crossings += 1;
    }
  }
  return crossings;
}
