import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { parseCsvWithLines } from '../../etl/polls/csv.ts';
import type { PollBatch } from '../../etl/polls/schema.ts';
import { AG_MOS_POLLS } from '../../etl/polls/sources.ts';
import { inferChoiceType, inferStatus, parseTranscribedCsv, readTranscribedCsv } from '../../etl/polls/transcribed-csv.ts';
import { MESSAGE_SEPARATOR } from '../../etl/reasons.ts';

const POLLS_CSV = fileURLToPath(new URL('../../data/polls/ag_mos_polls/polls.csv', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/polls/${name}`, import.meta.url));
const options = { region: 'moscow', source: 'ag-mos-polls', licence: null, cityName: 'Москва' };

describe('csv reader', () => {
  it('keeps the start line of multi-line records', () => {
    const { records } = parseCsvWithLines('a,b\r\n"x\ny",1\r\nz,2\r\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('reads doubled quotes inside a quoted field', () => {
    const { records } = parseCsvWithLines('"""Сквер ""Вечный, павшим"""\n');
    expect(records[0].fields).toEqual(['"Сквер "Вечный, павшим"']);
  });

  it('reports an unterminated quote', () => {
    expect(parseCsvWithLines('a\n"open\nstill open\n').unterminatedQuoteLine).toBe(2);
  });
});

// Expected counts were read off the file with Python's csv module:
// len(rows) == 46, len({r['poll_id'] for r in rows}) == 16.
describe('transcribed csv: real polls.csv', () => {
  let batch: PollBatch;
  beforeAll(async () => {
    batch = await readTranscribedCsv(POLLS_CSV, options);
  });
  const poll = (id: string) => batch.polls.find((entry) => entry.poll_id === id)!;

  it('reads all 46 rows', () => {
    expect(batch.results).toHaveLength(46);
  });

  it('finds 16 poll ids', () => {
    expect(batch.polls).toHaveLength(16);
  });

  it('rejects no row', () => {
    expect(batch.rejects).toEqual([]);
  });

  it('reports no problem', () => {
    expect(batch.problems).toEqual([]);
  });

  it('keeps participants as given', () => {
    expect(poll('newyear_format_2022').participants_as_given).toBe('около 300 тыс. (за два с половиной дня)');
  });

  it('keeps the exact participant count', () => {
    expect(poll('lubyanka_2021').participants).toBe(319897);
  });

  it('leaves a rounded participant count empty', () => {
    expect(poll('bkl_most_beautiful_2023').participants).toBeNull();
  });

  it('keeps the note', () => {
    expect(poll('renovation_2017').note).toMatch(/^UNIT IS HOUSES, not people/);
  });

  it('joins differing notes of one poll', () => {
    expect(poll('gazon_2016_week2_district_activity').note).toBe(
      'participation per district (not per option); top-3 districts only | city-wide shares as printed in the week-2 article (identical to week 1 figures)',
    );
  });

  it.each([
    ['lubyanka_2021', 'final'],
    ['lubyanka_2021_snap_20210225_1523', 'interim'],
    ['voykovskaya_2015', 'final'],
    ['newyear_format_2022', 'interim'],
    ['bkl_most_beautiful_2023', 'final'],
    ['gazon_2016_week2_district_activity', 'interim'],
    ['gazon_2016_week7', 'interim'],
    ['gazon_2018_donskoy', 'interim'],
    ['tverskoy_ecoparking', 'interim'],
    ['renovation_2017', 'final'],
  ])('status of %s is %s', (id, status) => {
    expect(poll(id).status).toBe(status);
  });

  it('marks the BKL poll multiple choice', () => {
    expect(poll('bkl_most_beautiful_2023').choice_type).toBe('multiple');
  });

  it('marks the Lubyanka poll single choice', () => {
    expect(poll('lubyanka_2021').choice_type).toBe('single');
  });

  it('counts renovation in houses', () => {
    expect(poll('renovation_2017').unit).toBe('houses');
  });

  it('counts other polls in people', () => {
    expect(batch.polls.filter((entry) => entry.unit === 'people')).toHaveLength(15);
  });

  it.each([
    ['tverskoy_ecoparking', 'district'],
    ['gazon_2018_donskoy', 'district'],
    ['gazon_2016_week2_district_activity', 'city'],
    ['voykovskaya_2015', 'city'],
  ])('scope of %s is %s', (id, scope) => {
    expect(poll(id).scope).toBe(scope);
  });

  it('uses reported_on as snapshot', () => {
    expect(poll('gazon_2016_week7').snapshot_at).toBe('2016-07-12');
  });

  it('leaves ended_year empty without an end date or a stated year', () => {
    expect(poll('gazon_2015').ended_year).toBeNull();
  });

  it('takes ended_year from ended_on', () => {
    expect(poll('lubyanka_2021').ended_year).toBe(2021);
  });

  describe('gazon week 2 district rows', () => {
    const rows = () => batch.results.filter((row) => row.poll_id === 'gazon_2016_week2_district_activity' && row.kind === 'participation');

    it('are participation rows', () => {
      expect(rows().map((row) => row.area)).toEqual(['Марьино', 'Южное Бутово', 'Люблино']);
    });

    it('carry the counts as participants', () => {
      expect(rows().map((row) => row.participants)).toEqual([4188, 3377, 2792]);
    });

    it('carry no option votes', () => {
      expect(rows().every((row) => row.votes === null && row.option_id === null)).toBe(true);
    });
  });

  it('gives city rows the poll participants', () => {
    const row = batch.results.find((entry) => entry.poll_id === 'gazon_2016_week7' && entry.option_id === '1')!;
    expect(row.participants).toBe(193263);
  });

  it('gives district poll rows the poll participants', () => {
    const row = batch.results.find((entry) => entry.poll_id === 'golyanovo_festival_site' && entry.option_id === '1')!;
    expect(row.participants).toBe(2444);
  });

  it('records the file line as provenance', () => {
    expect(batch.results[0].provenance).toBe('polls.csv:2');
  });
});

describe('transcribed csv: inference', () => {
  it('prefers interim markers over final ones', () => {
    expect(inferStatus('Опрос', ['intermediate snapshot, not the final result'], '2021-01-01')).toBe('interim');
  });

  it('keeps a poll without end date interim', () => {
    expect(inferStatus('Опрос', ['district poll'], null)).toBe('interim');
  });

  it('takes announced results as final', () => {
    expect(inferStatus('Опрос', ['results announced 23.04.2023'], null)).toBe('final');
  });

  it('reads Russian multiple-choice wording', () => {
    expect(inferChoiceType('Опрос', ['можно выбрать несколько вариантов'])).toBe('multiple');
  });

  it('defaults to single choice', () => {
    expect(inferChoiceType('Опрос', ['shares as printed'])).toBe('single');
  });
});

describe('transcribed csv: explicit columns', () => {
  let batch: PollBatch;
  beforeAll(async () => {
    batch = await readTranscribedCsv(fixture('explicit-columns.csv'), options);
  });

  it('takes choice type from the column', () => {
    expect(batch.polls[0].choice_type).toBe('multiple');
  });

  it('takes status from the column', () => {
    expect(batch.polls[0].status).toBe('final');
  });

  it('takes district participants from the column', () => {
    expect(batch.results[0].participants).toBe(300);
  });

  it('reads a participation row by row_kind', () => {
    expect(batch.results[2]).toMatchObject({ kind: 'participation', area: 'Люблино', participants: 300 });
  });
});

describe('transcribed csv: poll facts of the shipped dataset', () => {
  let batch: PollBatch;
  beforeAll(async () => {
    batch = await readTranscribedCsv(POLLS_CSV, { ...options, pollFacts: AG_MOS_POLLS.pollFacts });
  });
  const gazon2015 = () => batch.polls.find((entry) => entry.poll_id === 'gazon_2015')!;

  it('files gazon_2015 under 2015', () => {
    expect(gazon2015().ended_year).toBe(2015);
  });

  it('marks gazon_2015 final', () => {
    expect(gazon2015().status).toBe('final');
  });

  it('keeps the article date of gazon_2015 as its snapshot', () => {
    expect(gazon2015().snapshot_at).toBe('2016-06-08');
  });
});

describe('transcribed csv: ended_year column', () => {
  const header = 'poll_id,poll_title,option_text,share_percent,votes,ended_on,ended_year\n';
  const batch = () => parseTranscribedCsv(`${header}p,Опрос,Да,60,,2021-02-26,2020\n`, options);

  it('rejects a year that contradicts ended_on', () => {
    expect(batch().rejects.map((reject) => reject.field)).toEqual(['ended_year']);
  });

  it('names ended_on in the Russian half', () => {
    const [russian] = batch().rejects[0].message.split(MESSAGE_SEPARATOR);
    expect(russian).toContain('дата ended_on 2021-02-26');
  });

  it('keeps the English half of the contradiction', () => {
    const [, english] = batch().rejects[0].message.split(MESSAGE_SEPARATOR);
    expect(english).toBe('ended_on 2021-02-26 is in another year; correct one of the two or leave ended_year empty');
  });
});

// Rejects of the bad fixtures, each with a detail that its Russian half must contain and its exact
// English half.
const BILINGUAL_REJECTS = [
  {
    file: 'bad-values.csv',
    field: 'participants_total',
    detail: 'перенесите в participants_as_given',
    english: 'expected a whole number in plain digits (121501); put rounded wording such as «около 300 тыс.» in participants_as_given or the note',
  },
  { file: 'bad-values.csv', field: 'share_percent', detail: 'больше 100%', english: 'a single option cannot have more than 100%; check the figure in the source' },
  { file: 'bad-dates.csv', field: 'started_on', detail: 'например 2021-02-26', english: 'expected an ISO date like 2021-02-26 naming a real day' },
  { file: 'missing-column.csv', field: 'votes', detail: 'нет столбца «votes»', english: 'the header has no column "votes"; add it (cells may be empty where the format allows)' },
] as const;

describe('transcribed csv: bilingual rejects', () => {
  const halves = async (file: string, field: string) => {
    const batch = await readTranscribedCsv(fixture(file), options);
    return batch.rejects.find((reject) => reject.field === field)!.message.split(MESSAGE_SEPARATOR);
  };

  it.each(BILINGUAL_REJECTS)('$file $field: Russian detail', async ({ file, field, detail }) => {
    const [russian] = await halves(file, field);
    expect(russian).toContain(detail);
  });

  it.each(BILINGUAL_REJECTS)('$file $field: English half unchanged', async ({ file, field, english }) => {
    const [, ...rest] = await halves(file, field);
    expect(rest).toEqual([english]);
  });

  it('bad-values.csv: Russian halves have no English phrase', async () => {
    const batch = await readTranscribedCsv(fixture('bad-values.csv'), options);
    const russian = batch.rejects.map((reject) => reject.message.split(MESSAGE_SEPARATOR)[0]);
    expect(russian.filter((text) => /[A-Za-z]{3,} [a-z]{3,}/.test(text))).toEqual([]);
  });
});
