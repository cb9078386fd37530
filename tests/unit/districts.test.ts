import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { assignDistrict, loadRegion, normalizeDistrictName, normalizeMunicipalityName, slugify, type Region } from '../../etl/districts.ts';
import { loadConfig } from '../../etl/config.ts';
import { districtRejectMessage } from '../../etl/district-policy.ts';
import { splitRejectMessage } from '../../etl/reasons.ts';
import { CONFIG_PATH, ROOT } from '../helpers/fixtures.ts';

let region: Region;

beforeAll(() => {
  region = loadRegion(loadConfig(CONFIG_PATH, ROOT).regions[0]);
});

const point = { district_code: null, district_name: null };

describe('districtRejectMessage', () => {
  for (const reason of ['point_outside_district', 'district_conflict', 'district_unknown', 'no_location', 'outside_region']) {
    test(`explains ${reason} in Russian`, () => {
      expect(splitRejectMessage(districtRejectMessage(reason, region)).ru).toMatch(/^[а-я]/);
    });
  }

  test('names the region in the Russian half', () => {
    expect(splitRejectMessage(districtRejectMessage('district_unknown', region)).ru).toContain('в регионе spb нет района');
  });
});

describe('assignDistrict', () => {
  test('loads 18 districts', () => {
    expect(region.districts).toHaveLength(18);
  });

  test('places by the portal district code', () => {
    const result = assignDistrict(region, { district_code: '34', district_name: null, latitude: null, longitude: null });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([result.district.name, result.rule]).toEqual(['Приморский', 'code']);
  });

  test('places by a name with «район»', () => {
    const result = assignDistrict(region, { district_code: null, district_name: 'Невский район', latitude: null, longitude: null });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([result.district.name, result.rule]).toEqual(['Невский', 'name']);
  });

  test('places by point in polygon', () => {
    const result = assignDistrict(region, { ...point, latitude: 59.9943342, longitude: 30.197107 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([result.district.name, result.rule]).toEqual(['Приморский', 'point']);
  });

  test('rejects a code and name that disagree', () => {
    const result = assignDistrict(region, { district_code: '34', district_name: 'Невский', latitude: null, longitude: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('district_conflict');
  });

  test('rejects an unknown name', () => {
    const result = assignDistrict(region, { district_code: null, district_name: 'Тверской', latitude: null, longitude: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('district_unknown');
  });

  test('rejects a point on the other side of the world', () => {
    const result = assignDistrict(region, { ...point, latitude: -33.86, longitude: 151.2 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('outside_region');
  });

  test('names a record with no district and no point', () => {
    const result = assignDistrict(region, { ...point, latitude: null, longitude: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('no_location');
  });

  test('flags a point outside the named district', () => {
    const result = assignDistrict(region, { district_code: null, district_name: 'Невский', latitude: 59.9943342, longitude: 30.197107 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.pointOutside).toBe(true);
  });
});

describe('normalizeDistrictName', () => {
  test.each([
    ['Невский район', 'невский'],
    ['р-н Невский', 'невский'],
    ['Невский р-н', 'невский'],
    ['МО Невский', 'невский'],
    ['Красногвардейский', 'красногвардейский'],
    ['Петроградский  район', 'петроградский'],
    ['Хорошёво-Мнёвники', 'хорошево мневники'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDistrictName(input)).toBe(expected);
  });
});

describe('normalizeMunicipalityName', () => {
  test.each([
    ['муниципальный округ №65', '№65'],
    ['муниципальный округ № 65', '№65'],
    ['МО Лахта - Ольгино', 'лахта-ольгино'],
    ['муниципальный округ  Измайловское', 'измайловское'],
    ['посёлок Смолячково', 'смолячково'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeMunicipalityName(input)).toBe(expected);
  });
});

describe('slugify', () => {
  test('transliterates a district name', () => {
    expect(slugify('Адмиралтейский')).toBe('admiralteyskiy');
  });

  test('joins words with hyphens', () => {
    expect(slugify('Хорошёво-Мнёвники')).toBe('khoroshevo-mnevniki');
  });
});

describe('shipped regions', () => {
  const config = loadConfig(CONFIG_PATH, ROOT);
  const byId = (id: string) => loadRegion(config.regions.find((entry) => entry.id === id)!);

  test('Moscow has 132 districts', () => {
    expect(byId('moscow').districts).toHaveLength(132);
  });

  test('Moscow places a 2012 OKTMO code', () => {
    const result = assignDistrict(byId('moscow'), { district_code: '45301000', district_name: null, latitude: null, longitude: null });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.district.name).toBe('Богородское');
  });

  test('Moscow places a point in Kremlin', () => {
    const result = assignDistrict(byId('moscow'), { district_code: null, district_name: null, latitude: 55.752, longitude: 37.6175 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.district.name).toBe('Тверской');
  });

  test('Khabarovsk Krai keeps the municipal level only', () => {
    expect(byId('khabarovsk-krai').districts).toHaveLength(19);
  });

  test('Khabarovsk Krai reads population from the boundaries', () => {
    const population = byId('khabarovsk-krai').districts.reduce((sum, district) => sum + (district.population ?? 0), 0);
    expect(population).toBe(1_334_552);
  });

  test('Khabarovsk Krai matches a name without «район»', () => {
    const result = assignDistrict(byId('khabarovsk-krai'), { district_code: null, district_name: 'Бикинский', latitude: null, longitude: null });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.district.name).toBe('Бикинский район');
  });
});

describe('loadRegion reference files', () => {
  test('names an unclosed quote in the population file', () => {
    const config = loadConfig(CONFIG_PATH, ROOT).regions[0];
    const directory = mkdtempSync(join(tmpdir(), 'open-district-population-'));
    const broken = join(directory, 'population.csv');
    // The real population file with its second data row cut inside an opened quote.
    const [header, first] = readFileSync(config.population!.file!, 'utf8').split(/\r?\n/);
    writeFileSync(broken, `${header}\n${first}\n"Невский,\n`);

    try {
      expect(() => loadRegion({ ...config, population: { ...config.population!, file: broken } })).toThrow(`${broken}, line 3: a quoted field never closes`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
