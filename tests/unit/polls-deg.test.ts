import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { parseDegCsv, readDegCsv, totalsPerOkrug, type DegCsvOptions } from '../../etl/polls/deg-csv.ts';
import type { PollBatch } from '../../etl/polls/schema.ts';
import { MESSAGE_SEPARATOR } from '../../etl/reasons.ts';
import { messagePartsAt } from '../helpers/messages.ts';

const DEG_CSV = fileURLToPath(new URL('../../data/polls/moscow_deg_2021_duma/results_with_names.csv', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/polls/${name}`, import.meta.url));

const options: DegCsvOptions = {
  poll: {
    poll_id: 'deg',
    title: 'ДЭГ 2021',
    topic: null,
    region: 'moscow',
    started_on: null,
    ended_on: null,
    snapshot_at: null,
    participants_as_given: null,
    source: 'test',
    source_url: null,
    licence: null,
    note: null,
  },
};

// Computed with Python: sum of int(count) grouped by the district column of the CSV.
const EXPECTED_TOTALS: Record<string, number> = {
  '196': 86824,
  '197': 81143,
  '198': 86650,
  '199': 98045,
  '200': 86554,
  '201': 83011,
  '202': 114221,
  '203': 92170,
  '204': 97646,
  '205': 79456,
  '206': 84247,
  '207': 91516,
  '208': 66139,
  '209': 83045,
  '210': 88309,
};

describe('deg csv: real file', () => {
  let batch: PollBatch;
  beforeAll(async () => {
    batch = await readDegCsv(DEG_CSV, options);
  });

  it('reads all 171 rows', () => {
    expect(batch.results).toHaveLength(171);
  });

  it('rejects no row', () => {
    expect(batch.rejects).toEqual([]);
  });

  it.each(Object.entries(EXPECTED_TOTALS))('okrug %s totals %i', (okrug, total) => {
    expect(totalsPerOkrug(batch.results).get(okrug)).toBe(total);
  });

  it('grand total is 1,318,976', () => {
    expect(batch.polls[0].participants).toBe(1318976);
  });

  it('okrug participants are the okrug total', () => {
    const row = batch.results.find((result) => result.area === '202')!;
    expect(row.participants).toBe(114221);
  });

  it('status is partial', () => {
    expect(batch.polls[0].status).toBe('partial');
  });

  it('scope is okrug', () => {
    expect(batch.polls[0].scope).toBe('okrug');
  });

  it('keeps the candidate name', () => {
    expect(batch.results[0].option_text).toBe('БАЖЕНОВ Тимофей Тимофеевич');
  });
});

describe('deg csv: bad rows', () => {
  let batch: PollBatch;
  beforeAll(async () => {
    batch = await readDegCsv(fixture('deg-quirks.csv'), options);
  });

  it.each([
    [5, 'duplicate_row'],
    [6, 'invalid_okrug'],
    [7, 'invalid_number'],
  ])('line %i is rejected as %s', (row, reason) => {
    expect(batch.rejects.find((reject) => reject.row === row)?.reason).toBe(reason);
  });

  it('flags the 13 okrugs without candidates', () => {
    expect(batch.problems.filter((entry) => entry.code === 'missing_area').map((entry) => entry.area)).toEqual(
      ['198', '199', '200', '201', '202', '203', '204', '205', '206', '207', '208', '209', '210'],
    );
  });

  it('sums the rows it kept', () => {
    expect(batch.polls[0].participants).toBe(220);
  });

  const halves = (row: number) => messagePartsAt(batch.rejects, row);

  it.each([
    [5, 'у округа 197 вариант 21 уже есть в строке 4'],
    [6, 'от 196 до 210'],
    [7, 'число голосов'],
  ])('line %i: Russian detail', (row, detail) => {
    expect(halves(row)[0]).toContain(detail);
  });

  it.each([
    [5, 'okrug 197 already has option 21 on line 4; keep one row'],
    [6, 'expected an okrug number from 196 to 210'],
    [7, 'expected the votes as plain digits'],
  ])('line %i: English half unchanged', (row, english) => {
    expect(halves(row).slice(1)).toEqual([english]);
  });
});

describe('deg csv: missing column', () => {
  // The quirks fixture with its count column renamed to votes.
  let batch: PollBatch;
  beforeAll(async () => {
    const text = await readFile(fixture('deg-quirks.csv'), 'utf8');
    batch = parseDegCsv(text.replace('choice,district,name,count', 'choice,district,name,votes'), options);
  });

  it('rejects the header', () => {
    expect(batch.rejects.map((reject) => [reject.reason, reject.field])).toEqual([['missing_column', 'count']]);
  });

  it('names the column in the Russian half', () => {
    expect(batch.rejects[0].message.split(MESSAGE_SEPARATOR)[0]).toBe('в заголовке нет столбца «count»; ожидаются столбцы choice,district,name,count');
  });

  it('keeps the English half', () => {
    expect(batch.rejects[0].message.split(MESSAGE_SEPARATOR).slice(1)).toEqual(['the header has no column "count"; expected choice,district,name,count']);
  });
});
