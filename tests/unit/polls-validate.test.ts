import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { PollBatch, PollOptionResult, Poll } from '../../etl/polls/schema.ts';
import { readTranscribedCsv } from '../../etl/polls/transcribed-csv.ts';
import { roundingMargin, validatePolls } from '../../etl/polls/validate.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/polls/${name}`, import.meta.url));
const options = { region: 'moscow', source: 'test', licence: null, cityName: 'Москва' };

async function readAndValidate(name: string): Promise<PollBatch> {
  const batch = await readTranscribedCsv(fixture(name), options);
  return { ...batch, problems: [...batch.problems, ...validatePolls(batch.polls, batch.results)] };
}

// Each bad file and the one flag it must raise: a problem code (figures read but inconsistent) or
// a reject reason (a row or the file could not be read).
const BAD_FILES = [
  { file: 'shares-over-100.csv', kind: 'problem', code: 'shares_over_100', pollId: 'park_2020' },
  { file: 'votes-disagree-participants.csv', kind: 'problem', code: 'share_votes_mismatch', pollId: 'bridge_2019' },
  { file: 'votes-disagree-sum.csv', kind: 'problem', code: 'share_votes_mismatch', pollId: 'square_2019' },
  { file: 'participants-below-votes.csv', kind: 'problem', code: 'participants_below_votes', pollId: 'fountain_2018' },
  { file: 'missing-column.csv', kind: 'reject', code: 'missing_column', field: 'votes' },
  { file: 'bad-dates.csv', kind: 'reject', code: 'invalid_date', field: 'started_on', value: '26.02.2021' },
  { file: 'bad-dates.csv', kind: 'reject', code: 'invalid_date', field: 'started_on', value: '2021-02-30' },
  { file: 'bad-dates.csv', kind: 'problem', code: 'dates_reversed', pollId: 'reversed_dates' },
  { file: 'bad-values.csv', kind: 'reject', code: 'invalid_number', field: 'participants_total', value: 'около 300 тыс.' },
  { file: 'bad-values.csv', kind: 'reject', code: 'out_of_range', field: 'share_percent', value: '130' },
  { file: 'bad-values.csv', kind: 'reject', code: 'missing_value', field: 'share_percent', value: null },
] as const;

describe('poll validation: bad files', () => {
  it.each(BAD_FILES)('$file raises $code', async (entry) => {
    const batch = await readAndValidate(entry.file);
    if (entry.kind === 'problem') {
      expect(batch.problems.map((found) => [found.code, found.poll_id])).toContainEqual([entry.code, entry.pollId]);
    } else {
      const value = 'value' in entry ? entry.value : undefined;
      const match = batch.rejects.find((reject) => reject.reason === entry.code && reject.field === entry.field && (value === undefined || reject.value === value));
      expect(match).toBeDefined();
    }
  });
});

describe('poll validation: flag details', () => {
  it('shares over 100 cites the sum', async () => {
    const batch = await readAndValidate('shares-over-100.csv');
    expect(batch.problems[0].numbers).toEqual({ share_sum: 115, allowed: 101 });
  });

  it('share mismatch cites the computed share', async () => {
    const batch = await readAndValidate('votes-disagree-participants.csv');
    expect(batch.problems[0].numbers).toEqual({ votes: 600, denominator: 1000, share_given: 40, share_computed: 60 });
  });

  it('share mismatch falls back to the vote sum', async () => {
    const batch = await readAndValidate('votes-disagree-sum.csv');
    expect(batch.problems[0].numbers.denominator).toBe(1000);
  });

  it('participants below votes cites both', async () => {
    const batch = await readAndValidate('participants-below-votes.csv');
    expect(batch.problems[0].numbers).toEqual({ participants: 500, vote_sum: 600 });
  });

  it('messages are bilingual', async () => {
    const batch = await readAndValidate('shares-over-100.csv');
    expect(batch.problems[0].message.ru).toContain('park_2020');
    expect(batch.problems[0].message.en).toContain('park_2020');
  });

  it('missing column rejects the whole file', async () => {
    const batch = await readAndValidate('missing-column.csv');
    expect(batch.polls).toEqual([]);
  });

  it('rejects name the file line', async () => {
    const batch = await readAndValidate('bad-dates.csv');
    expect(batch.rejects.map((reject) => reject.row)).toEqual([2, 3]);
  });
});

describe('poll validation: accepted files', () => {
  it('multiple choice may exceed 100', async () => {
    const batch = await readAndValidate('shares-over-100-multiple.csv');
    expect(batch.problems).toEqual([]);
  });

  it('rounded shares stay within tolerance', async () => {
    const batch = await readAndValidate('shares-rounded.csv');
    expect(batch.problems).toEqual([]);
  });

  it('real polls.csv raises no flag', async () => {
    const batch = await readAndValidate('../../../data/polls/ag_mos_polls/polls.csv');
    expect(batch.problems).toEqual([]);
  });

  it('real rounded votes agree with shares', () => {
    // gazon_2016_week7: 121501 of 193263 is 62.868%, printed 62.87.
    const poll = { poll_id: 'p', choice_type: 'single' } as Poll;
    const row = { poll_id: 'p', kind: 'option', option_id: '1', option_text: 'a', area_kind: 'city', area: 'Москва', votes: 121501, share_percent: 62.87, participants: 193263 } as PollOptionResult;
    expect(validatePolls([poll], [row])).toEqual([]);
  });
});

describe('rounding margin', () => {
  it.each([
    [55, 0.5],
    [62.87, 0.005],
    [1.2, 0.05],
  ])('of %s is %s', (share, margin) => {
    expect(roundingMargin(share)).toBeCloseTo(margin, 12);
  });
});
