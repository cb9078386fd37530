import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { buildOkrugLayer, parseDumaCrosswalk, readOkrugLayer, type OkrugLayer } from '../../etl/polls/okrugs.ts';

const GEO_DIR = fileURLToPath(new URL('../../data/geo/', import.meta.url));

// Expected membership from the crosswalk CSV (rows per okrug_number, part != "part"); the 26
// unplaced districts are the 132 names of the boundary file minus the 106 names of the crosswalk.
const MEMBER_COUNTS: Record<number, number> = {
  196: 12, 197: 8, 198: 11, 199: 0, 200: 7, 201: 0, 202: 12, 203: 0,
  204: 9, 205: 9, 206: 6, 207: 12, 208: 11, 209: 8, 210: 1,
};

const UNPLACED = [
  'Бирюлёво Восточное', 'Бирюлёво Западное', 'Братеево', 'Выхино-Жулебино', 'Даниловский', 'Донской',
  'Зябликово', 'Капотня', 'Котловка', 'Кузьминки', 'Люблино', 'Марьино', 'Москворечье-Сабурово',
  'Нагатино-Садовники', 'Нагатинский Затон', 'Нагорный', 'Орехово-Борисово Северное',
  'Орехово-Борисово Южное', 'Печатники', 'Северное Бутово', 'Царицыно', 'Чертаново Северное',
  'Чертаново Центральное', 'Чертаново Южное', 'Южнопортовый', 'Ясенево',
];

describe('okrug layer: real files', () => {
  let layer: OkrugLayer;
  const feature = (okrug: number) => layer.collection.features.find((entry) => entry.properties.okrug_number === okrug)!;
  beforeAll(async () => {
    layer = await readOkrugLayer(GEO_DIR);
  });

  it('has one feature per okrug 196–210', () => {
    expect(layer.collection.features.map((entry) => entry.properties.okrug_number)).toEqual(Object.keys(MEMBER_COUNTS).map(Number));
  });

  it.each(Object.entries(MEMBER_COUNTS))('okrug %s draws %i districts', (okrug, count) => {
    expect(feature(Number(okrug)).properties.members).toHaveLength(count);
  });

  it('reports okrugs with missing members', () => {
    expect(layer.report.okrugsWithMissingMembers).toEqual([199, 201, 203, 210]);
  });

  it.each([199, 201, 203])('okrug %i has no geometry', (okrug) => {
    expect(feature(okrug).geometry).toBeNull();
  });

  it('marks 210 list incomplete', () => {
    expect(feature(210).properties.missing_reason).toBe('list_incomplete');
  });

  it('does not mark elimination okrugs missing', () => {
    expect([197, 200, 205].map((okrug) => feature(okrug).properties.missing)).toEqual([false, false, false]);
  });

  it('leaves 26 districts unplaced', () => {
    expect(layer.report.unplacedDistricts).toEqual(UNPLACED);
  });

  it('finds every crosswalk district', () => {
    expect(layer.report.unknownDistricts).toEqual([]);
  });

  it('draws Щербинка in 202', () => {
    expect(feature(202).properties.members).toContain('Щербинка');
  });

  it('does not draw Щербинка in 210', () => {
    expect(feature(210).properties.members).not.toContain('Щербинка');
  });

  it('reports the Щербинка part in 210', () => {
    expect(feature(210).properties.members_not_drawn).toEqual(['Щербинка']);
  });

  it('notes the Щербинка split in 202', () => {
    expect(feature(202).properties.note?.en).toContain('okrug 210');
  });

  it('dissolves every drawn okrug', () => {
    const methods = layer.collection.features.filter((entry) => entry.geometry).map((entry) => entry.properties.geometry_method);
    expect(new Set(methods)).toEqual(new Set(['union']));
  });

  // Part counts follow the district exclaves: 197 contains Кунцево's 5 parts, 205 Восточный's 4 parts
  // plus the rest of the okrug, 202 Бекасово's exclave, 207 Zelenograd apart from Ховрино.
  it.each([
    [196, 1],
    [197, 5],
    [202, 2],
    [205, 5],
    [207, 2],
    [208, 1],
  ])('okrug %i unites into %i parts', (okrug, parts) => {
    expect(feature(okrug).geometry!.coordinates).toHaveLength(parts);
  });

  it('winds outer rings counter-clockwise', () => {
    const ring = feature(208).geometry!.coordinates[0][0];
    let twiceArea = 0;
    for (let index = 0, previous = ring.length - 1; index < ring.length; previous = index, index += 1) {
      twiceArea += ring[previous][0] * ring[index][1] - ring[index][0] * ring[previous][1];
    }
    expect(twiceArea).toBeGreaterThan(0);
  });
});

describe('okrug layer: crosswalk rows', () => {
  const outsideOkrug = 'okrug_number,okrug_name,district_name,part,basis,source,note\n211,Лишний,Арбат,whole,listed,,\n';

  it('reports an okrug outside 196–210', () => {
    expect(parseDumaCrosswalk(outsideOkrug).invalid.map((row) => row.en)).toEqual(['2: okrug_number "211" is not 196–210']);
  });

  it('names the okrug outside 196–210 in Russian', () => {
    expect(parseDumaCrosswalk(outsideOkrug).invalid[0].ru).toBe('2: okrug_number «211» не из диапазона 196–210');
  });

  it('reports a crosswalk district without polygon', async () => {
    const districts = JSON.parse(await readFile(`${GEO_DIR}moscow-districts-osm-2026.geojson`, 'utf8'));
    const rows = [{ okrugNumber: 208, okrugName: 'Центральный', district: 'Атлантида', part: 'whole' as const, basis: 'listed', note: null, line: 2 }];
    expect(buildOkrugLayer(districts, rows).report.unknownDistricts).toEqual(['Атлантида']);
  });
});
