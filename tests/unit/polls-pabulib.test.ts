import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { parsePabulib, readPabulib } from '../../etl/polls/pabulib.ts';
import type { PollBatch } from '../../etl/polls/schema.ts';
import { MESSAGE_SEPARATOR } from '../../etl/reasons.ts';

const PABULIB_DIR = fileURLToPath(new URL('../../data/polls/pabulib_czestochowa_2020/', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/polls/${name}`, import.meta.url));
const options = { region: 'czestochowa', source: 'test', sourceUrl: null, licence: null, topic: null };

// Computed with Python: META num_votes and the number of rows after the VOTES header, per file.
// In every shipped file the two agree; the sum is 16,110 voters.
const VOTERS: Record<string, number> = {
  bleszno: 462,
  'czestochowka-parkitka': 758,
  dzbow: 887,
  'gnaszyn-kawodrza': 750,
  grabowka: 201,
  kiedrzyn: 711,
  lisiniec: 549,
  mirow: 373,
  'ostatni-grosz': 556,
  podjasnogorska: 215,
  polnoc: 1516,
  rakow: 1162,
  srodmiescie: 928,
  'stare-miasto': 524,
  stradom: 999,
  'trzech-wieszczow': 687,
  tysiaclecie: 1481,
  wrzosowiak: 1388,
  'wyczerpy-aniolow': 1317,
  'zawodzie-dabie': 646,
};

describe('pabulib: real files', () => {
  const batches = new Map<string, PollBatch>();
  beforeAll(async () => {
    for (const name of (await readdir(PABULIB_DIR)).filter((file) => file.endsWith('.pb'))) {
      batches.set(name.replace(/^poland_czestochowa_2020_|\.pb$/g, ''), await readPabulib(join(PABULIB_DIR, name), options));
    }
  });

  it('reads 20 district files', () => {
    expect([...batches.keys()].sort()).toEqual(Object.keys(VOTERS).sort());
  });

  it.each(Object.entries(VOTERS))('%s has %i voters', (district, voters) => {
    expect(batches.get(district)!.polls[0].participants).toBe(voters);
  });

  it.each(Object.entries(VOTERS))('%s META num_votes matches', (district, voters) => {
    expect(batches.get(district)!.polls[0].participants_as_given).toBe(String(voters));
  });

  it('reports no problem', () => {
    expect([...batches.values()].flatMap((batch) => batch.problems)).toEqual([]);
  });

  it('rejects no row', () => {
    expect([...batches.values()].flatMap((batch) => batch.rejects)).toEqual([]);
  });

  it('totals 16,110 voters', () => {
    expect([...batches.values()].reduce((sum, batch) => sum + batch.polls[0].participants!, 0)).toBe(16110);
  });

  it('takes votes and score from PROJECTS', () => {
    const row = batches.get('grabowka')!.results.find((result) => result.option_id === '196')!;
    expect([row.votes, row.points]).toEqual([72, 435]);
  });

  it('undoubles quotes in project names', () => {
    const row = batches.get('grabowka')!.results.find((result) => result.option_id === '47')!;
    expect(row.option_text).toBe('"Odkupmy" i my - zakup i montaż nowoczesnych koszy na psie nieczystości w dzielnicy Grabówka');
  });

  it('keeps Polish diacritics in the area', () => {
    expect(batches.get('wyczerpy-aniolow')!.results[0].area).toBe('Wyczerpy - Aniołów');
  });

  it('vote type is cumulative', () => {
    expect(batches.get('grabowka')!.polls[0].choice_type).toBe('cumulative');
  });

  it('altered data is partial', () => {
    expect(batches.get('grabowka')!.polls[0].status).toBe('partial');
  });

  it('reads dotted dates', () => {
    const poll = batches.get('grabowka')!.polls[0];
    expect([poll.started_on, poll.ended_on]).toEqual(['2019-09-06', '2019-09-25']);
  });
});

describe('pabulib: mismatched file', () => {
  let batch: PollBatch;
  beforeAll(async () => {
    batch = await readPabulib(fixture('pabulib-mismatch.pb'), options);
  });
  const codes = () => batch.problems.map((entry) => [entry.code, entry.option_id, entry.numbers]);

  it('flags num_votes against VOTES rows', () => {
    expect(codes()).toContainEqual(['declared_count_mismatch', null, { declared: 5, counted: 4 }]);
  });

  it('flags num_projects against PROJECTS rows', () => {
    expect(codes()).toContainEqual(['declared_count_mismatch', null, { declared: 3, counted: 2 }]);
  });

  it('flags project votes against ballots', () => {
    expect(codes()).toContainEqual(['project_count_mismatch', '2', { given: 2, counted: 3 }]);
  });

  it('flags project score against ballots', () => {
    expect(codes()).toContainEqual(['project_count_mismatch', '2', { given: 9, counted: 21 }]);
  });

  it('flags ballots over the points limit', () => {
    expect(codes()).toContainEqual(['ballot_points_out_of_range', null, { ballots: 1, minimum: 1, maximum: 10 }]);
  });

  it('keeps the PROJECTS figures', () => {
    expect(batch.results.find((row) => row.option_id === '2')!.votes).toBe(2);
  });

  it('reads a quoted name with a semicolon', () => {
    expect(batch.results[0].option_text).toBe('"Zielony" skwer; ławki');
  });

  it('participants are the VOTES rows', () => {
    expect(batch.polls[0].participants).toBe(4);
  });
});

describe('pabulib: rejected rows', () => {
  // The mismatch fixture with two rows broken. Ballot 104 chooses projects 2 and 1 but gives one
  // point value, and date_end names 31 September, a day that does not exist. The second text is
  // the fixture cut before its VOTES section.
  let batch: PollBatch;
  let withoutVotes: PollBatch;
  beforeAll(async () => {
    const text = await readFile(fixture('pabulib-mismatch.pb'), 'utf8');
    const broken = text.replace('104;2;12', '104;2,1;12').replace('date_end;25.09.2019', 'date_end;31.09.2019');
    batch = parsePabulib(broken, { ...options, displayName: 'pabulib-mismatch.pb' });
    withoutVotes = parsePabulib(text.slice(0, text.indexOf('VOTES')), { ...options, displayName: 'pabulib-mismatch.pb' });
  });
  const halves = (found: PollBatch, field: string) => found.rejects.find((reject) => reject.field === field)!.message.split(MESSAGE_SEPARATOR);

  it('rejects the points and the date', () => {
    expect(batch.rejects.map((reject) => [reject.reason, reject.field, reject.value])).toEqual([
      ['invalid_number', 'points', '12'],
      ['invalid_date', 'date_end', '31.09.2019'],
    ]);
  });

  it('points: Russian half counts the chosen projects', () => {
    expect(halves(batch, 'points')[0]).toContain('выбрано проектов: 2');
  });

  it('points: English half unchanged', () => {
    expect(halves(batch, 'points').slice(1)).toEqual(['expected 2 comma-separated whole numbers, one per chosen project']);
  });

  it('date_end: Russian half gives the date form', () => {
    expect(halves(batch, 'date_end')[0]).toContain('дд.мм.гггг');
  });

  it('date_end: English half unchanged', () => {
    expect(halves(batch, 'date_end').slice(1)).toEqual(['expected a date dd.mm.yyyy naming a real day; the poll keeps no date']);
  });

  it('missing VOTES: Russian half names the section', () => {
    expect(halves(withoutVotes, 'VOTES')[0]).toContain('нет раздела VOTES');
  });

  it('missing VOTES: English half unchanged', () => {
    expect(halves(withoutVotes, 'VOTES').slice(1)).toEqual([
      'the file has no VOTES section; a .pb file needs META, PROJECTS and VOTES, each line introducing one section with its header on the next line',
    ]);
  });
});
