// Adapter for Pabulib `.pb` files (participatory budgeting, one file per district of a city): three
// sections introduced by the lines META, PROJECTS and VOTES, each with its own header row. Fields
// are `;`-separated and `"`-quoted with doubled quotes inside. Lines end in CRLF (LF is read too).
// A VOTES row lists the chosen projects and their points as comma lists inside one field.
//
// Per-district results are the PROJECTS section's `votes` (voters who chose the project) and
// `score` (their points), as the file gives them. The VOTES rows are counted to check these and
// META `num_votes`. A disagreement becomes a problem, never a silent correction.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Message } from '../lib/log.ts';
import { rejectMessage } from '../reasons.ts';
import { isBlankRecord, parseCsvWithLines, type CsvRecord } from './csv.ts';
import { emptyBatch, problem, rejectValue, type ChoiceType, type Poll, type PollBatch, type PollOptionResult, type PollReject, type PollStatus } from './schema.ts';
import { optionalText, readCount, readDottedDate, yearOfDate } from './values.ts';

export const FORMAT = 'pabulib';

const SECTIONS = ['META', 'PROJECTS', 'VOTES'] as const;
type Section = (typeof SECTIONS)[number];

/** Pabulib `vote_type` values and the canonical choice type. */
export const PABULIB_VOTE_TYPES: Readonly<Record<string, ChoiceType>> = {
  cumulative: 'cumulative',
  approval: 'multiple',
  ordinal: 'unknown',
  scoring: 'unknown',
};

/** META comment wording that marks the file as not the original count (Pabulib drops ambiguous voters). */
const ALTERED_DATA = /not the original data|were removed/i;

export interface PabulibOptions {
  /** Region id written into the poll, e.g. "czestochowa". */
  readonly region: string;
  readonly source: string;
  readonly sourceUrl: string | null;
  readonly licence: string | null;
  readonly topic: string | null;
  /** Poll id; the file's base name without ".pb" by default. */
  readonly pollId?: string;
  readonly displayName?: string;
}

interface Project {
  line: number;
  id: string;
  name: string | null;
  cost: number | null;
  votes: number;
  score: number | null;
}

interface SectionRows {
  header: CsvRecord;
  rows: CsvRecord[];
}

export async function readPabulib(path: string, options: PabulibOptions): Promise<PollBatch> {
  const text = await readFile(path, 'utf8');
  const name = basename(path);
  return parsePabulib(text, { ...options, displayName: options.displayName ?? name, pollId: options.pollId ?? name.replace(/\.pb$/, '') });
}

export function parsePabulib(text: string, options: PabulibOptions): PollBatch {
  const file = options.displayName ?? FORMAT;
  const pollId = options.pollId ?? file.replace(/\.pb$/, '');
  const batch = emptyBatch();
  const reject = (row: number, field: string, value: string | null, reason: string, message: Message): void => {
    const entry: PollReject = { file, row, record_id: null, field, value: rejectValue(value), reason, message: rejectMessage(message) };
    batch.rejects.push(entry);
  };

  const { records, unterminatedQuoteLine } = parseCsvWithLines(text, ';');
  if (unterminatedQuoteLine !== null) {
    reject(unterminatedQuoteLine, '(record)', null, 'unterminated_quote', {
      ru: 'в этой строке открывается кавычка, которая не закрыта до конца файла, поэтому остаток файла не прочитан; закройте кавычку',
      en: 'a quoted field opens on this line and never closes, so the rest of the file was not read; close the quote',
    });
  }

  const sections = splitSections(records);
  for (const section of SECTIONS.filter((name) => !sections.has(name))) {
    reject(1, section, null, 'missing_section', {
      ru: `в файле нет раздела ${section}; файлу .pb нужны разделы META, PROJECTS и VOTES, каждый начинается строкой со своим названием, а на следующей строке идёт его заголовок`,
      en: `the file has no ${section} section; a .pb file needs META, PROJECTS and VOTES, each line introducing one section with its header on the next line`,
    });
  }
  if (sections.size < SECTIONS.length) return batch;

  const { values: meta, lines: metaLines } = readMeta(sections.get('META')!, reject);
  const projects = readProjects(sections.get('PROJECTS')!, reject);
  const ballots = readVotes(sections.get('VOTES')!, projects, reject);
  const area = meta.get('district') ?? meta.get('subunit') ?? meta.get('unit');
  if (!area) {
    reject(sections.get('META')!.header.line, 'district', null, 'missing_value', {
      ru: 'в разделе META нужна строка district (или subunit) с названием территории голосования',
      en: 'META needs a district (or subunit) line naming the area of the vote',
    });
    return batch;
  }
  if (projects.length === 0) return batch;

  const voteType = meta.get('vote_type');
  const choiceType: ChoiceType = voteType === undefined ? 'unknown' : PABULIB_VOTE_TYPES[voteType];
  if (!choiceType) {
    reject(metaLines.get('vote_type')!, 'vote_type', voteType ?? null, 'invalid_value', {
      ru: `ожидается одно из значений vote_type: ${Object.keys(PABULIB_VOTE_TYPES).join(', ')}`,
      en: `expected vote_type ${Object.keys(PABULIB_VOTE_TYPES).join(', ')}`,
    });
    return batch;
  }

  checkDeclaredCounts(meta, projects, ballots, { pollId, file, area }, batch);
  checkProjectTotals(projects, ballots, { pollId, file, area }, batch);
  checkBallotPoints(meta, ballots, { pollId, file, area }, batch);

  const comment = meta.get('comment') ?? null;
  const status: PollStatus = comment && ALTERED_DATA.test(comment) ? 'partial' : 'final';
  const currency = meta.get('currency') ?? '';
  const startedOn = readDate(meta, metaLines, 'date_begin', reject);
  const endedOn = readDate(meta, metaLines, 'date_end', reject);
  const poll: Poll = {
    poll_id: pollId,
    title: meta.get('description') ?? `${meta.get('unit') ?? ''} ${area}`.trim(),
    topic: options.topic,
    region: options.region,
    scope: 'district',
    started_on: startedOn,
    ended_on: endedOn,
    ended_year: yearOfDate(endedOn),
    status,
    snapshot_at: endedOn,
    unit: 'people',
    choice_type: choiceType,
    participants: ballots.count,
    participants_as_given: meta.get('num_votes') ?? null,
    source: options.source,
    source_url: options.sourceUrl,
    licence: options.licence,
    note: [comment, metaSummary(meta)].filter(Boolean).join(' | ') || null,
  };
  batch.polls.push(poll);
  batch.results.push(
    ...projects.map(
      (project): PollOptionResult => ({
        poll_id: pollId,
        kind: 'option',
        option_id: project.id,
        option_text: project.name,
        area_kind: 'district',
        area,
        votes: project.votes,
        points: project.score,
        share_percent: null,
        participants: ballots.count,
        note: project.cost === null ? null : `cost ${project.cost} ${currency}`.trim(),
        provenance: `${file}:${project.line}`,
      }),
    ),
  );
  return batch;
}

/** Splits the records at the section lines; the first record after each is its header. */
function splitSections(records: readonly CsvRecord[]): Map<Section, SectionRows> {
  const sections = new Map<Section, SectionRows>();
  let current: Section | null = null;
  for (const record of records) {
    if (isBlankRecord(record)) continue;
    const marker = record.fields.length === 1 ? record.fields[0].trim() : '';
    if ((SECTIONS as readonly string[]).includes(marker)) {
      current = marker as Section;
      continue;
    }
    if (!current) continue;
    const section = sections.get(current);
    if (section) section.rows.push(record);
    else sections.set(current, { header: record, rows: [] });
  }
  return sections;
}

type RejectFunction = (row: number, field: string, value: string | null, reason: string, message: Message) => void;

/** Reads META key;value lines into values and the line of each key. */
function readMeta(section: SectionRows, reject: RejectFunction): { values: Map<string, string>; lines: Map<string, number> } {
  const values = new Map<string, string>();
  const lines = new Map<string, number>();
  for (const { line, fields } of section.rows) {
    const key = fields[0]?.trim();
    if (!key || fields.length < 2) {
      reject(line, 'META', fields.join(';'), 'invalid_value', { ru: 'строка раздела META должна иметь вид ключ;значение', en: 'a META line must be key;value' });
      continue;
    }
    values.set(key, fields.slice(1).join(';').trim());
    lines.set(key, line);
  }
  return { values, lines };
}

function readProjects(section: SectionRows, reject: RejectFunction): Project[] {
  const columns = section.header.fields.map((name) => name.trim());
  for (const name of ['project_id', 'votes']) {
    if (!columns.includes(name)) {
      reject(section.header.line, name, null, 'missing_column', { ru: `в заголовке PROJECTS нет столбца «${name}»`, en: `the PROJECTS header has no column "${name}"` });
      return [];
    }
  }
  const get = (fields: string[], name: string) => (columns.includes(name) ? fields[columns.indexOf(name)] ?? '' : '');

  const projects: Project[] = [];
  const seen = new Set<string>();
  for (const { line, fields } of section.rows) {
    const id = optionalText(get(fields, 'project_id'));
    const votesText = get(fields, 'votes');
    const votes = readCount(votesText);
    const scoreText = get(fields, 'score');
    const score = scoreText.trim() === '' ? null : readCount(scoreText);
    if (fields.length !== columns.length) {
      reject(line, '(record)', fields.join(';'), 'field_count', {
        ru: `полей в строке: ${fields.length}, а в заголовке PROJECTS: ${columns.length}; возьмите в кавычки название, в котором есть «;»`,
        en: `the row has ${fields.length} fields but the PROJECTS header has ${columns.length}; quote a name that contains ";"`,
      });
    } else if (!id) {
      reject(line, 'project_id', null, 'missing_value', { ru: 'у каждого проекта должен быть идентификатор', en: 'every project needs an id' });
    } else if (seen.has(id)) {
      reject(line, 'project_id', id, 'duplicate_row', {
        ru: 'этот идентификатор проекта встречается в PROJECTS дважды; оставьте одну строку',
        en: 'this project id appears twice in PROJECTS; keep one row',
      });
    } else if (votes === null) {
      reject(line, 'votes', votesText, 'invalid_number', {
        ru: 'ожидается число участников, выбравших проект, записанное одними цифрами',
        en: 'expected the number of voters who chose the project, in plain digits',
      });
    } else if (scoreText.trim() !== '' && score === null) {
      reject(line, 'score', scoreText, 'invalid_number', { ru: 'ожидаются баллы проекта, записанные одними цифрами', en: 'expected the points of the project, in plain digits' });
    } else {
      seen.add(id);
      projects.push({ line, id, name: optionalText(get(fields, 'name')), cost: readCount(get(fields, 'cost')), votes, score });
    }
  }
  return projects;
}

interface BallotTotals {
  /** VOTES rows that were read. */
  count: number;
  votesPerProject: Map<string, number>;
  pointsPerProject: Map<string, number>;
  /** Each ballot's points sum, for the META minimum and maximum. */
  pointSums: number[];
}

function readVotes(section: SectionRows, projects: readonly Project[], reject: RejectFunction): BallotTotals {
  const columns = section.header.fields.map((name) => name.trim());
  const totals: BallotTotals = { count: 0, votesPerProject: new Map(), pointsPerProject: new Map(), pointSums: [] };
  if (!columns.includes('voter_id') || !columns.includes('vote')) {
    reject(section.header.line, columns.includes('voter_id') ? 'vote' : 'voter_id', null, 'missing_column', {
      ru: 'в заголовке VOTES нужны столбцы voter_id и vote',
      en: 'the VOTES header needs the columns voter_id and vote',
    });
    return totals;
  }
  const hasPoints = columns.includes('points');
  const known = new Set(projects.map((project) => project.id));
  const voters = new Set<string>();

  for (const { line, fields } of section.rows) {
    const voter = optionalText(fields[columns.indexOf('voter_id')]);
    const chosen = (fields[columns.indexOf('vote')] ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    const pointsText = hasPoints ? fields[columns.indexOf('points')] ?? '' : '';
    const points = hasPoints ? pointsText.split(',').map((value) => readCount(value)) : chosen.map(() => 1);
    const unknown = chosen.find((id) => !known.has(id));

    if (!voter) {
      reject(line, 'voter_id', null, 'missing_value', { ru: 'у каждого бюллетеня должен быть идентификатор участника', en: 'every ballot needs a voter id' });
    } else if (voters.has(voter)) {
      reject(line, 'voter_id', voter, 'duplicate_row', {
        ru: 'этот идентификатор участника встречается в VOTES дважды; оставьте один бюллетень',
        en: 'this voter id appears twice in VOTES; keep one ballot',
      });
    } else if (chosen.length === 0) {
      reject(line, 'vote', null, 'missing_value', { ru: 'в бюллетене не выбран ни один проект', en: 'the ballot chooses no project' });
    } else if (unknown) {
      reject(line, 'vote', unknown, 'unknown_project', {
        ru: 'бюллетень называет проект, которого нет в разделе PROJECTS',
        en: 'the ballot names a project that PROJECTS does not list',
      });
    } else if (points.length !== chosen.length || points.some((value) => value === null)) {
      reject(line, 'points', pointsText, 'invalid_number', {
        ru: `ожидаются целые числа через запятую, по одному на каждый выбранный проект (выбрано проектов: ${chosen.length})`,
        en: `expected ${chosen.length} comma-separated whole numbers, one per chosen project`,
      });
    } else {
      voters.add(voter);
      totals.count += 1;
      chosen.forEach((id, index) => {
        totals.votesPerProject.set(id, (totals.votesPerProject.get(id) ?? 0) + 1);
        totals.pointsPerProject.set(id, (totals.pointsPerProject.get(id) ?? 0) + points[index]!);
      });
      totals.pointSums.push(points.reduce<number>((sum, value) => sum + value!, 0));
    }
  }
  return totals;
}

interface Location {
  pollId: string;
  file: string;
  area: string;
}

/** Compares META num_votes and num_projects with the rows of VOTES and PROJECTS. */
function checkDeclaredCounts(meta: Map<string, string>, projects: readonly Project[], ballots: BallotTotals, where: Location, batch: PollBatch): void {
  const pairs = [
    { key: 'num_votes', counted: ballots.count, section: 'VOTES' },
    { key: 'num_projects', counted: projects.length, section: 'PROJECTS' },
  ];
  for (const { key, counted, section } of pairs) {
    const declared = readCount(meta.get(key) ?? '');
    if (declared === null || declared === counted) continue;
    batch.problems.push(
      problem('declared_count_mismatch', {
        poll_id: where.pollId,
        file: where.file,
        area: where.area,
        numbers: { declared, counted },
        message: {
          ru: `${where.file}: META ${key} = ${declared}, а в разделе ${section} прочитано строк: ${counted}; результаты взяты из строк файла`,
          en: `${where.file}: META ${key} is ${declared}, but ${counted} ${section} rows were read; results use the rows of the file`,
        },
      }),
    );
  }
}

/** Compares each project's votes and score with the ballots that choose it. */
function checkProjectTotals(projects: readonly Project[], ballots: BallotTotals, where: Location, batch: PollBatch): void {
  for (const project of projects) {
    const counted = ballots.votesPerProject.get(project.id) ?? 0;
    const points = ballots.pointsPerProject.get(project.id) ?? 0;
    const mismatches = [
      { field: 'votes', given: project.votes, counted },
      { field: 'score', given: project.score, counted: points },
    ].filter((entry) => entry.given !== null && entry.given !== entry.counted);
    for (const { field, given, counted: fromBallots } of mismatches) {
      batch.problems.push(
        problem('project_count_mismatch', {
          poll_id: where.pollId,
          file: where.file,
          row: project.line,
          area: where.area,
          option_id: project.id,
          numbers: { given: given!, counted: fromBallots },
          message: {
            ru: `${where.file}: у проекта ${project.id} ${field} = ${given}, а по бюллетеням VOTES выходит ${fromBallots}; показано значение из PROJECTS`,
            en: `${where.file}: project ${project.id} has ${field} ${given}, but the VOTES ballots give ${fromBallots}; the PROJECTS value is shown`,
          },
        }),
      );
    }
  }
}

/** Counts ballots whose points fall outside META min_sum_points..max_sum_points. */
function checkBallotPoints(meta: Map<string, string>, ballots: BallotTotals, where: Location, batch: PollBatch): void {
  const minimum = readCount(meta.get('min_sum_points') ?? '') ?? 0;
  const maximum = readCount(meta.get('max_sum_points') ?? '') ?? Infinity;
  const outside = ballots.pointSums.filter((sum) => sum < minimum || sum > maximum).length;
  if (outside === 0) return;
  batch.problems.push(
    problem('ballot_points_out_of_range', {
      poll_id: where.pollId,
      file: where.file,
      area: where.area,
      numbers: { ballots: outside, minimum, maximum },
      message: {
        ru: `${where.file}: в ${outside} бюллетенях сумма баллов вне пределов ${minimum}–${maximum} из META`,
        en: `${where.file}: ${outside} ballots have a points sum outside the META range ${minimum}–${maximum}`,
      },
    }),
  );
}

function readDate(meta: Map<string, string>, lines: Map<string, number>, key: string, reject: RejectFunction): string | null {
  const text = meta.get(key);
  if (!text) return null;
  const value = readDottedDate(text);
  if (value === null) {
    reject(lines.get(key)!, key, text, 'invalid_date', {
      ru: 'ожидается дата вида дд.мм.гггг, и такой день должен быть в календаре; опрос остаётся без этой даты',
      en: 'expected a date dd.mm.yyyy naming a real day; the poll keeps no date',
    });
  }
  return value;
}

/** Returns the budget facts that a reader needs next to the results, as one line for the poll note. */
function metaSummary(meta: Map<string, string>): string | null {
  const parts = [
    meta.has('budget') ? `budget ${meta.get('budget')} ${meta.get('currency') ?? ''}`.trim() : null,
    meta.has('max_sum_points') ? `up to ${meta.get('max_sum_points')} points per voter` : null,
    meta.has('rule') ? `selection rule ${meta.get('rule')}` : null,
    meta.has('instance') ? `edition ${meta.get('edition') ?? '?'}, instance ${meta.get('instance')}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : null;
}
