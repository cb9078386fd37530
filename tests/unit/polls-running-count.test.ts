import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { readRunningCountCsv, type RunningCountBatch, type RunningCountOptions } from '../../etl/polls/running-count-csv.ts';
import { FKGS_YAKUTSK_2025 } from '../../etl/polls/sources.ts';
import { messagePartsAt } from '../helpers/messages.ts';

const VOTES_CSV = fileURLToPath(new URL('../../data/polls/fkgs_yakutsk_2025/votes_data.csv', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/polls/${name}`, import.meta.url));

const options: RunningCountOptions = {
  poll: { ...FKGS_YAKUTSK_2025.poll, region: 'yakutsk', source: 'test', source_url: null, licence: null },
  areaKind: 'municipality',
  area: 'Якутск',
  timeZone: 'Asia/Yakutsk',
  optionIds: FKGS_YAKUTSK_2025.optionIds,
};

// Computed with Python's csv module: drop exact repeats of (title, votes, timestamp), take the
// trailing digits of each votes cell, keep each title's count at its latest timestamp.
const LAST_COUNTS: Array<[string, number]> = [
  ['94152', 520], // Набережная озера Теплое
  ['94201', 156], // Сквер «Вечная память воинам-якутянам…»
  ['94145', 135], // Сквер им. Ю.А. Гагарина
  ['94160', 80], // Набережная озера Щорса
  ['94451', 79], // Набережная Белое Озеро
  ['94167', 61], // Набережная озера Сэргэллэх
  ['96387', 54], // Сквер «Обнаженные сердца» на Талом озере
  ['94180', 46], // Сквер Строителей
];

describe('running count: real file', () => {
  let batch: RunningCountBatch;
  beforeAll(async () => {
    batch = await readRunningCountCsv(VOTES_CSV, options);
  });

  it.each(LAST_COUNTS)('option %s ends at %i', (optionId, votes) => {
    expect(batch.results.find((row) => row.option_id === optionId)?.votes).toBe(votes);
  });

  it('last counts sum to 1,131', () => {
    expect(batch.results.reduce((sum, row) => sum + row.votes!, 0)).toBe(1131);
  });

  it('rejects 48 duplicate rows', () => {
    expect(batch.rejects.filter((reject) => reject.reason === 'duplicate_row')).toHaveLength(48);
  });

  it('rejects nothing else', () => {
    expect(batch.rejects.filter((reject) => reject.reason !== 'duplicate_row')).toEqual([]);
  });

  it('reads 136 text counts', () => {
    expect(batch.textCountsRead).toBe(136);
  });

  it('keeps 192 observations', () => {
    expect(batch.observations).toHaveLength(192);
  });

  it('finds no decreasing count', () => {
    expect(batch.problems).toEqual([]);
  });

  it('converts Yakutsk time to UTC', () => {
    // 29-04-2025 11:01:53 at UTC+9.
    expect(batch.polls[0].snapshot_at).toBe('2025-04-29T02:01:53Z');
  });

  it('strips the wrapping quotes of titles', () => {
    expect(batch.results.find((row) => row.option_id === '94145')?.option_text).toBe('Сквер им. Ю.А. Гагарина');
  });

  it('keeps inner quotes of titles', () => {
    expect(batch.results.find((row) => row.option_id === '94201')?.option_text).toBe('Сквер "Вечная память воинам-якутянам, павшим под г. Ржев в 1941-1943 г.');
  });

  it('is interim', () => {
    expect(batch.polls[0].status).toBe('interim');
  });
});

describe('running count: quirks fixture', () => {
  let batch: RunningCountBatch;
  beforeAll(async () => {
    batch = await readRunningCountCsv(fixture('running-count-quirks.csv'), { ...options, optionIds: [] });
  });

  it.each([
    [6, 'duplicate_row'],
    [7, 'invalid_number'],
    [9, 'invalid_time'],
    [12, 'conflicting_row'],
  ])('line %i is rejected as %s', (row, reason) => {
    expect(batch.rejects.find((reject) => reject.row === row)?.reason).toBe(reason);
  });

  it('rejects four rows', () => {
    expect(batch.rejects).toHaveLength(4);
  });

  it('flags the decreasing count', () => {
    const found = batch.problems.find((entry) => entry.code === 'count_decreased');
    expect(found?.numbers).toEqual({ previous: 12, current: 11, previousLine: 5 });
  });

  it('flags the conflicting observation', () => {
    expect(batch.problems.map((entry) => entry.code)).toContain('conflicting_observation');
  });

  it('reads the count after page text', () => {
    expect(batch.observations.find((entry) => entry.line === 3)?.votes).toBe(7);
  });

  it('takes the latest count per option', () => {
    expect(batch.results.map((row) => [row.option_text, row.votes])).toEqual([
      ['Сквер А', 11],
      ['Сквер Б', 8],
      ['Сквер "Вечный, павшим', 3],
    ]);
  });

  it('numbers unmatched options by first appearance', () => {
    expect(batch.results.map((row) => row.option_id)).toEqual(['title-1', 'title-2', 'title-3']);
  });

  const halves = (row: number) => messagePartsAt(batch.rejects, row);

  it.each([
    [6, 'в строке 5'],
    [7, '«Всего проголосовало:»'],
    [9, 'дд-мм-гггг чч:мм:сс'],
    [12, 'строка 11 даёт для того же варианта на то же время число 8'],
  ])('line %i: Russian detail', (row, detail) => {
    expect(halves(row)[0]).toContain(detail);
  });

  it.each([
    [6, 'the same option, count and time already appear on line 5; the scraper saved the batch twice'],
    [7, 'expected the running count as digits, optionally after "Всего проголосовало:"; fix the scraper to save the number only'],
    [9, 'expected a local time dd-mm-yyyy HH:MM:SS naming a real moment'],
    [12, 'line 11 gives 8 for the same option at the same time; keep the row the vote page showed'],
  ])('line %i: English half unchanged', (row, english) => {
    expect(halves(row).slice(1)).toEqual([english]);
  });
});
