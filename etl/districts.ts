// District assignment. A region's districts come from its boundaries file. A record is placed by
// an explicit district code first, then by a normalized district name (with the region's aliases),
// then by point-in-polygon on its coordinates, and the rule that placed it is recorded.

import { readFileSync } from 'node:fs';

import type { RegionConfig } from './config.ts';
import { ConfigError } from './lib/errors.ts';
import { parseCsvRecords, parseCsvWithLines } from './lib/csv.ts';
import { boundingBox, boxContains, geometryContains, type BoundingBox, type Geometry } from './geo.ts';
import { PointIndex } from './point-index.ts';
import type { DistrictRule } from './schema.ts';
import type { Bounds } from './sources/row-helpers.ts';

export interface District {
  name: string;
  slug: string;
  population: number | null;
  geometry: Geometry;
  box: BoundingBox;
}

export interface Region {
  config: RegionConfig;
  districts: District[];
  byName: Map<string, District>;
  byCode: Map<string, District>;
  /** Municipality name as the source writes it → its short name and district. */
  municipalities: Map<string, { shortName: string; district: string }>;
}

export type Assignment =
  | { readonly ok: true; readonly district: District; readonly rule: DistrictRule; readonly pointOutside: boolean }
  | {
      readonly ok: false;
      readonly reason: 'district_unknown' | 'district_conflict' | 'outside_region' | 'no_location';
      readonly field: string;
      readonly value: string | null;
      /** For a conflict, the district the code gives, which a keeping policy uses. */
      readonly codeDistrict?: District;
    };

export interface DistrictInput {
  district_code: string | null;
  district_name: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** Loads a region's districts, population, codes and municipalities from its configured files. */
export function loadRegion(config: RegionConfig): Region {
  const collection = JSON.parse(readFileSync(config.boundaries.file, 'utf8')) as { features?: { properties: Record<string, unknown>; geometry: Geometry }[] };
  const features = (collection.features ?? []).filter((feature) => matchesFilter(feature.properties, config.boundaries.filter));
  if (features.length === 0) {
    throw new ConfigError({
      ru: `В файле границ ${config.boundaries.file} нет районов (проверьте boundaries.filter).`,
      en: `The boundaries file ${config.boundaries.file} has no districts (check boundaries.filter).`,
    });
  }

  const population = loadPopulation(config, features);
  const districts = features.map((feature) => {
    const name = String(feature.properties[config.boundaries.nameProperty] ?? '').trim();
    if (!name) {
      throw new ConfigError({
        ru: `В файле границ ${config.boundaries.file} у района нет свойства ${config.boundaries.nameProperty}.`,
        en: `A feature in ${config.boundaries.file} lacks the property ${config.boundaries.nameProperty}.`,
      });
    }
    return { name, slug: slugify(name), population: population.get(name) ?? null, geometry: feature.geometry, box: boundingBox(feature.geometry) };
  });

  const byName = new Map<string, District>();
  for (const district of districts) byName.set(normalizeDistrictName(district.name), district);
  for (const [alias, target] of Object.entries(config.aliases)) {
    const district = byName.get(normalizeDistrictName(target));
    if (!district) {
      throw new ConfigError({
        ru: `Псевдоним «${alias}» ссылается на неизвестный район «${target}» (regions.${config.id}.aliases).`,
        en: `Alias "${alias}" points to an unknown district "${target}" (regions.${config.id}.aliases).`,
      });
    }
    byName.set(normalizeDistrictName(alias), district);
  }

  return { config, districts, byName, byCode: loadCodes(config, byName, features), municipalities: loadMunicipalities(config) };
}

function matchesFilter(properties: Record<string, unknown>, filter?: Record<string, string | number>): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => properties[key] === value);
}

function loadPopulation(config: RegionConfig, features: { properties: Record<string, unknown> }[]): Map<string, number> {
  const population = new Map<string, number>();
  const table = config.population;
  if (!table) return population;

  const rows = table.file
    ? readReferenceCsv(table.file)
    : features.map((feature) => feature.properties as Record<string, string>);
  for (const row of rows) {
    const value = Number(row[table.valueColumn]);
    if (Number.isFinite(value) && value > 0) population.set(String(row[table.districtColumn]).trim(), value);
  }
  return population;
}

function loadCodes(config: RegionConfig, byName: Map<string, District>, features: { properties: Record<string, unknown> }[]): Map<string, District> {
  const byCode = new Map<string, District>();
  if (config.boundaries.codeProperty) {
    for (const feature of features) {
      const district = byName.get(normalizeDistrictName(String(feature.properties[config.boundaries.nameProperty])));
      const code = feature.properties[config.boundaries.codeProperty];
      if (district && code !== undefined && code !== null) byCode.set(String(code), district);
    }
  }
  if (config.districtCodes) {
    for (const row of readReferenceCsv(config.districtCodes.file)) {
      const district = byName.get(normalizeDistrictName(row[config.districtCodes.districtColumn] ?? ''));
      const code = (row[config.districtCodes.codeColumn] ?? '').trim();
      if (district && code) byCode.set(code, district);
    }
  }
  return byCode;
}

function loadMunicipalities(config: RegionConfig): Map<string, { shortName: string; district: string }> {
  const municipalities = new Map<string, { shortName: string; district: string }>();
  const table = config.municipalities;
  if (!table) return municipalities;
  for (const row of readReferenceCsv(table.file)) {
    const entry = { shortName: row[table.shortNameColumn].trim(), district: row[table.districtColumn].trim() };
    municipalities.set(row[table.nameColumn], entry);
    municipalities.set(normalizeMunicipalityName(row[table.nameColumn]), entry);
  }
  return municipalities;
}

/**
 * Normalizes a district name for matching: lower case, ё → е, hyphens and dashes as spaces, and
 * the words «район», «р-н», «муниципальный район», «МО» removed.
 */
export function normalizeDistrictName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[«»"'`]/g, ' ')
    .replace(/(?<![\p{L}])р-н(?![\p{L}])/gu, ' ')
    .replace(/[‐-―−-]/g, ' ')
    .replace(/(?<![\p{L}])(муниципальный район|муниципальный округ|городской округ|административный район|район|мо|г\.)(?![\p{L}])/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Normalizes a municipal okrug name: the type prefix («муниципальный округ», «МО», «посёлок»,
 * «город») removed, «№ 7» → «№7», lower case, ё → е, spaces collapsed.
 */
export function normalizeMunicipalityName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/(?<![\p{L}])(внутригородское муниципальное образование|муниципальный округ|муниципальное образование|мо|поселок|город|округ)(?![\p{L}])/gu, ' ')
    .replace(/№\s+/g, '№')
    .replace(/\s*[‐-―−-]\s*/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Margin around a region's districts, in degrees, within which a source's points must lie when
 * its mapping sets no bounds. A degree is 111 km north to south, so the margin keeps suburbs and
 * loose geocoding, and rejects points with a lost minus sign, swapped latitude and longitude, or
 * another region's coordinates.
 */
export const REGION_MARGIN_DEGREES = 1;

/** Returns the box of all districts of a region widened by REGION_MARGIN_DEGREES, within WGS84 ranges. */
export function regionBounds(region: Region): Bounds {
  let [south, west, north, east] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { box } of region.districts) {
    south = Math.min(south, box.south);
    west = Math.min(west, box.west);
    north = Math.max(north, box.north);
    east = Math.max(east, box.east);
  }
  // Rounded outwards to a thousandth of a degree, for readable messages.
  const down = (value: number) => Math.floor(value * 1000) / 1000;
  const up = (value: number) => Math.ceil(value * 1000) / 1000;
  return {
    south: down(Math.max(-90, south - REGION_MARGIN_DEGREES)),
    west: down(Math.max(-180, west - REGION_MARGIN_DEGREES)),
    north: up(Math.min(90, north + REGION_MARGIN_DEGREES)),
    east: up(Math.min(180, east + REGION_MARGIN_DEGREES)),
    label: {
      ru: `территории региона ${region.config.id} с полосой ${REGION_MARGIN_DEGREES.toLocaleString('ru-RU')}° вокруг неё`,
      en: `the area of region ${region.config.id} and ${REGION_MARGIN_DEGREES}° around it`,
    },
  };
}

/** Places a record in a district by code, then name, then point; reports a conflict between them. */
export function assignDistrict(region: Region, input: DistrictInput): Assignment {
  const byCode = input.district_code ? region.byCode.get(input.district_code.trim()) : undefined;
  const byName = input.district_name ? region.byName.get(normalizeDistrictName(input.district_name)) : undefined;

  if (byCode && byName && byCode !== byName) {
    return { ok: false, reason: 'district_conflict', field: 'district_name', value: `${input.district_code} ≠ ${input.district_name}`, codeDistrict: byCode };
  }

  const hasPoint = input.latitude !== null && input.longitude !== null;
  const byPoint = hasPoint ? indexedDistrictAtPoint(region, input.longitude!, input.latitude!) : null;
  const chosen = byCode ?? byName;
  if (chosen) {
    const pointOutside = hasPoint && byPoint !== chosen;
    return { ok: true, district: chosen, rule: byCode ? 'code' : 'name', pointOutside };
  }

  if (byPoint) return { ok: true, district: byPoint, rule: 'point', pointOutside: false };
  if (input.district_name || input.district_code) {
    return { ok: false, reason: 'district_unknown', field: input.district_name ? 'district_name' : 'district_code', value: input.district_name ?? input.district_code };
  }
  if (!hasPoint) return { ok: false, reason: 'no_location', field: 'district_name', value: null };
  return { ok: false, reason: 'outside_region', field: 'latitude/longitude', value: `${input.latitude}, ${input.longitude}` };
}

/** Point indexes of the regions, each built when the first point of its region is placed. */
const pointIndexes = new WeakMap<Region, PointIndex>();

/** Gives what districtAtPoint gives, through the region's point index. */
function indexedDistrictAtPoint(region: Region, longitude: number, latitude: number): District | null {
  let index = pointIndexes.get(region);
  if (!index) {
    index = new PointIndex(region);
    pointIndexes.set(region, index);
  }

  const position = index.districtIndexAt(longitude, latitude);
  return position < 0 ? null : region.districts[position];
}

/** Returns the first district whose boundary contains the point, testing every edge of every ring. */
export function districtAtPoint(region: Region, longitude: number, latitude: number): District | null {
  for (const district of region.districts) {
    if (boxContains(district.box, longitude, latitude) && geometryContains(district.geometry, longitude, latitude)) return district;
  }
  return null;
}

const TRANSLITERATION: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/** Makes an ASCII URL slug from a Russian name: «Адмиралтейский» → "admiralteyskiy". */
export function slugify(name: string): string {
  return [...name.toLowerCase()]
    .map((char) => TRANSLITERATION[char] ?? char)
    .join('')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Reads a reference CSV file of a region (population, codes, okrugs) into records by header. */
function readReferenceCsv(file: string): Record<string, string>[] {
  const text = readFileSync(file, 'utf8');
  const { unterminatedQuoteLine: line } = parseCsvWithLines(text);
  if (line !== null) {
    throw new ConfigError({
      ru: `${file}, строка ${line}: поле в кавычках не закрыто, и дальше файл не читается; закройте кавычку`,
      en: `${file}, line ${line}: a quoted field never closes, so the rest of the file cannot be read; close the quote`,
    });
  }
  return parseCsvRecords(text, ',', file);
}
