// SQL text of the explorer: the setup that turns the snapshot's Parquet files into views and a
// compact in-memory table, the filter's WHERE clause, the queries behind every view, and the
// read-only check of the SQL console. Pure functions, so Node tests can run them too.
//
// Two targets share one filter. `appeals` is the view over appeals.parquet with the published
// columns and types; downloads read it. `explorer_facts` contains the filtered columns with
// dictionary (ENUM) types in memory, so a filter change scans a few bytes per row instead of the
// Parquet text columns.

import { EMPTY_VALUE, FACETS, type ExplorerState, type Facet } from './url-state.ts';

export const APPEALS_FILE = 'appeals.parquet';
export const EVENTS_FILE = 'status_events.parquet';
export const FACTS_TABLE = 'explorer_facts';

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
 * Returns the offset of a time zone from UTC at an instant, in milliseconds (Moscow: +3 h).
 * Intl gives the wall-clock parts in the zone; their difference from the instant is the offset.
 */
export function timeZoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wallClock = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return wallClock - Math.floor(instantMs / 1000) * 1000;
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

export interface SetupOptions {
  /**
   * The region's offset from UTC in milliseconds, used to number creation days for the
   * histogram. NOTE: the offset is fixed per snapshot. In a zone with daylight saving time, appeals
   * within an hour of midnight on the far side of a change fall into the neighbouring day's bar.
   * The date filter itself uses exact local midnights.
   */
  dayOffsetMs: number;
}

/** Statements that create the views of the snapshot and the facts table. */
export function setupStatements({ dayOffsetMs }: SetupOptions): string[] {
  const statements = [
    `CREATE VIEW appeals AS SELECT * FROM parquet_scan(${sqlString(APPEALS_FILE)})`,
    `CREATE VIEW status_events AS SELECT * FROM parquet_scan(${sqlString(EVENTS_FILE)})`,
  ];
  for (const facet of TEXT_FACETS) {
    statements.push(`CREATE TYPE ${enumType(facet)} AS ENUM (SELECT DISTINCT "${facet}" FROM appeals WHERE "${facet}" IS NOT NULL ORDER BY 1)`);
  }
  const enumColumns = TEXT_FACETS.map((facet) => `CAST("${facet}" AS ${enumType(facet)}) AS "${facet}"`).join(', ');
  statements.push(
    `CREATE TABLE ${FACTS_TABLE} AS SELECT appeal_id, source, ${enumColumns}, overdue, created_at,
      CAST(floor((epoch_ms(created_at::TIMESTAMP) + ${Math.round(dayOffsetMs)}) / ${DAY_MS}) AS INTEGER) AS created_day,
      days_to_first_answer
    FROM appeals`,
  );
  return statements;
}

/** Lists the values of every facet's ENUM type. */
export function enumValuesQuery(): string {
  return TEXT_FACETS.map((facet) => `SELECT ${sqlString(facet)} AS facet, unnest(enum_range(NULL::${enumType(facet)}))::VARCHAR AS value`).join(
    ' UNION ALL ',
  );
}

/** Known values of each text facet in the loaded snapshot, to drop URL values it lacks. */
export type FacetDictionary = Record<TextFacet, Set<string>>;

export type FilterTarget = 'appeals' | 'facts';

export interface FilterContext {
  target: FilterTarget;
  timeZone: string;
  /** Required for the `facts` target, whose literals are cast to the ENUM types. */
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
    const known = context.dictionary?.[facet];
    literals = literals.filter((value) => known?.has(value));
  }
  const quoted = literals.map((value) => (context.target === 'facts' ? `CAST(${sqlString(value)} AS ${enumType(facet)})` : sqlString(value)));
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
  if (exclude !== 'date') {
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
  return context.dictionary?.status.has(status) ? `CAST(${sqlString(status)} AS ${enumType('status')})` : 'NULL';
}

/**
 * Counts behind the map metrics and the totals: rows, overdue and resolved. Medians are queried
 * apart, because a median per group costs several times a count in DuckDB-WASM.
 */
function countAggregates(context: FilterContext): string {
  // The aliases differ from the facet columns "overdue" and "status", which the same rows carry.
  return ['count(*) AS received', 'count(*) FILTER (WHERE overdue) AS overdue_count', `count(*) FILTER (WHERE status = ${statusLiteral(context, 'resolved')}) AS resolved_count`].join(', ');
}

/**
 * Counts per value of one facet under every other filter, so each list shows how many rows a
 * click would add. The district facet also carries the map's counts.
 */
export function facetQuery(state: ExplorerState, facet: Facet, context: FilterContext): string {
  const where = whereClause(filterConditions(state, context, facet));
  const aggregates = facet === 'district' ? countAggregates(context) : 'count(*) AS received';
  return `SELECT "${facet}" AS value, ${aggregates} FROM ${FACTS_TABLE} ${where} GROUP BY 1`;
}

/** Returns the query of the filtered rows' median days to the first answer. */
export function medianQuery(state: ExplorerState, context: FilterContext): string {
  return `SELECT median(days_to_first_answer) AS median_days FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context))}`;
}

/** Returns the query of the median days to the first answer per district, under every filter but the district one. */
export function districtMedianQuery(state: ExplorerState, context: FilterContext): string {
  return `SELECT district AS value, median(days_to_first_answer) AS median_days FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context, 'district'))} GROUP BY 1`;
}

/** Appeals per creation day under every filter except the date range. */
export function histogramQuery(state: ExplorerState, context: FilterContext): string {
  return `SELECT created_day AS day, count(*) AS received FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context, 'date'))} GROUP BY 1 ORDER BY 1`;
}

export const TABLE_COLUMNS = ['appeal_id', 'created_at', 'district', 'municipality', 'rubric', 'agency', 'status', 'days_to_first_answer', 'overdue'] as const;

/**
 * Returns the query of one page of the results table. Rows that tie on the sort column keep the order of
 * appeals.parquet (the facts table's row ids), which is fixed per snapshot, so a link shows the
 * same page every time. Sorting by row id instead of (source, appeal_id) saves comparing text for
 * every filtered row. Enum columns sort by their value order, which is the text order.
 */
export function pageQuery(state: ExplorerState, context: FilterContext, pageSize: number): string {
  const columns = ['source', ...TABLE_COLUMNS].map((column) => `"${column}"`).join(', ');
  const offset = (Math.max(1, state.page) - 1) * pageSize;
  const order = `ORDER BY "${state.sort.column}" ${state.sort.descending ? 'DESC' : 'ASC'} NULLS LAST, rowid`;
  return `SELECT ${columns} FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context))} ${order} LIMIT ${pageSize} OFFSET ${offset}`;
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

/** Returns the query of an appeal's region, district and creation time, so the Parquet scan can skip other row groups. */
export function appealLocationQuery(appealId: string): string {
  return `SELECT source, CAST(region AS VARCHAR) AS region, CAST(district AS VARCHAR) AS district, created_at FROM ${FACTS_TABLE} WHERE appeal_id = ${sqlString(appealId)} ORDER BY source LIMIT 1`;
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
