// Moscow's single-member State Duma okrugs (196–210, the 2015 scheme used in 2016 and 2021) drawn
// by dissolving the current district polygons through a crosswalk of okrug → districts.
//
// The dissolve is a true union: the district polygons share their boundary vertices exactly, so a
// topology built from them has shared arcs, and topojson-client's merge() drops the arcs inside an
// okrug. When the union's area differs from the sum of its members' areas (members overlap), the
// okrug falls back to a MultiPolygon of its members, with `geometry_method` set to `members`. Members whose
// common boundary has different vertices would stay separate parts of the union; the tests check
// that the okrugs of the shipped file come out as one piece each, apart from district exclaves.
//
// Districts the crosswalk does not place stay unplaced: they are reported, never assigned.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { merge } from 'topojson-client';
import { topology } from 'topojson-server';
import type { GeometryCollection, MultiPolygon as TopoMultiPolygon, Polygon as TopoPolygon } from 'topojson-specification';

import type { Message } from '../lib/log.ts';
import { parseCsvWithLines } from './csv.ts';
import { MOSCOW_DUMA_OKRUGS } from './deg-csv.ts';
import { optionalText, readCount } from './values.ts';

export const DUMA_CROSSWALK_FILE = 'moscow-duma-okrugs-2016-crosswalk.csv';
export const MOSCOW_DISTRICTS_FILE = 'moscow-districts-osm-2026.geojson';

/**
 * Okrug names under Federal Law No. 300-ФЗ of 3 November 2015. Okrugs 199, 201 and 203 have no
 * row in the crosswalk, so their names cannot come from it.
 */
export const DUMA_OKRUG_NAMES: Readonly<Record<number, string>> = {
  196: 'Бабушкинский',
  197: 'Кунцевский',
  198: 'Ленинградский',
  199: 'Люблинский',
  200: 'Медведковский',
  201: 'Нагатинский',
  202: 'Новомосковский',
  203: 'Орехово-Борисовский',
  204: 'Перовский',
  205: 'Преображенский',
  206: 'Тушинский',
  207: 'Ховринский',
  208: 'Центральный',
  209: 'Черемушкинский',
  210: 'Чертановский',
};

export const CROSSWALK_PARTS = ['whole', 'main', 'part'] as const;
export type CrosswalkPart = (typeof CROSSWALK_PARTS)[number];

export interface DumaCrosswalkRow {
  okrugNumber: number;
  okrugName: string;
  district: string;
  /** `whole`; or `main` / `part` for a district split between two okrugs. */
  part: CrosswalkPart;
  /** `listed`, `indirect` or `inferred` (placed by elimination within an administrative okrug). */
  basis: string;
  note: string | null;
  line: number;
}

export type MissingReason = 'no_members' | 'list_incomplete';

export interface OkrugSummary {
  okrug_number: number;
  okrug_name: string;
  /** Districts whose whole polygon is drawn in the okrug. */
  members: string[];
  /** Districts of which the okrug holds only a part; they are drawn in another okrug. */
  members_not_drawn: string[];
  missing: boolean;
  missing_reason: MissingReason | null;
  geometry_method: 'union' | 'members' | null;
  note: Message | null;
}

export interface OkrugReport {
  okrugs: OkrugSummary[];
  /** Okrugs with no placed member or with members the crosswalk could not place. */
  okrugsWithMissingMembers: number[];
  /** Districts of the boundary file that the crosswalk places in no okrug. */
  unplacedDistricts: string[];
  /** Crosswalk districts with no polygon in the boundary file. */
  unknownDistricts: string[];
  /** Crosswalk rows that could not be read, each as "line: reason" in both languages. */
  invalidRows: Message[];
}

type Position = number[];
type DistrictGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

export interface OkrugLayer {
  collection: GeoJSON.FeatureCollection<GeoJSON.MultiPolygon | null, OkrugSummary>;
  report: OkrugReport;
}

/** Reads the crosswalk CSV. Rows that cannot be read go to `invalid` with their line. */
export function parseDumaCrosswalk(text: string): { rows: DumaCrosswalkRow[]; invalid: Message[] } {
  const [header, ...records] = parseCsvWithLines(text).records;
  const columns = header?.fields.map((name) => name.trim()) ?? [];
  const rows: DumaCrosswalkRow[] = [];
  const invalid: Message[] = [];
  for (const { line, fields } of records) {
    const get = (name: string) => fields[columns.indexOf(name)] ?? '';
    const okrugNumber = readCount(get('okrug_number'));
    const district = optionalText(get('district_name'));
    const part = get('part').trim() as CrosswalkPart;
    if (okrugNumber === null || !MOSCOW_DUMA_OKRUGS.includes(okrugNumber)) {
      invalid.push({ ru: `${line}: okrug_number «${get('okrug_number')}» не из диапазона 196–210`, en: `${line}: okrug_number "${get('okrug_number')}" is not 196–210` });
    } else if (!district) {
      invalid.push({ ru: `${line}: поле district_name не заполнено`, en: `${line}: district_name is empty` });
    } else if (!CROSSWALK_PARTS.includes(part)) {
      invalid.push({ ru: `${line}: part «${part}» — не одно из значений ${CROSSWALK_PARTS.join(', ')}`, en: `${line}: part "${part}" is not ${CROSSWALK_PARTS.join(', ')}` });
    } else {
      rows.push({ okrugNumber, okrugName: get('okrug_name').trim(), district, part, basis: get('basis').trim(), note: optionalText(get('note')), line });
    }
  }
  return { rows, invalid };
}

/**
 * Checks whether the crosswalk marks an okrug's list as incomplete, by a note stating that no list
 * of the okrug was found. Rows placed by elimination (`inferred`) carry the same note, but
 * elimination accounts for the rest of an administrative okrug, so their notes do not count.
 */
function listIsIncomplete(rows: readonly DumaCrosswalkRow[], okrug: number): boolean {
  const marker = new RegExp(`no list of ${okrug} found`, 'i');
  return rows.some((row) => row.basis !== 'inferred' && row.note !== null && marker.test(row.note));
}

/** Builds one feature per okrug 196–210 and the report of missing members. */
export function buildOkrugLayer(districts: GeoJSON.FeatureCollection, crosswalk: readonly DumaCrosswalkRow[], invalidRows: readonly Message[] = []): OkrugLayer {
  const polygons = new Map<string, DistrictGeometry>();
  for (const feature of districts.features) {
    const name = String(feature.properties?.name ?? '');
    if (feature.geometry?.type === 'Polygon' || feature.geometry?.type === 'MultiPolygon') polygons.set(name, feature.geometry);
  }

  // Keep the source coordinates exactly (no quantization), so that shared boundaries match.
  const topo = topology({ districts: districts as GeoJSON.GeoJsonObject });
  const topoGeometries = new Map<string, TopoPolygon | TopoMultiPolygon>();
  for (const geometry of (topo.objects.districts as GeometryCollection<{ name: string }>).geometries) {
    if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') topoGeometries.set(geometry.properties!.name, geometry);
  }

  const placed = new Set(crosswalk.map((row) => row.district));
  const summaries: OkrugSummary[] = [];
  const features: OkrugLayer['collection']['features'] = [];
  for (const okrug of MOSCOW_DUMA_OKRUGS) {
    const rows = crosswalk.filter((row) => row.okrugNumber === okrug);
    const members = rows.filter((row) => row.part !== 'part' && polygons.has(row.district)).map((row) => row.district).sort((a, b) => a.localeCompare(b, 'ru'));
    const notDrawn = rows.filter((row) => row.part === 'part').map((row) => row.district);
    const missingReason: MissingReason | null = members.length === 0 ? 'no_members' : listIsIncomplete(rows, okrug) ? 'list_incomplete' : null;
    const { geometry, method } = dissolve(members, topo, topoGeometries, polygons);

    const summary: OkrugSummary = {
      okrug_number: okrug,
      okrug_name: DUMA_OKRUG_NAMES[okrug],
      members,
      members_not_drawn: notDrawn,
      missing: missingReason !== null,
      missing_reason: missingReason,
      geometry_method: method,
      note: okrugNote(rows, crosswalk),
    };
    summaries.push(summary);
    features.push({ type: 'Feature', properties: summary, geometry });
  }

  return {
    collection: { type: 'FeatureCollection', features },
    report: {
      okrugs: summaries,
      okrugsWithMissingMembers: summaries.filter((summary) => summary.missing).map((summary) => summary.okrug_number),
      unplacedDistricts: [...polygons.keys()].filter((name) => !placed.has(name)).sort((a, b) => a.localeCompare(b, 'ru')),
      unknownDistricts: [...placed].filter((name) => !polygons.has(name)),
      invalidRows: [...invalidRows],
    },
  };
}

/** Reads the district polygons and the crosswalk from a folder and builds the layer. */
export async function readOkrugLayer(geoDir: string): Promise<OkrugLayer> {
  const districts = JSON.parse(await readFile(join(geoDir, MOSCOW_DISTRICTS_FILE), 'utf8')) as GeoJSON.FeatureCollection;
  const { rows, invalid } = parseDumaCrosswalk(await readFile(join(geoDir, DUMA_CROSSWALK_FILE), 'utf8'));
  return buildOkrugLayer(districts, rows, invalid);
}

function dissolve(
  members: readonly string[],
  topo: ReturnType<typeof topology>,
  topoGeometries: Map<string, TopoPolygon | TopoMultiPolygon>,
  polygons: Map<string, DistrictGeometry>,
): { geometry: GeoJSON.MultiPolygon | null; method: OkrugSummary['geometry_method'] } {
  if (members.length === 0) return { geometry: null, method: null };

  const memberPolygons = members.flatMap((name) => polygonsOf(polygons.get(name)!));
  const memberArea = memberPolygons.reduce((sum, polygon) => sum + polygonArea(polygon), 0);
  const union = merge(topo, members.map((name) => topoGeometries.get(name)!));
  const unionArea = union.coordinates.reduce((sum, polygon) => sum + polygonArea(polygon), 0);

  // Equal areas show that the members met edge to edge: no overlap was counted twice.
  if (Math.abs(unionArea - memberArea) <= memberArea * 1e-9) {
    return { geometry: { type: 'MultiPolygon', coordinates: union.coordinates.map(rewindPolygon) }, method: 'union' };
  }
  return { geometry: { type: 'MultiPolygon', coordinates: memberPolygons.map(rewindPolygon) }, method: 'members' };
}

function okrugNote(rows: readonly DumaCrosswalkRow[], crosswalk: readonly DumaCrosswalkRow[]): Message | null {
  const partHere = rows.filter((row) => row.part === 'part').map((row) => row.district);
  const mainHere = rows.filter((row) => row.part === 'main');
  const notes: Message[] = [];
  if (partHere.length > 0) {
    notes.push({
      ru: `Округ включает часть района ${partHere.join(', ')}; эта часть не нарисована здесь, район целиком нарисован в соседнем округе`,
      en: `The okrug includes a part of ${partHere.join(', ')}; that part is not drawn here, because the whole district is drawn in the neighbouring okrug`,
    });
  }
  for (const row of mainHere) {
    const other = crosswalk.find((candidate) => candidate.district === row.district && candidate.part === 'part');
    if (!other) continue;
    notes.push({
      ru: `Район ${row.district} нарисован здесь целиком, хотя его часть относится к округу ${other.okrugNumber}`,
      en: `${row.district} is drawn here whole, although a part of it belongs to okrug ${other.okrugNumber}`,
    });
  }
  if (notes.length === 0) return null;
  return { ru: notes.map((note) => note.ru).join('. '), en: notes.map((note) => note.en).join('. ') };
}

function polygonsOf(geometry: DistrictGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Returns the signed planar area of a ring in square degrees, positive when counter-clockwise. */
function ringArea(ring: readonly Position[]): number {
  let twice = 0;
  for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index, index += 1) {
    twice += ring[previous][0] * ring[index][1] - ring[index][0] * ring[previous][1];
  }
  return twice / 2;
}

/** Returns the planar area of a polygon (outer ring minus holes) in square degrees, for comparisons only. */
function polygonArea(polygon: readonly Position[][]): number {
  const [outer, ...holes] = polygon;
  return Math.abs(ringArea(outer)) - holes.reduce((sum, hole) => sum + Math.abs(ringArea(hole)), 0);
}

/** Winds the outer ring counter-clockwise and holes clockwise, as RFC 7946 requires. */
function rewindPolygon(polygon: Position[][]): Position[][] {
  return polygon.map((ring, index) => {
    const counterClockwise = ringArea(ring) > 0;
    const wanted = index === 0;
    return counterClockwise === wanted ? ring : [...ring].reverse();
  });
}
