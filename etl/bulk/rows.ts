// The per-row work of the bulk table reader in SQL. One table lists every staged record with its
// checked values, the first problem the row-by-row adapter would reject it for, its placement and
// its outcome. Duplicates are marked in it, the reasons of rejects go to a table of their own, and
// views give the accepted appeals and their status events in the snapshot's column order.

import { DUPLICATE_REASON, type DuplicateContent } from '../reasons.ts';
import { ANSWER_DEADLINE_DAYS } from '../schema.ts';
import { DECIMAL_PATTERN, mappedColumnName, tableProblems } from '../sources/table.ts';
import { TIME_FIELDS, type TableMapping } from '../sources/table-mapping.ts';
import { ANSWER_TOLERANCE_MS, FUTURE_TOLERANCE_MS, TIMELINE_FIELDS, timelineProblems, type RecordProblem, type TimelineField } from '../sources/row-helpers.ts';
import type { BulkDatabase } from './database.ts';
import { sqlText, type RowLookups } from './lookups.ts';
import { RejectValueKind } from './placement.ts';
import { CANONICAL_FORMATS, type StagedFile } from './stage.ts';

/** Outcome of a staged record; read = the sum over all four. */
export const Outcome = { Accepted: 0, Rejected: 1, Duplicate: 2, PlacementRejected: 3 } as const;

/** Adapter problems in the order TableConverter checks them; 0 means no problem. */
const Problem = {
  None: 0,
  MissingId: 1,
  DuplicateId: 2,
  CreatedAt: 3,
  CreatedInFuture: 4,
  Status: 5,
  FirstAnswerAt: 6,
  FinalAnswerAt: 7,
  ClosedAtValue: 8,
  MissingClosedAt: 9,
  ClosedBeforeCreated: 10,
  Point: 11,
  DeadlineAt: 12,
  FirstAnswerBeforeCreated: 13,
  FinalAnswerBeforeCreated: 14,
  FirstAnswerInFuture: 15,
  FinalAnswerInFuture: 16,
  ClosedInFuture: 17,
} as const;

/** The times of timelineProblem (row-helpers.ts) tested for the future, with their problems, in its order. */
const IN_FUTURE: readonly [TimelineField, number][] = [
  ['first_answer_at', Problem.FirstAnswerInFuture],
  ['final_answer_at', Problem.FinalAnswerInFuture],
  ['closed_at', Problem.ClosedInFuture],
];

interface RejectColumns {
  readonly field: string;
  readonly value: string;
  readonly reason: string;
  readonly message: string;
}

export interface RowsInput {
  readonly database: BulkDatabase;
  readonly prefix: string;
  readonly files: readonly StagedFile[];
  readonly mapping: TableMapping;
  readonly lookups: RowLookups;
  /** The run's clock in epoch milliseconds. */
  readonly now: number;
}

/**
 * Creates `<prefix>_rows`: one row per staged record with its outcome and, for the appeals, every
 * value the views need, sorted as appeals.parquet is. Duplicates are resolved in it; the reasons
 * of rejects are kept apart (buildRejects), so the sorted table stays narrow.
 */
export async function buildRows(input: RowsInput): Promise<string> {
  const table = `${input.prefix}_rows`;
  const outputs = [
    'c.file_index',
    'c.row',
    'c.id AS appeal_id',
    'c.problem::UTINYINT AS problem',
    `(CASE WHEN c.problem <> ${Problem.None} THEN ${Outcome.Rejected} WHEN pl.reason IS NOT NULL THEN ${Outcome.PlacementRejected} ELSE ${Outcome.Accepted} END)::UTINYINT AS outcome`,
    'c.created_at',
    ...['first_answer_at', 'final_answer_at', 'closed_at', 'deadline_at'].filter((name) => !input.lookups.absent.has(name)).map((name) => `c.${name}`),
    'c.status',
    'c.status_original',
    'c.event_status_original',
    ...TEXT_OUTPUTS.filter((name) => !input.lookups.absent.has(name)).map((name) => `c.${name}`),
    'pl.district',
    'pl.rule AS district_rule',
    'pl.flag AS district_flag',
    'pl.unmatched AS district_unmatched',
    'c.inferred',
    'c.closed_at_ignored',
    'c.latitude',
    'c.longitude',
    `(c.status_removed + ${TEXT_OUTPUTS.map((name) => `c.${name}_removed`).join(' + ')})::INTEGER AS scrubbed`,
    'greatest(c.created_at, c.first_answer_at, c.final_answer_at, c.closed_at) AS last_event_at',
  ];
  await input.database.run(`CREATE TABLE ${table} AS SELECT ${outputs.join(', ')}
    FROM (${checkedSelect(input, null)}) c LEFT JOIN ${input.prefix}_placement pl ON pl.dkey = c.dkey AND pl.pclass = c.pclass
    ORDER BY pl.district, c.created_at, c.id`);
  // Across files first: a row that repeats an accepted row of an earlier file is not accepted, so
  // it takes no id within its own file, as the pipeline takes it out of the adapter's ids.
  if (input.files.length > 1) await markDuplicatesAcrossFiles(input, table);
  await markDuplicateIds(input, table);
  return table;
}

/** Rows whose closing time was dropped beside a status that is not a closing one, with the first. */
export interface IgnoredClosingTimes {
  readonly count: number;
  readonly first: { readonly file_index: number; readonly row: number; readonly appeal_id: string; readonly status: string | null; readonly text: string | null } | null;
}

/**
 * Counts the rows that passed the adapter's checks with a closing time beside a status that is not
 * a closing one, as TableConverter warns about them, and reads the first one's text from its
 * staged file, which must still exist.
 */
export async function findIgnoredClosingTimes(input: RowsInput, rows: string): Promise<IgnoredClosingTimes> {
  const [summary] = await input.database.rows<{ count: number; file_index: number | null; row: number | null; appeal_id: string | null; status: string | null }>(`SELECT
      count(*)::INTEGER AS count,
      arg_min(file_index, file_index::BIGINT * 4294967296 + row) AS file_index,
      arg_min(row, file_index::BIGINT * 4294967296 + row) AS row,
      arg_min(appeal_id, file_index::BIGINT * 4294967296 + row)::VARCHAR AS appeal_id,
      arg_min(status_original, file_index::BIGINT * 4294967296 + row)::VARCHAR AS status
    FROM ${rows} WHERE problem = ${Problem.None} AND closed_at_ignored`);
  if (summary.count === 0 || summary.file_index === null || summary.row === null || summary.appeal_id === null) return { count: 0, first: null };

  const file = input.files.find((candidate) => candidate.index === summary.file_index)!;
  const format = sqlText(CANONICAL_FORMATS[input.mapping.dateFormats[0]][0]);
  const [{ text }] = await input.database.rows<{ text: string | null }>(
    `SELECT coalesce(s_closed_at, strftime(w_closed_at, ${format})) AS text FROM ${file.table} WHERE rowid = ${summary.row - file.firstRow}`,
  );
  return { count: summary.count, first: { file_index: summary.file_index, row: summary.row, appeal_id: summary.appeal_id, status: summary.status, text } };
}

/** Text columns of an appeal that come from a lookup and are absent when the mapping has no column. */
const TEXT_OUTPUTS = ['category', 'rubric', 'object_type', 'agency', 'municipality'] as const;

/**
 * Selects every staged record (or, with `rows`, those whose file_index and row are in that table)
 * joined with the lookups, with the first adapter problem it has, as TableConverter checks them.
 */
function checkedSelect(input: RowsInput, rows: string | null): string {
  const { mapping, lookups } = input;
  const staged = input.files
    .map((file) => {
      const row = `(rowid + ${file.firstRow})::INTEGER`;
      const only = rows ? ` AND ${row} IN (SELECT row FROM ${rows} WHERE file_index = ${file.index})` : '';
      return `SELECT ${file.index} AS file_index, ${row} AS row, * FROM ${file.table} WHERE NOT blank${only}`;
    })
    .join(' UNION ALL ');
  // The times' texts are needed only for the values of rejects (closed_before_created and the
  // timeline's), so only the pass over rejected rows reads them.
  const timeText = (field: TimelineField) =>
    rows && lookups.mapped.has(field) ? `coalesce(r.s_${field}, strftime(r.w_${field}, ${sqlText(CANONICAL_FORMATS[mapping.dateFormats[0]][0])}))` : 'NULL::VARCHAR';
  const texts = TIMELINE_FIELDS.map((field) => `${timeText(field)} AS ${field}_text`).join(', ');
  const base = `SELECT r.file_index, r.row, ${texts}, ${lookups.columns.join(', ')} FROM (${staged}) r ${lookups.joins.join(' ')}`;

  const created = createdAtSql(mapping, lookups);
  const latest = `epoch_ms(${Math.round(input.now + FUTURE_TOLERANCE_MS)}::BIGINT)::TIMESTAMPTZ`;
  const earliestAnswer = `(${created.value} - INTERVAL ${ANSWER_TOLERANCE_MS / 1000} SECOND)`;
  const problem = `CASE
      WHEN b.id IS NULL THEN ${Problem.MissingId}
      WHEN ${created.problem} THEN ${Problem.CreatedAt}
      WHEN ${created.value} > ${latest} THEN ${Problem.CreatedInFuture}
      WHEN b.status_reason IS NOT NULL THEN ${Problem.Status}
      WHEN b.first_answer_at_reason IS NOT NULL THEN ${Problem.FirstAnswerAt}
      WHEN b.final_answer_at_reason IS NOT NULL THEN ${Problem.FinalAnswerAt}
      WHEN b.closed_at_reason IS NOT NULL THEN ${Problem.ClosedAtValue}
      WHEN b.status_closed AND b.closed_at IS NULL THEN ${Problem.MissingClosedAt}
      WHEN b.status_closed AND b.closed_at < ${created.value} THEN ${Problem.ClosedBeforeCreated}
      WHEN b.point_reason IS NOT NULL THEN ${Problem.Point}
      WHEN b.deadline_at_reason IS NOT NULL THEN ${Problem.DeadlineAt}
      WHEN b.first_answer_at < ${earliestAnswer} THEN ${Problem.FirstAnswerBeforeCreated}
      WHEN b.final_answer_at < ${earliestAnswer} THEN ${Problem.FinalAnswerBeforeCreated}
      ${IN_FUTURE.map(([field, code]) => `WHEN ${timeOf(field, created.value)} > ${latest} THEN ${code}`).join('\n      ')}
      ELSE ${Problem.None} END`;
  // A closing time beside a status that is not a closing one is dropped, with a warning (table.ts).
  const ignored = lookups.mapped.has('closed_at') ? '(NOT b.status_closed AND b.closed_at IS NOT NULL)' : 'false';
  return `SELECT * REPLACE (${created.value} AS created_at, CASE WHEN b.status_closed THEN b.closed_at END AS closed_at), ${ignored} AS closed_at_ignored, ${problem} AS problem FROM (${base}) b`;
}

/** SQL for a time of the checked row `b` as the adapter keeps it: the closing time of a closed status only. */
function timeOf(field: TimelineField, created: string): string {
  if (field === 'created_at') return created;
  if (field === 'closed_at') return 'CASE WHEN b.status_closed THEN b.closed_at END';
  return `b.${field}`;
}

/** Returns SQL for the creation time of a row and for when it is a problem, as readCreatedAt decides. */
function createdAtSql(mapping: TableMapping, lookups: RowLookups): { value: string; problem: string; problemColumns: RejectColumns } {
  if (lookups.mapped.has('created_at')) {
    const missing = tableProblems.missingCreatedAt(mapping);
    return {
      value: 'b.created_at',
      problem: '(b.created_at_reason IS NOT NULL OR b.created_at IS NULL)',
      problemColumns: {
        field: sqlText(missing.field),
        value: 'CASE WHEN c.created_at_reason IS NOT NULL THEN c.created_at_value END',
        reason: `coalesce(c.created_at_reason, ${sqlText(missing.reason)})`,
        message: `coalesce(c.created_at_message, ${sqlText(missing.hint)})`,
      },
    };
  }
  const fallback = mapping.createdAtFallback;
  return {
    value: fallback ? `epoch_ms(${fallback.at})::TIMESTAMPTZ` : 'NULL::TIMESTAMPTZ',
    problem: fallback ? 'false' : 'true',
    problemColumns: constantColumns(tableProblems.noCreatedAtColumn(mapping)),
  };
}

/** [condition, columns] for each kind of reject, over the checked row `c` and placement `pl`. */
function rejectBranches(mapping: TableMapping, lookups: RowLookups, now: number): [string, RejectColumns][] {
  const time = (field: 'first_answer_at' | 'final_answer_at' | 'closed_at' | 'deadline_at'): RejectColumns => ({
    field: sqlText(mappedColumnName(mapping, field)),
    value: `c.${field}_value`,
    reason: `c.${field}_reason`,
    message: `c.${field}_message`,
  });
  const fromLookup = (prefix: string): RejectColumns => ({ field: `c.${prefix}_field`, value: `c.${prefix}_value`, reason: `c.${prefix}_reason`, message: `c.${prefix}_message` });
  const closedBefore = constantColumns(tableProblems.closedBeforeCreated(mapping, null));
  const placementValue = `CASE pl.value_kind WHEN ${RejectValueKind.Point} THEN c.point_text WHEN ${RejectValueKind.PointThenValue} THEN c.point_text || pl.value ELSE pl.value END`;

  return [
    [`c.problem = ${Problem.MissingId}`, constantColumns(tableProblems.missingId(mapping))],
    [`c.problem = ${Problem.CreatedAt}`, createdAtSql(mapping, lookups).problemColumns],
    [`c.problem = ${Problem.CreatedInFuture}`, timelineColumns(timelineProblems.timeInFuture(mappedColumnName(mapping, 'created_at'), null, now), 'created_at')],
    [`c.problem = ${Problem.Status}`, fromLookup('status')],
    [`c.problem = ${Problem.FirstAnswerAt}`, time('first_answer_at')],
    [`c.problem = ${Problem.FinalAnswerAt}`, time('final_answer_at')],
    [`c.problem = ${Problem.ClosedAtValue}`, time('closed_at')],
    [`c.problem = ${Problem.MissingClosedAt}`, constantColumns(tableProblems.missingClosedAt(mapping, lookups.mapped.has('closed_at')))],
    [`c.problem = ${Problem.ClosedBeforeCreated}`, { ...closedBefore, value: 'c.closed_at_text' }],
    [`c.problem = ${Problem.Point}`, fromLookup('point')],
    [`c.problem = ${Problem.DeadlineAt}`, time('deadline_at')],
    [`c.problem = ${Problem.FirstAnswerBeforeCreated}`, timelineColumns(timelineProblems.answerBeforeCreated(mappedColumnName(mapping, 'first_answer_at'), null, false), 'first_answer_at')],
    [`c.problem = ${Problem.FinalAnswerBeforeCreated}`, timelineColumns(timelineProblems.answerBeforeCreated(mappedColumnName(mapping, 'final_answer_at'), null, true), 'final_answer_at')],
    ...IN_FUTURE.map(([field, code]): [string, RejectColumns] => [`c.problem = ${code}`, timelineColumns(timelineProblems.timeInFuture(mappedColumnName(mapping, field), null, now), field)]),
    ['pl.reason IS NOT NULL', { field: 'pl.field', value: placementValue, reason: 'pl.reason', message: 'pl.message' }],
  ];
}

/** Returns a timeline reject's columns, whose value is the text of the time as the export wrote it. */
function timelineColumns(problem: RecordProblem, field: TimelineField): RejectColumns {
  return { ...constantColumns(problem), value: `c.${field}_text` };
}

function constantColumns(problem: RecordProblem): RejectColumns {
  return {
    field: sqlText(problem.field),
    value: problem.value === null ? 'NULL' : sqlText(problem.value),
    reason: sqlText(problem.reason),
    message: sqlText(problem.hint),
  };
}

/**
 * Marks repeated ids within a file: every row after the first accepted row with an id is a
 * duplicate. TableConverter's map of first records works so, because the pipeline takes a row
 * that the district step rejects out of it. The repeat check comes right after the missing-id
 * check, so it overrides any later problem of the repeated row. The repeats and the rows they
 * repeat go to `<prefix>_repeats` for their lines in rejects.csv.
 */
async function markDuplicateIds(input: RowsInput, table: string): Promise<void> {
  const repeats = `${input.prefix}_repeats`;
  await input.database.run(`CREATE TABLE ${repeats} AS
    SELECT later.file_index, later.row, later.appeal_id, firsts.first_row
    FROM ${table} later JOIN (
      SELECT t.file_index, t.appeal_id, min(t.row) FILTER (WHERE t.outcome = ${Outcome.Accepted}) AS first_row
      FROM ${table} t JOIN (
        SELECT file_index, appeal_id FROM ${table} WHERE appeal_id IS NOT NULL GROUP BY file_index, appeal_id HAVING count(*) > 1
      ) repeated_ids USING (file_index, appeal_id)
      GROUP BY t.file_index, t.appeal_id
    ) firsts USING (file_index, appeal_id)
    WHERE later.row > firsts.first_row`);
  await input.database.run(`UPDATE ${table} SET problem = ${Problem.DuplicateId}, outcome = ${Outcome.Duplicate}
    FROM ${repeats} WHERE ${table}.file_index = ${repeats}.file_index AND ${table}.row = ${repeats}.row`);
}

/**
 * Marks the rows that pass the adapter's checks in a file after the one of the first accepted row
 * with their id as duplicates, which the pipeline counts apart from rejects and does not place.
 * They and the accepted row go to `<prefix>_repeats_across` for their lines in rejects.csv.
 */
async function markDuplicatesAcrossFiles(input: RowsInput, table: string): Promise<void> {
  const across = `${input.prefix}_repeats_across`;
  await input.database.run(`CREATE TABLE ${across} AS
    SELECT later.file_index, later.row, later.appeal_id, earlier.first_file, earlier.first_row
    FROM ${table} later JOIN (
      SELECT appeal_id, arg_min(file_index, file_index::BIGINT * 4294967296 + row) AS first_file,
             arg_min(row, file_index::BIGINT * 4294967296 + row) AS first_row
      FROM ${table} WHERE outcome = ${Outcome.Accepted}
      GROUP BY appeal_id
    ) earlier USING (appeal_id)
    WHERE later.problem = ${Problem.None} AND later.file_index > earlier.first_file`);
  await input.database.run(`UPDATE ${table} SET outcome = ${Outcome.Duplicate}
    FROM ${across} WHERE ${table}.file_index = ${across}.file_index AND ${table}.row = ${across}.row`);
}

/**
 * Creates `<prefix>_rejects` in the order the pipeline lists rejects: the adapter's, file by file
 * and row by row, then the placement rejects. The rejected records are checked again, this time
 * for their reasons; the staged tables must still exist. Adapter values are cut and scrubbed
 * later (table-source.ts).
 */
export async function buildRejects(input: RowsInput, rows: string, sourceId: string): Promise<string> {
  const table = `${input.prefix}_rejects`;
  const rejected = `${input.prefix}_rejected`;
  const repeats = `${input.prefix}_repeats`;
  await input.database.run(`CREATE TABLE ${rejected} AS SELECT file_index, row FROM ${rows}
    WHERE outcome IN (${Outcome.Rejected}, ${Outcome.PlacementRejected}) AND problem <> ${Problem.DuplicateId}`);

  const branches = rejectBranches(input.mapping, input.lookups, input.now);
  const reject = (part: keyof RejectColumns) => `CASE ${branches.map(([condition, columns]) => `WHEN ${condition} THEN ${columns[part]}`).join(' ')} END AS ${part}`;
  const fileNameOf = (column: string) => `CASE ${column} ${input.files.map((file) => `WHEN ${file.index} THEN ${sqlText(file.displayName)}`).join(' ')} END`;
  // The message is built with a marker for the file and one for the row, which SQL fills in: one
  // version names each mapped column that can differ first, and one states that none differs.
  const contents = await buildDuplicateContents(input);
  const duplicate = tableProblems.duplicateId(input.mapping, '', '\u0000', '\u0001', null);
  const columns = [...input.files[0].columns.keys()].map((field) => mappedColumnName(input.mapping, field));
  const duplicateText = (fileColumn: string, acrossFiles: boolean) => {
    const sqlPart = (part: string) => {
      if (part === '\u0000') return fileNameOf(`d.${fileColumn}`);
      if (part === '\u0001') return 'd.first_row';
      return sqlText(part);
    };
    const text = (compared: DuplicateContent) =>
      tableProblems.duplicateId(input.mapping, '', '\u0000', '\u0001', compared, acrossFiles).hint.split(/([\u0000\u0001])/).map(sqlPart).join(' || ');
    // The first mapped column whose cell differs names the difference, as firstDifferingColumn does.
    const branches = columns.map((column, position) => `WHEN l.k${position} IS DISTINCT FROM f.k${position} THEN ${text({ content: 'other', basis: 'text', column })}`);
    return `CASE ${branches.join(' ')} ELSE ${text({ content: 'same', basis: 'text' })} END`;
  };
  // The duplicate's cells (l) and those of the first record (f).
  const compared = (fileColumn: string) =>
    `LEFT JOIN ${contents} l ON l.file_index = d.file_index AND l.row = d.row LEFT JOIN ${contents} f ON f.file_index = d.${fileColumn} AND f.row = d.first_row`;
  const acrossFiles = input.files.length > 1
    ? `UNION ALL
      SELECT d.file_index, d.row, d.appeal_id, ${Problem.DuplicateId}, ${sqlText(duplicate.field)}, NULL, ${sqlText(DUPLICATE_REASON)},
             ${duplicateText('first_file', true)}
      FROM ${input.prefix}_repeats_across d ${compared('first_file')}`
    : '';
  await input.database.run(`CREATE TABLE ${table} AS
    SELECT (problem = ${Problem.None})::INTEGER AS stage,
           file_index, ${sqlText(sourceId)} AS source, ${fileNameOf('file_index')} AS file, row, record_id, field, value, reason, message
    FROM (
      SELECT c.file_index, c.row, c.id AS record_id, c.problem, ${(['field', 'value', 'reason', 'message'] as const).map(reject).join(', ')}
      FROM (${checkedSelect(input, rejected)}) c LEFT JOIN ${input.prefix}_placement pl ON pl.dkey = c.dkey AND pl.pclass = c.pclass
      UNION ALL
      SELECT d.file_index, d.row, d.appeal_id, ${Problem.DuplicateId}, ${sqlText(duplicate.field)}, NULL, ${sqlText(duplicate.reason)},
             ${duplicateText('file_index', false)}
      FROM ${repeats} d ${compared('file_index')}
      ${acrossFiles}
    )
    ORDER BY stage, file_index, row`);
  return table;
}

/**
 * Creates `<prefix>_contents`: a hash of each mapped cell (k0, k1… in the mapping's order) of each
 * duplicate and of the first record it repeats, as TableConverter's contentOf fingerprints them. An empty cell is NULL or '' in
 * DuckDB and '' in the adapter, so it is hashed as ''. A time cell whose text the first date
 * format prints back is kept only as its parsed value (stage.ts), which then stands for the text.
 */
async function buildDuplicateContents(input: RowsInput): Promise<string> {
  const table = `${input.prefix}_contents`;
  const needed = [`SELECT file_index, row FROM ${input.prefix}_repeats`, `SELECT file_index, first_row FROM ${input.prefix}_repeats`];
  if (input.files.length > 1) needed.push(`SELECT file_index, row FROM ${input.prefix}_repeats_across`, `SELECT first_file, first_row FROM ${input.prefix}_repeats_across`);
  const parts = input.files.map((file) => {
    const keys = [...file.columns.keys()].map((field, position) => {
      let values = `coalesce(s_${field}, '')`;
      if ((TIME_FIELDS as readonly string[]).includes(field)) values = `coalesce(s_${field}, ''), w_${field}`;
      // Coordinates compare as numbers when they are plain decimals, as numericKey in table.ts does.
      if (field === 'latitude' || field === 'longitude') {
        const trimmed = `trim(s_${field})`;
        values = `CASE WHEN regexp_full_match(${trimmed}, ${sqlText(DECIMAL_PATTERN)}) THEN '#' || CAST(replace(${trimmed}, ',', '.') AS DOUBLE)::VARCHAR ELSE coalesce(s_${field}, '') END`;
      }
      return `hash(${values}) AS k${position}`;
    });
    const row = `(rowid + ${file.firstRow})::INTEGER`;
    return `SELECT ${file.index} AS file_index, ${row} AS row, ${keys.join(', ')}
      FROM ${file.table} WHERE ${row} IN (SELECT row FROM needed WHERE file_index = ${file.index})`;
  });
  await input.database.run(`CREATE TABLE ${table} AS
    WITH needed (file_index, row) AS (${needed.join(' UNION ')})
    ${parts.join(' UNION ALL ')}`);
  return table;
}

/** Returns the SQL for a rows-table column, or a typed NULL for one the mapping has no column for. */
function storedColumn(input: RowsInput): (name: string) => string {
  return (name) => {
    if (!input.lookups.absent.has(name)) return name;
    return name.endsWith('_at') ? 'NULL::TIMESTAMPTZ' : 'NULL::VARCHAR';
  };
}

/** SQL for fractional days from `start` to `end`, as daysBetween in etl/lib/time.ts computes them. */
function days(start: string, end: string): string {
  return `((epoch_ms(${end}) - epoch_ms(${start})) / 86400000.0)`;
}

/** SQL for Math.round(days * 1e6) / 1e6, as measureAppeal rounds. */
export function roundDays(value: string): string {
  return `(floor(${value} * 1e6 + 0.5) / 1e6)`;
}

/**
 * Creates the view of accepted appeals in APPEAL_COLUMNS order. Text columns stay ENUM, which
 * sorts and compares as text; the snapshot writer casts them when it writes Parquet. Days and the
 * overdue flag follow measureAppeal with the source's as-of time.
 */
export async function createAppealsView(input: RowsInput, rows: string, source: { id: string; region: string; asOf: number | null }): Promise<string> {
  const view = `${input.prefix}_appeals`;
  const stored = storedColumn(input);
  const asOf = source.asOf === null ? 'NULL::TIMESTAMPTZ' : `epoch_ms(${Math.round(source.asOf)})::TIMESTAMPTZ`;
  const end = `coalesce(${stored('closed_at')}, ${asOf})`;
  const toFirstAnswer = `CASE WHEN ${stored('first_answer_at')} IS NOT NULL THEN ${roundDays(days('created_at', stored('first_answer_at')))} END`;
  const text = (name: string) => `${stored(name)} AS ${name}`;
  await input.database.run(`CREATE VIEW ${view} AS SELECT
      appeal_id, ${sqlText(source.id)} AS source, ${sqlText(source.region)} AS region,
      created_at, ${['first_answer_at', 'final_answer_at', 'closed_at', 'deadline_at'].map(text).join(', ')},
      status, status_original, ${['category', 'rubric', 'object_type', 'agency'].map(text).join(', ')}, district, district_rule, district_flag, ${text('municipality')},
      0 AS repeat_messages,
      ${toFirstAnswer} AS days_to_first_answer,
      ${roundDays(`greatest(0, ${days('created_at', end)})`)} AS days_open,
      coalesce(${toFirstAnswer}, ${days('created_at', end)}) > ${ANSWER_DEADLINE_DAYS} AS overdue,
      latitude, longitude, NULL::VARCHAR AS extras, ${asOf} AS as_of
    FROM ${rows} WHERE outcome = ${Outcome.Accepted}`);
  return view;
}

/**
 * Creates two views of the status events of accepted appeals, as buildEvents in table.ts makes
 * them: the petition, an interim answer (a first answer that is not the final one), the answer,
 * and the closing status, numbered in time order with ties kept in that order. The second view
 * lists the events sorted by appeal_id and sequence. Its sort carries a one-byte code for the kind
 * and leaves out the source, and both become text after the sort, so the sort moves fewer bytes.
 */
export async function createEventsViews(input: RowsInput, rows: string, sourceId: string): Promise<{ events: string; sortedEvents: string }> {
  const stored = storedColumn(input);
  const [first, final, closed] = ['first_answer_at', 'final_answer_at', 'closed_at'].map(stored);
  const present = ['true', `${first} IS NOT NULL AND ${first} IS DISTINCT FROM ${final}`, `${final} IS NOT NULL`, `${closed} IS NOT NULL`];
  const times = ['created_at', first, final, closed];
  const kinds = ['petition', 'interim_answer', 'answer', 'status'];
  // An event's number is one more than the count of events before it: earlier in time, or at the
  // same time and earlier in the list (Array.prototype.sort is stable).
  const sequence = (event: number) =>
    `1 + ${times
      .map((time, other) => (other === event ? null : `(${present[other]} AND ${time} ${other < event ? '<=' : '<'} ${times[event]})::INTEGER`))
      .filter(Boolean)
      .join(' + ')}`;
  const parts = kinds.map((kind, event) => {
    const status = kind === 'status' ? 'status, event_status_original' : 'NULL, NULL';
    return `SELECT appeal_id, (${sequence(event)})::INTEGER AS sequence, ${times[event]} AS "at", ${event}::UTINYINT AS kind_code, ${status}
      FROM ${rows} WHERE outcome = ${Outcome.Accepted} AND ${present[event]}`;
  });
  const coded = `SELECT * FROM (${parts.join(' UNION ALL ')}) AS coded (appeal_id, sequence, "at", kind_code, status, status_original)`;
  const kind = `CASE kind_code ${kinds.map((name, event) => `WHEN ${event} THEN '${name}'`).join(' ')} END`;
  const columns = `appeal_id, ${sqlText(sourceId)} AS source, sequence, "at", ${kind} AS kind, status, status_original`;
  const events = `${input.prefix}_events`;
  const sortedEvents = `${input.prefix}_events_sorted`;
  await input.database.run(`CREATE VIEW ${events} AS SELECT ${columns} FROM (${coded})`);
  await input.database.run(`CREATE VIEW ${sortedEvents} AS SELECT ${columns} FROM (${coded} ORDER BY appeal_id, sequence)`);
  return { events, sortedEvents };
}
