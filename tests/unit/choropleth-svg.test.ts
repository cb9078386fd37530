// The home map's build-time SVG geometry from the St Petersburg boundaries the ETL publishes: one
// closed path per district inside the viewBox, label points inside it too, and a size fit for
// inlining into the page.

import zlib from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';

import { simplifiedBoundaries } from '../../etl/boundaries.ts';
import { loadConfig } from '../../etl/config.ts';
import { loadRegion } from '../../etl/districts.ts';
import { buildDistrictShapes, SVG_SIZE, type DistrictShapes } from '../../site/src/lib/choropleth-svg.ts';
import { findLabelPoint, type Position } from '../../site/src/lib/geometry.ts';
import type { BoundaryCollection } from '../../site/src/lib/snapshot.ts';
import { CONFIG_PATH, ROOT } from '../helpers/fixtures.ts';

let boundaries: BoundaryCollection;
let result: DistrictShapes;

beforeAll(() => {
  boundaries = simplifiedBoundaries(loadRegion(loadConfig(CONFIG_PATH, ROOT).regions[0])) as unknown as BoundaryCollection;
  const labelPoints = new Map<string, Position>(boundaries.features.map((item) => [item.properties.district, findLabelPoint(item.geometry)]));
  result = buildDistrictShapes(boundaries, labelPoints);
});

/** Reads a path's absolute coordinates as [x, y] pairs. */
function pathPoints(path: string): Position[] {
  const numbers = path.match(/-?\d+(\.\d+)?/g)!.map(Number);
  return numbers.flatMap((value, index) => (index % 2 === 0 ? [[value, numbers[index + 1]] as Position] : []));
}

describe('district SVG shapes', () => {
  test('one path per district', () => {
    expect(result.shapes.size).toBe(boundaries.features.length);
    for (const [name, shape] of result.shapes) {
      expect(shape.path, name).toMatch(/^M/);
      expect(shape.path, name).toMatch(/Z$/);
    }
  });

  test('viewBox fits the longer side', () => {
    const [, , width, height] = result.viewBox.split(' ').map(Number);
    expect(Math.max(width, height)).toBeGreaterThanOrEqual(SVG_SIZE);
    expect(Math.max(width, height)).toBeLessThanOrEqual(SVG_SIZE + 2);
  });

  // A ring wound the wrong way for d3-geo would cover the globe and reach far outside the viewBox.
  test('paths and labels stay inside viewBox', () => {
    const [left, top, width, height] = result.viewBox.split(' ').map(Number);
    const inside = ([x, y]: Position) => x >= left - 1 && x <= left + width + 1 && y >= top - 1 && y <= top + height + 1;
    for (const [name, shape] of result.shapes) {
      expect(pathPoints(shape.path).every(inside), name).toBe(true);
      expect(shape.labelPoint, name).not.toBeNull();
      expect(inside(shape.labelPoint!), name).toBe(true);
    }
  });

  test('path data stays small', () => {
    const paths = [...result.shapes.values()].map((shape) => shape.path).join('');
    expect(paths.length).toBeLessThan(40_000);
    expect(zlib.gzipSync(paths, { level: 6 }).length).toBeLessThan(12_000);
  });
});
