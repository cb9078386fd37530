import { describe, expect, test } from 'vitest';

import { coarsenPoint, generaliseRejectPoint, REDACTED, scrubText } from '../../etl/privacy.ts';

const grid = { gridLatitudeDegrees: 0.01, gridLongitudeDegrees: 0.02 };

describe('coarsenPoint', () => {
  test('snaps to the cell centre', () => {
    expect(coarsenPoint(59.9943342, 30.197107, grid)).toEqual({ latitude: 59.995, longitude: 30.19 });
  });

  test('maps two houses in one cell to one point', () => {
    expect(coarsenPoint(59.9901, 30.1801, grid)).toEqual(coarsenPoint(59.9999, 30.1999, grid));
  });

  test('keeps a missing point missing', () => {
    expect(coarsenPoint(null, 30.1, grid)).toEqual({ latitude: null, longitude: null });
  });
});

// Personal data forms seen in Russian and international appeal data.
const PERSONAL_DATA = [
  ['Russian mobile with +7', 'звоните +7 (921) 123-45-67 вечером'],
  ['Russian mobile with 8', 'тел. 8 921 1234567'],
  ['St Petersburg landline', 'телефон 576-82-14'],
  ['digits only', 'номер 89211234567'],
  ['US phone', 'call 212-555-0100 today'],
  ['international', 'tel +44 20 7946 0958'],
  ['work e-mail', 'zhilprim@tuprim.gov.spb.ru'],
  ['private e-mail', 'ivanov.a@mail.ru'],
  ['Cyrillic e-mail', 'почта иван@почта.рф'],
  ['surname with initial', 'С уважением, Иванов А.'],
  ['surname with initials', 'Половинкин В. С.'],
  ['initials before surname', 'подготовил А.И. Петров'],
  ['hyphenated surname', 'Римская-Корсакова Н.'],
] as const;

describe('scrubText', () => {
  for (const [name, text] of PERSONAL_DATA) {
    test(`removes ${name}`, () => {
      expect(scrubText(text).text).toContain(REDACTED);
    });
  }

  test.each([
    ['СПб ГКУ ЖА Невского района'],
    ['Администрация Приморского района'],
    ['муниципальный округ №65'],
    ['СПб ГКУ "Центр комплексного благоустройства"'],
    ['Неудовлетворительное состояние парадной'],
    ['2021-04-01'],
    ['18.10.20 15:07'],
  ])('keeps %s', (text) => {
    expect(scrubText(text).text).toBe(text);
  });
});

describe('generaliseRejectPoint', () => {
  test('moves a quoted point to its cell centre', () => {
    expect(generaliseRejectPoint('outside_region', '59.5712345, 29.0812345', grid)).toBe('59.575, 29.09');
  });

  test('keeps the district after the point', () => {
    expect(generaliseRejectPoint('point_outside_district', '59.9312, 30.3612 ∉ Невский', grid)).toBe('59.935, 30.37 ∉ Невский');
  });

  test('reads a point written without a space', () => {
    expect(generaliseRejectPoint('coordinates_out_of_bounds', '30.197107,59.9123456', grid)).toBe('30.195, 59.91');
  });

  test('keeps a negative longitude', () => {
    expect(generaliseRejectPoint('coordinates_out_of_bounds', '39.16442,-86.55201', grid)).toBe('39.165, -86.55');
  });

  test('drops a value without two numbers', () => {
    expect(generaliseRejectPoint('outside_region', 'north', grid)).toBeNull();
  });

  test('leaves other reasons alone', () => {
    expect(generaliseRejectPoint('invalid_time', '31.02.2021 10:00', grid)).toBe('31.02.2021 10:00');
  });
});
