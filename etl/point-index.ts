// A faster districtAtPoint (etl/districts.ts) for the many points of a source, used by
// assignDistrict and by the bulk reader's lookups. Each ring's edges are put into horizontal bands
// of its district's bounding box, so a point tests only the edges of its own band. An edge that the
// horizontal line through the point does not cross adds no crossing, so the crossing count, and
// with it the result, is what geometryContains gives: each edge the point needs is tested with the
// same arithmetic.

import type { District, Region } from './districts.ts';
import { polygonsOf, type Position } from './geo.ts';

/** Bands per district box; 256 keeps a few edges per band for boundaries of a few thousand points. */
const BANDS = 256;

interface BandedRing {
  /** Edge endpoints x1, y1, x2, y2 per edge, grouped by band: edges of band b start at starts[b]. */
  readonly edges: Float64Array;
  readonly starts: Uint32Array;
}

interface IndexedDistrict {
  readonly district: District;
  readonly polygons: BandedRing[][];
  readonly south: number;
  readonly bandHeight: number;
}

export class PointIndex {
  private readonly districts: IndexedDistrict[];

  constructor(region: Region) {
    this.districts = region.districts.map((district) => indexDistrict(district));
  }

  /** Returns the index in region.districts of the district holding the point, or -1 for none. */
  districtIndexAt(longitude: number, latitude: number): number {
    for (let index = 0; index < this.districts.length; index += 1) {
      const indexed = this.districts[index];
      const box = indexed.district.box;
      if (!(longitude >= box.west && longitude <= box.east && latitude >= box.south && latitude <= box.north)) continue;
      if (containsPoint(indexed, longitude, latitude)) return index;
    }
    return -1;
  }
}

function indexDistrict(district: District): IndexedDistrict {
  const south = district.box.south;
  const height = district.box.north - district.box.south;
  const bandHeight = height > 0 ? height / BANDS : 1;
  const band = (latitude: number) => Math.min(BANDS - 1, Math.max(0, Math.floor((latitude - south) / bandHeight)));
  const polygons = polygonsOf(district.geometry).map((polygon) => polygon.map((ring) => bandRing(ring, band)));
  return { district, polygons, south, bandHeight };
}

/** Puts each edge, oriented as ringCrossings in geo.ts orients it, into every band its latitudes span. */
function bandRing(ring: readonly Position[], band: (latitude: number) => number): BandedRing {
  const perBand: number[][] = Array.from({ length: BANDS }, () => []);
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index, index += 1) {
    const [x1, y1] = ring[index];
    const [x2, y2] = ring[previous];
    const first = band(Math.min(y1, y2));
    const last = band(Math.max(y1, y2));
    for (let b = first; b <= last; b += 1) perBand[b].push(x1, y1, x2, y2);
  }
  const starts = new Uint32Array(BANDS + 1);
  for (let b = 0; b < BANDS; b += 1) starts[b + 1] = starts[b] + perBand[b].length;
  const edges = new Float64Array(starts[BANDS]);
  for (let b = 0; b < BANDS; b += 1) edges.set(perBand[b], starts[b]);
  return { edges, starts };
}

function containsPoint(indexed: IndexedDistrict, longitude: number, latitude: number): boolean {
  const b = Math.min(BANDS - 1, Math.max(0, Math.floor((latitude - indexed.south) / indexed.bandHeight)));
  for (const polygon of indexed.polygons) {
    let inside = false;
    for (const ring of polygon) {
      if (bandCrossings(ring, b, longitude, latitude) % 2 === 1) inside = !inside;
    }
    if (inside) return true;
  }
  return false;
}

function bandCrossings(ring: BandedRing, band: number, longitude: number, latitude: number): number {
  const { edges, starts } = ring;
  let crossings = 0;
  for (let offset = starts[band]; offset < starts[band + 1]; offset += 4) {
    const x1 = edges[offset];
    const y1 = edges[offset + 1];
    const x2 = edges[offset + 2];
    const y2 = edges[offset + 3];
    if (y1 > latitude !== y2 > latitude && longitude < ((x2 - x1) * (latitude - y1)) / (y2 - y1) + x1) crossings += 1;
  }
  return crossings;
}
