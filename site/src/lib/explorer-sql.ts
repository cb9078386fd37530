// SQL text of the explorer: the setup that turns the snapshot's Parquet files into views and a
// compact in-memory table, the filter's WHERE clause, the queries behind every view, and the
// read-only check of the SQL console. Pure functions, so Node tests can run them too.
//
// Two targets share one filter. `appeals` is the view over appeals.parquet with the published
// columns and types; downloads read it. `explorer_facts` contains the filtered columns in memory,
// each text value as its code (its position in the facet's list of values), so a filter change
// scans a few bytes per row instead of text. `explorer_cube` counts the facts per combination of
// values and serves the facet counts and the histogram. The facts and the cube filter dates by
// local day number, the appeals view by the instants of local midnights. Both select the same rows.

import { zoneOffset } from '../../../etl/lib/time.ts';
import { EMPTY_VALUE, FACETS, type ExplorerState, type Facet } from './url-state.ts';

export const APPEALS_FILE = 'appeals.parquet';
export const EVENTS_FILE = 'status_events.parquet';
export const EXPLORER_FACTS_FILE = 'explorer_facts.parquet';
export const FACET_VALUES_FILE = 'facet_values.json';
export const FACTS_TABLE = 'explorer_facts';
/**
 * Counts of appeals per combination of facet values and creation day: far fewer rows than
 * appeals, so the facet counts and the histogram read it instead of the facts table.
 */
export const CUBE_TABLE = 'explorer_cube';

/** Facets whose columns are text and become ENUM types in the facts table. */
export const TEXT_FACETS = FACETS.filter((facet) => facet !== 'overdue');
type TextFacet = Exclude<Facet, 'overdue'>;

/** Returns the name of the ENUM type that contains a facet's values. */
export function enumType(facet: TextFacet): string {
  return `explorer_${facet}_values`;
}

/** Quotes a string as an SQL literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const DAY_MS = 86_400_000;

/**
 * Returns the offset of a time zone from UTC at an instant, in milliseconds (Moscow: +3 h). The
 * ETL's conversion serves the browser too, so both count local days alike.
 */
export function timeZoneOffsetMs(instantMs: number, timeZone: string): number {
  return zoneOffset(instantMs, timeZone);
}

const MINUTE_MS = 60_000;

/** A span of time with one UTC offset, from `fromMs` to the next span's start. */
export interface OffsetSpan {
  fromMs: number;
  offsetMs: number;
}

/**
 * Lists a time zone's offsets between two instants: the first span starts before `fromMs`, and
 * each change of offset (daylight saving time, a change of the zone's rules) starts a new span.
 * Days are checked one by one and a change is then found to the minute. NOTE: two changes within
 * one day that cancel out are not seen.
 */
export function offsetSpans(timeZone: string, fromMs: number, toMs: number): OffsetSpan[] {
  const start = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  const spans: OffsetSpan[] = [{ fromMs: -Infinity, offsetMs: timeZoneOffsetMs(start, timeZone) }];
  for (let day = start; day < toMs; day += DAY_MS) {
    const next = day + DAY_MS;
    const offsetMs = timeZoneOffsetMs(next, timeZone);
    if (offsetMs === spans[spans.length - 1].offsetMs) continue;
    // The offset at `low` is the old one and at `high` the new one; halve the gap to a minute.
    let low = day;
    let high = next;
    while (high - low > MINUTE_MS) {
      const middle = Math.floor((low + high) / 2 / MINUTE_MS) * MINUTE_MS;
      if (timeZoneOffsetMs(middle, timeZone) === offsetMs) high = middle;
      else low = middle;
    }
    spans.push({ fromMs: high, offsetMs });
  }
  return spans;
}

/**
 * Returns SQL for the local date of a TIMESTAMPTZ column as a day number (days since 1970-01-01
 * in the zone's wall clock). DuckDB-WASM has no time zone database, so the offsets come from
 * `offsetSpans` as instants in the SQL text.
 */
export function localDaySql(column: string, spans: readonly OffsetSpan[]): string {
  const day = (offsetMs: number) => `CAST(floor((epoch_ms(${column}::TIMESTAMP) + ${Math.round(offsetMs)}) / ${DAY_MS}) AS INTEGER)`;
  let sql = day(spans[0].offsetMs);
  for (const span of spans.slice(1)) sql = `CASE WHEN ${column} >= ${instantLiteral(span.fromMs)} THEN ${day(span.offsetMs)} ELSE ${sql} END`;
  return sql;
}

/** Returns the UTC instant of midnight at the start of a local date ("YYYY-MM-DD") in a zone. */
export function localMidnightMs(date: string, timeZone: string): number {
  const wallClock = Date.parse(`${date}T00:00:00Z`);
  const first = wallClock - timeZoneOffsetMs(wallClock, timeZone);
  // A second pass corrects the guess when the offset changes between the two instants (DST).
  return wallClock - timeZoneOffsetMs(first, timeZone);
}

/** Adds days to a "YYYY-MM-DD" date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Converts a day number (days since 1970-01-01 in the region's clock) to "YYYY-MM-DD". */
export function dayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dateToDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function instantLiteral(ms: number): string {
  // "2020-11-01 21:00:00+00": DuckDB 0.9 parses an offset in a TIMESTAMPTZ literal without ICU.
  return `TIMESTAMPTZ '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00')}'`;
}

/** The snapshot's facet_values.json: distinct values of the text facets and the creation period. */
export interface SnapshotFacetValues {
  /** Earliest and latest creation instant, ISO 8601; null without appeals. */
  created: { from: string; to: string } | null;
  facets: Partial<Record<TextFacet, string[]>>;
}

export interface SetupOptions {
  /** The region's time zone, in which creation days are counted. */
  timeZone: string;
  /** The snapshot's facet_values.json, or null for a snapshot written before that file existed. */
  facetValues: SnapshotFacetValues | null;
  /**
   * True when the snapshot has explorer_facts.parquet, whose codes index facetValues' lists; the
   * facts table then loads from it instead of appeals.parquet.
   */
  factsFile: boolean;
  /** Creation time of the snapshot, epoch milliseconds: the end of the period without facetValues. */
  snapshotCreatedMs: number;
}

/**
 * Start of the period whose offsets are looked up when a snapshot has no facet_values.json. NOTE:
 * an appeal created before it gets the zone's offset of this date.
 */
const EARLIEST_CREATION_MS = Date.UTC(2000, 0, 1);

const APPEALS_VIEW = `CREATE VIEW appeals AS SELECT * FROM parquet_scan(${sqlString(APPEALS_FILE)})`;

/** Returns true when the facts table can load from explorer_facts.parquet. */
export function usesFactsFile(options: SetupOptions): boolean {
  return options.factsFile && options.facetValues !== null && TEXT_FACETS.every((facet) => options.facetValues!.facets[facet] !== undefined);
}

/**
 * Statements that create the facts table and the cube. Facet columns of both contain codes: a
 * value's position in the facet's list of values, which is in text order. With
 * explorer_facts.parquet the codes and the order of rows come from the file. Otherwise ENUM types
 * of the values (from facet_values.json or read from appeals.parquet) give the codes, and the rows
 * are sorted here.
 */
export function setupStatements(options: SetupOptions): string[] {
  const { timeZone, facetValues, snapshotCreatedMs } = options;
  const period = facetValues?.created ? { from: Date.parse(facetValues.created.from), to: Date.parse(facetValues.created.to) } : { from: EARLIEST_CREATION_MS, to: snapshotCreatedMs };
  const createdDay = localDaySql('created_at', offsetSpans(timeZone, period.from - DAY_MS, period.to + DAY_MS));
  const facetColumns = TEXT_FACETS.map((facet) => `"${facet}"`).join(', ');
  const statements: string[] = [];

  if (usesFactsFile(options)) {
    statements.push(
      `CREATE TABLE ${FACTS_TABLE} AS SELECT appeal_id, source, ${facetColumns}, overdue, created_at, ${createdDay} AS created_day, days_to_first_answer
      FROM parquet_scan(${sqlString(EXPLORER_FACTS_FILE)})`,
    );
  } else {
    statements.push(APPEALS_VIEW);
    for (const facet of TEXT_FACETS) {
      const values = facetValues?.facets[facet];
      // An ENUM needs at least one value, so an empty list is read from the file like a missing one.
      const source = values && values.length > 0 ? values.map(sqlString).join(', ') : `SELECT DISTINCT "${facet}" FROM appeals WHERE "${facet}" IS NOT NULL ORDER BY 1`;
      statements.push(`CREATE TYPE ${enumType(facet)} AS ENUM (${source})`);
    }
    const codeColumns = TEXT_FACETS.map((facet) => `enum_code(CAST("${facet}" AS ${enumType(facet)}))::UINTEGER AS "${facet}"`).join(', ');
    // Rows are kept in creation order, as in explorer_facts.parquet, so a page sorted by creation
    // time reads only the row groups of its days. Source and appeal id fix the order of equal times.
    statements.push(
      `CREATE TABLE ${FACTS_TABLE} AS SELECT appeal_id, source, ${codeColumns}, overdue, created_at, ${createdDay} AS created_day, days_to_first_answer
      FROM appeals ORDER BY created_at, source, appeal_id`,
    );
  }

  const cubeColumns = `${facetColumns}, overdue, created_day`;
  statements.push(`CREATE TABLE ${CUBE_TABLE} AS SELECT ${cubeColumns}, count(*)::INTEGER AS appeals FROM ${FACTS_TABLE} GROUP BY ${cubeColumns}`);
  return statements;
}

/**
 * Statements run after the first views are drawn: views that only the console, the downloads and
 * the detail view read.
 */
export function deferredSetupStatements(options: SetupOptions): string[] {
  return [...(usesFactsFile(options) ? [APPEALS_VIEW] : []), `CREATE VIEW status_events AS SELECT * FROM parquet_scan(${sqlString(EVENTS_FILE)})`];
}

/** Returns the dictionary of facet values from their lists, in code order. */
export function dictionaryFromLists(lists: Record<TextFacet, readonly string[]>): FacetDictionary {
  return Object.fromEntries(TEXT_FACETS.map((facet) => [facet, { values: [...lists[facet]], codes: new Map(lists[facet].map((value, code) => [value, code])) }])) as FacetDictionary;
}

/** Returns a facet value's text from its code, or null. */
export function decodeValue(dictionary: FacetDictionary, facet: TextFacet, code: unknown): string | null {
  if (code === null || code === undefined) return null;
  return dictionary[facet].values[Number(code)] ?? null;
}

/** Lists the values of every facet's ENUM type. */
export function enumValuesQuery(): string {
  return TEXT_FACETS.map((facet) => `SELECT ${sqlString(facet)} AS facet, unnest(enum_range(NULL::${enumType(facet)}))::VARCHAR AS value`).join(
    ' UNION ALL ',
  );
}

/** Values of one text facet in code order, and the code of each value. */
export interface FacetCodes {
  values: string[];
  codes: Map<string, number>;
}

/**
 * Values of each text facet in the loaded snapshot: they turn filter values into the codes of the
 * facts table and back, and let URL values that the snapshot lacks be dropped.
 */
export type FacetDictionary = Record<TextFacet, FacetCodes>;

export type FilterTarget = 'appeals' | 'facts';

export interface FilterContext {
  target: FilterTarget;
  timeZone: string;
  /** Required for the `facts` target, whose filter values become codes. */
  dictionary?: FacetDictionary;
}

function facetCondition(facet: Facet, values: readonly string[], context: FilterContext): string | null {
  if (values.length === 0) return null;
  const column = `"${facet}"`;
  if (facet === 'overdue') {
    const flags = [...new Set(values)].filter((value) => value === 'true' || value === 'false');
    return flags.length === 2 ? null : `${column} = ${flags[0] ?? 'NULL'}`;
  }
  const includesEmpty = values.includes(EMPTY_VALUE);
  let literals = values.filter((value) => value !== EMPTY_VALUE);
  if (context.target === 'facts') {
    const known = context.dictionary?.[facet].codes;
    literals = literals.filter((value) => known?.has(value));
  }
  const quoted = literals.map((value) => (context.target === 'facts' ? String(context.dictionary![facet].codes.get(value)) : sqlString(value)));
  const parts: string[] = [];
  if (quoted.length > 0) parts.push(`${column} IN (${quoted.join(', ')})`);
  if (includesEmpty) parts.push(`${column} IS NULL`);
  // Only unknown values were selected: they match no row, as on the snapshot they came from.
  if (parts.length === 0) return 'FALSE';
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

/** Returns the conditions of a state's filter, leaving out one facet or the date range. */
export function filterConditions(state: ExplorerState, context: FilterContext, exclude?: Facet | 'date'): string[] {
  const conditions: string[] = [];
  for (const facet of FACETS) {
    if (facet === exclude) continue;
    const condition = facetCondition(facet, state.filters[facet], context);
    if (condition) conditions.push(condition);
  }
  if (exclude !== 'date' && context.target === 'facts') {
    if (state.from) conditions.push(`created_day >= ${dateToDay(state.from)}`);
    if (state.to) conditions.push(`created_day <= ${dateToDay(state.to)}`);
  } else if (exclude !== 'date') {
    if (state.from) conditions.push(`created_at >= ${instantLiteral(localMidnightMs(state.from, context.timeZone))}`);
    if (state.to) conditions.push(`created_at < ${instantLiteral(localMidnightMs(addDays(state.to, 1), context.timeZone))}`);
  }
  return conditions;
}

export function whereClause(conditions: readonly string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

function statusLiteral(context: FilterContext, status: string): string {
  if (context.target === 'appeals') return sqlString(status);
  const code = context.dictionary?.status.codes.get(status);
  return code === undefined ? 'NULL' : String(code);
}

/**
 * Sums of the cube behind the map metrics and the totals: appeals, overdue and resolved. Medians
 * are queried from the facts apart, because the cube has no days to the first answer.
 */
function cubeSums(context: FilterContext): string {
  // The aliases differ from the facet columns "overdue" and "status", which the same rows carry.
  return [
    'sum(appeals)::BIGINT AS received',
    'coalesce(sum(appeals) FILTER (WHERE overdue), 0)::BIGINT AS overdue_count',
    `coalesce(sum(appeals) FILTER (WHERE status = ${statusLiteral(context, 'resolved')}), 0)::BIGINT AS resolved_count`,
  ].join(', ');
}

/**
 * Counts per value of one facet under every other filter, so each list shows how many rows a
 * click would add. The district facet also carries the map's counts. Needs the `facts` target.
 */
export function facetQuery(state: ExplorerState, facet: Facet, context: FilterContext): string {
  const where = whereClause(filterConditions(state, context, facet));
  const aggregates = facet === 'district' ? cubeSums(context) : 'sum(appeals)::BIGINT AS received';
  return `SELECT "${facet}" AS value, ${aggregates} FROM ${CUBE_TABLE} ${where} GROUP BY 1`;
}

/** Returns the query of the filtered rows' median days to the first answer. */
export function medianQuery(state: ExplorerState, context: FilterContext): string {
  return `SELECT median(days_to_first_answer) AS median_days FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context))}`;
}

/** Returns the query of the median days to the first answer per district, under every filter but the district one. */
export function districtMedianQuery(state: ExplorerState, context: FilterContext): string {
  return `SELECT district AS value, median(days_to_first_answer) AS median_days FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context, 'district'))} GROUP BY 1`;
}

/** Appeals per creation day under every filter except the date range. Needs the `facts` target. */
export function histogramQuery(state: ExplorerState, context: FilterContext): string {
  return `SELECT created_day AS day, sum(appeals)::BIGINT AS received FROM ${CUBE_TABLE} ${whereClause(filterConditions(state, context, 'date'))} GROUP BY 1 ORDER BY 1`;
}

/** Creation days that hold one results page, and the page's offset among the rows of those days. */
export interface PageWindow {
  fromDay: number;
  toDay: number;
  offset: number;
}

/**
 * Finds the days of a page sorted by creation time from the filtered rows' counts per day, so the
 * page query reads only those days' rows instead of sorting every filtered row. Returns null for
 * other sorts, and for a page past the last row. NOTE: this relies on local days following the
 * order of creation times, which fails only where a zone turned its clocks back across midnight.
 */
export function pageWindow(state: ExplorerState, days: readonly { day: number; received: number }[], pageSize: number): PageWindow | null {
  if (state.sort.column !== 'created_at') return null;
  const first = (Math.max(1, state.page) - 1) * pageSize;
  const last = first + pageSize - 1;
  const ordered = state.sort.descending ? [...days].reverse() : days;
  let before = 0;
  let window: PageWindow | null = null;
  for (const { day, received } of ordered) {
    if (received === 0) continue;
    const after = before + received;
    if (window === null && after > first) window = { fromDay: day, toDay: day, offset: first - before };
    if (window !== null) {
      window.fromDay = Math.min(window.fromDay, day);
      window.toDay = Math.max(window.toDay, day);
    }
    if (after > last) break;
    before = after;
  }
  return window;
}

export const TABLE_COLUMNS = ['appeal_id', 'created_at', 'district', 'municipality', 'rubric', 'agency', 'status', 'days_to_first_answer', 'overdue'] as const;

/**
 * Returns the query of one page of the results table. Rows that tie on the sort column keep the
 * facts table's order (creation time, source, appeal id), which is fixed per snapshot, so a link
 * shows the same page every time. Sorting by row id instead of those columns saves comparing text
 * for every filtered row. Codes sort as their values do, since the lists are in text order. With a
 * window from `pageWindow`, only the rows of its days are read and sorted.
 */
export function pageQuery(state: ExplorerState, context: FilterContext, pageSize: number, window: PageWindow | null = null): string {
  const columns = ['source', ...TABLE_COLUMNS].map((column) => `"${column}"`).join(', ');
  const conditions = filterConditions(state, context);
  let offset = (Math.max(1, state.page) - 1) * pageSize;
  if (window) {
    conditions.push(`created_day BETWEEN ${window.fromDay} AND ${window.toDay}`);
    offset = window.offset;
  }
  const order = `ORDER BY "${state.sort.column}" ${state.sort.descending ? 'DESC' : 'ASC'} NULLS LAST, rowid`;
  return `SELECT ${columns} FROM ${FACTS_TABLE} ${whereClause(conditions)} ${order} LIMIT ${pageSize} OFFSET ${offset}`;
}

/** Returns the query of the filtered rows with every published column, in the table's sort order, for downloads. */
export function exportQuery(state: ExplorerState, timeZone: string): string {
  const order = `ORDER BY "${state.sort.column}" ${state.sort.descending ? 'DESC' : 'ASC'} NULLS LAST, source, appeal_id`;
  return `SELECT * FROM appeals ${whereClause(filterConditions(state, { target: 'appeals', timeZone }))} ${order}`;
}

/** Returns the query of one appeal with every published column. */
export function appealQuery(appealId: string): string {
  return `SELECT * FROM appeals WHERE appeal_id = ${sqlString(appealId)} ORDER BY source LIMIT 1`;
}

/**
 * Returns the query of an appeal's source, region and district codes and creation time, so the
 * Parquet scan of `locatedAppealQuery` can skip other row groups.
 */
export function appealLocationQuery(appealId: string): string {
  return `SELECT source, region, district, created_at FROM ${FACTS_TABLE} WHERE appeal_id = ${sqlString(appealId)} ORDER BY source LIMIT 1`;
}

/**
 * Returns the query of one appeal located by region, district and creation instant. Because
 * appeals.parquet is sorted by those columns, the reader skips row groups whose min/max statistics
 * exclude them.
 */
export function locatedAppealQuery(appealId: string, location: { source: string; region: string; district: string; createdAtMs: number }): string {
  // A one-millisecond window, because the instant passed through JavaScript at that precision.
  const from = Math.floor(location.createdAtMs);
  return `SELECT * FROM appeals WHERE region = ${sqlString(location.region)} AND district = ${sqlString(location.district)}
    AND created_at >= ${instantLiteral(from)} AND created_at < ${instantLiteral(from + 1)}
    AND source = ${sqlString(location.source)} AND appeal_id = ${sqlString(appealId)} LIMIT 1`;
}

/** Returns the query of an appeal's status events in order; status_events.parquet is sorted by source and appeal id. */
export function eventsQuery(appealId: string, source: string): string {
  return `SELECT sequence, at, kind, status, status_original FROM status_events WHERE source = ${sqlString(source)} AND appeal_id = ${sqlString(appealId)} ORDER BY sequence`;
}

// ---------------------------------------------------------------------------------------------
// The SQL console's read-only check.

/**
 * Statement keywords the console runs. `PRAGMA` is allowed only as `PRAGMA table_info(...)`, and
 * `FROM` starts DuckDB's FROM-first form of SELECT.
 */
export const READ_ONLY_KEYWORDS = ['SELECT', 'WITH', 'EXPLAIN', 'DESCRIBE', 'SUMMARIZE', 'PRAGMA', 'FROM'] as const;

/**
 * Words that write, load or reach files, rejected anywhere outside string literals and quoted
 * identifiers, so a SELECT cannot smuggle them in a subquery or a table function.
 */
const FORBIDDEN_WORDS = new Set([
  'ATTACH',
  'DETACH',
  'COPY',
  'EXPORT',
  'IMPORT',
  'INSTALL',
  'LOAD',
  'FORCE',
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'SET',
  'RESET',
  'CALL',
  'CHECKPOINT',
  'VACUUM',
  'USE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'PREPARE',
  'EXECUTE',
  'DEALLOCATE',
]);

/** Table functions that read files or URLs, or run SQL from a string. */
const FORBIDDEN_FUNCTION = /^(read_\w+|parquet_\w+|sniff_csv|glob|query|query_table|iceberg_\w+|delta_\w+|sqlite_\w+|postgres_\w+|mysql_\w+|json_execute_serialized_sql|getenv)$/i;

export type ReadOnlyVerdict =
  | { ok: true; keyword: string }
  | { ok: false; reason: 'empty' | 'multiple' | 'statement' | 'pragma' | 'word' | 'function' | 'file' | 'unterminated'; detail: string };

interface Token {
  kind: 'word' | 'string' | 'identifier' | 'symbol';
  text: string;
}

/**
 * Splits SQL into words, string literals, quoted identifiers and symbols, dropping comments.
 * Returns null when a string, identifier or block comment is not closed.
 */
export function tokenizeSql(sql: string): Token[] | null {
  const tokens: Token[] = [];
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    const next = sql[index + 1];
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      if (end === -1) return null;
      index = end + 2;
    } else if (char === "'" || char === '"') {
      let end = index + 1;
      let text = '';
      for (;;) {
        if (end >= sql.length) return null;
        if (sql[end] === char) {
          if (sql[end + 1] === char) {
            text += char;
            end += 2;
            continue;
          }
          break;
        }
        text += sql[end];
        end += 1;
      }
      tokens.push({ kind: char === "'" ? 'string' : 'identifier', text });
      index = end + 1;
    } else if (char === '$') {
      // Dollar-quoted string: $$text$$ or $tag$text$tag$.
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(index))?.[0];
      if (!tag) {
        tokens.push({ kind: 'symbol', text: char });
        index += 1;
        continue;
      }
      const end = sql.indexOf(tag, index + tag.length);
      if (end === -1) return null;
      tokens.push({ kind: 'string', text: sql.slice(index + tag.length, end) });
      index = end + tag.length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(char)) {
      const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(index))![0];
      tokens.push({ kind: 'word', text: word });
      index += word.length;
    } else {
      tokens.push({ kind: 'symbol', text: char });
      index += 1;
    }
  }
  return tokens;
}

/** A string literal that names a file or URL, which DuckDB would read as a table. */
const FILE_LITERAL = /:\/\/|\.(csv|tsv|txt|parquet|json|jsonl|ndjson|gz|zst|xlsx|db|duckdb|sqlite|arrow)$/i;

/**
 * Checks that SQL is one read-only statement: it starts with SELECT, WITH, EXPLAIN, DESCRIBE,
 * SUMMARIZE, FROM or `PRAGMA table_info`, and contains no writing or loading keyword, no file-reading
 * table function and no string literal naming a file or URL. The engine still parses the text;
 * this check only decides whether to send it.
 */
export function checkReadOnly(sql: string): ReadOnlyVerdict {
  const tokens = tokenizeSql(sql);
  if (tokens === null) return { ok: false, reason: 'unterminated', detail: '' };
  // Trailing semicolons are harmless; one in the middle starts a second statement.
  while (tokens.length > 0 && tokens[tokens.length - 1].text === ';') tokens.pop();
  if (tokens.length === 0) return { ok: false, reason: 'empty', detail: '' };
  if (tokens.some((token) => token.kind === 'symbol' && token.text === ';')) return { ok: false, reason: 'multiple', detail: ';' };

  const first = tokens[0];
  const keyword = first.kind === 'word' ? first.text.toUpperCase() : first.text;
  if (!(READ_ONLY_KEYWORDS as readonly string[]).includes(keyword) && keyword !== '(') {
    return { ok: false, reason: 'statement', detail: first.text };
  }
  if (keyword === 'PRAGMA') {
    const second = tokens[1];
    if (second?.kind !== 'word' || second.text.toLowerCase() !== 'table_info') {
      return { ok: false, reason: 'pragma', detail: second?.text ?? '' };
    }
  }

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind === 'word' && FORBIDDEN_WORDS.has(token.text.toUpperCase())) {
      return { ok: false, reason: 'word', detail: token.text };
    }
    const callsFunction = tokens[index + 1]?.text === '(';
    if ((token.kind === 'word' || token.kind === 'identifier') && callsFunction && FORBIDDEN_FUNCTION.test(token.text)) {
      return { ok: false, reason: 'function', detail: token.text };
    }
    if (token.kind === 'string' && FILE_LITERAL.test(token.text.trim())) {
      return { ok: false, reason: 'file', detail: token.text };
    }
  }
  return { ok: true, keyword };
}
