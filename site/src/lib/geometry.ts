// Small planar geometry helpers for district polygons in WGS84 degrees. Distances scale longitude
// by the cosine of the latitude, which is accurate enough inside one city.

export type Position = [number, number];
export type Ring = Position[];

export type PolygonGeometry =
  | { type: 'Polygon'; coordinates: Ring[] }
  | { type: 'MultiPolygon'; coordinates: Ring[][] };

function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return Math.abs(sum / 2);
}

/** Even-odd test over all rings, so holes count as outside. */
function containsPoint(rings: Ring[], [x, y]: Position): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function distanceToSegment([x, y]: Position, [ax, ay]: Position, [bx, by]: Position, xScale: number): number {
  const px = (x - ax) * xScale;
  const py = y - ay;
  const dx = (bx - ax) * xScale;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / lengthSquared));
  return Math.hypot(px - t * dx, py - t * dy);
}

function distanceToEdges(rings: Ring[], point: Position, xScale: number): number {
  let min = Infinity;
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) min = Math.min(min, distanceToSegment(point, ring[i - 1], ring[i], xScale));
  }
  return min;
}

/**
 * Finds a point well inside the largest polygon of a geometry: a grid search for the point
 * farthest from any edge, refined twice around the best cell. Unlike the centroid, the point is
 * inside the polygon for concave shapes too. A polygon so thin that no grid point falls inside
 * gets its first vertex.
 */
export function findLabelPoint(geometry: PolygonGeometry): Position {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const largest = polygons.reduce((best, polygon) => (ringArea(polygon[0]) > ringArea(best[0]) ? polygon : best));
  const outer = largest[0];

  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [x, y] of outer) {
    west = Math.min(west, x);
    east = Math.max(east, x);
    south = Math.min(south, y);
    north = Math.max(north, y);
  }
  const xScale = Math.cos((((south + north) / 2) * Math.PI) / 180);

  const steps = 24;
  let best: Position = outer[0];
  let bestDistance = -Infinity;
  let cellWidth = (east - west) / steps;
  let cellHeight = (north - south) / steps;
  let originX = west;
  let originY = south;

  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i <= steps; i++) {
      for (let j = 0; j <= steps; j++) {
        const candidate: Position = [originX + i * cellWidth, originY + j * cellHeight];
        if (!containsPoint(largest, candidate)) continue;
        const distance = distanceToEdges(largest, candidate, xScale);
        if (distance > bestDistance) {
          bestDistance = distance;
          best = candidate;
        }
      }
    }
    // Search the two cells around the best point again, at a finer step.
    originX = best[0] - cellWidth;
    originY = best[1] - cellHeight;
    cellWidth = (2 * cellWidth) / steps;
    cellHeight = (2 * cellHeight) / steps;
  }
  return best;
}
