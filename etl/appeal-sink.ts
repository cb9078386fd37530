// Where the pipeline puts a source's accepted appeals and their status events as it reads them.
// Days open and the overdue flag of an appeal without a closing time or an answer are counted to
// the source's as-of time, which is known only after the last record, so a sink fills them in when
// it is finished.
//
// The memory sink keeps JS objects, for `check` and for callers that read the rows. The database
// sink appends them to DuckDB tables as they come, so that a run holds no JS copy of a large source
// (a portal dump of hundreds of thousands of appeals), and the snapshot writer reads the tables.

import type { DuckDBAppender } from '@duckdb/node-api';

import type { BulkDatabase } from './bulk/database.ts';
import { roundDays } from './bulk/rows.ts';
import type { BulkTables } from './bulk/table-source.ts';
import { appendValue, sqlString } from './lib/duckdb.ts';
import { measureAppeal } from './metrics.ts';
import { ANSWER_DEADLINE_DAYS, APPEAL_COLUMNS, STATUS_EVENT_COLUMNS, type Appeal, type ColumnDefinition, type StatusEvent } from './schema.ts';

/** An appeal before the as-of time is known: without days and the overdue flag. */
export type UnmeasuredAppeal = Omit<Appeal, 'days_to_first_answer' | 'days_open' | 'overdue' | 'as_of'>;

export interface SinkOutput {
  readonly appeals: Appeal[];
  readonly events: StatusEvent[];
  /** The database sink's views. The arrays are then empty. */
  readonly tables: BulkTables | null;
}

export interface AppealSink {
  add(appeal: UnmeasuredAppeal, events: readonly StatusEvent[]): void;
  /** Counts days and the overdue flag to `asOf` (epoch ms, or null when no record was read). */
  finish(asOf: number | null): Promise<SinkOutput>;
  /** Drops the sink's rows after a source failed part way. */
  discard(): Promise<void>;
}

export class MemorySink implements AppealSink {
  private readonly appeals: UnmeasuredAppeal[] = [];
  private readonly events: StatusEvent[] = [];

  add(appeal: UnmeasuredAppeal, events: readonly StatusEvent[]): void {
    this.appeals.push(appeal);
    for (const event of events) this.events.push(event);
  }

  async finish(asOf: number | null): Promise<SinkOutput> {
    const appeals = this.appeals.map((appeal) => Object.assign(appeal, measureAppeal(appeal, asOf ?? Number.NaN), { as_of: asOf ?? Number.NaN }) as Appeal);
    return { appeals, events: this.events, tables: null };
  }

  async discard(): Promise<void> {
    this.appeals.length = 0;
    this.events.length = 0;
  }
}

/** Rows appended between two flushes of the appenders, which bounds their buffers. */
const FLUSH_ROWS = 20_000;

/** Columns counted to the as-of time when the appeal itself does not settle them. */
const MEASURED = new Set(['days_open', 'overdue', 'as_of']);

/** Columns with one value for the whole source, which the views add instead of every row. */
const CONSTANT = new Set(['source', 'region']);

const STORED_APPEAL_COLUMNS = APPEAL_COLUMNS.filter((column) => column.name !== 'as_of' && !CONSTANT.has(column.name));
const STORED_EVENT_COLUMNS = STATUS_EVENT_COLUMNS.filter((column) => !CONSTANT.has(column.name));

/** The source and region of every row a database sink takes. */
export interface SinkSource {
  readonly source: string;
  readonly region: string;
}

export class DatabaseSink implements AppealSink {
  private rows = 0;
  private closed = false;

  private constructor(
    private readonly database: BulkDatabase,
    private readonly constants: SinkSource,
    private readonly prefix: string,
    private readonly appealAppender: DuckDBAppender,
    private readonly eventAppender: DuckDBAppender,
  ) {}

  /**
   * Creates the tables of one source: its appeals, with the days and the flag where the appeal
   * settles them (NULL where they depend on the as-of time), and its events. Instants are stored as the
   * JS numbers of epoch milliseconds, which append faster than timestamps, and the views convert
   * them.
   */
  static async open(database: BulkDatabase, constants: SinkSource): Promise<DatabaseSink> {
    const prefix = database.nextPrefix();
    const stored = (columns: readonly ColumnDefinition[]) =>
      columns.map((column) => `"${column.name}" ${storedType(column)}${column.nullable || MEASURED.has(column.name) ? '' : ' NOT NULL'}`).join(', ');
    await database.run(`CREATE TABLE ${prefix}_streamed_appeals (${stored(STORED_APPEAL_COLUMNS)})`);
    await database.run(`CREATE TABLE ${prefix}_streamed_events (${stored(STORED_EVENT_COLUMNS)})`);
    const appealAppender = await database.connection.createAppender(`${prefix}_streamed_appeals`);
    const eventAppender = await database.connection.createAppender(`${prefix}_streamed_events`);
    return new DatabaseSink(database, constants, prefix, appealAppender, eventAppender);
  }

  add(appeal: UnmeasuredAppeal, events: readonly StatusEvent[]): void {
    const settled = settledMeasures(appeal);
    for (const column of STORED_APPEAL_COLUMNS) {
      const value = column.name in settled ? settled[column.name as keyof typeof settled] : appeal[column.name as keyof UnmeasuredAppeal];
      appendStored(this.appealAppender, column, value);
    }
    this.appealAppender.endRow();
    for (const event of events) {
      for (const column of STORED_EVENT_COLUMNS) appendStored(this.eventAppender, column, event[column.name as keyof StatusEvent]);
      this.eventAppender.endRow();
    }

    this.rows += 1;
    if (this.rows % FLUSH_ROWS === 0) {
      this.appealAppender.flushSync();
      this.eventAppender.flushSync();
    }
  }

  /**
   * Creates the views the snapshot writer reads: the appeals sorted by district, created_at and
   * appeal_id, as a bulk-read source lists them, and the events in file order and by appeal.
   */
  async finish(asOf: number | null): Promise<SinkOutput> {
    this.close();
    const appeals = `${this.prefix}_appeals`;
    const select = (column: ColumnDefinition) => {
      if (MEASURED.has(column.name)) return `${measuredSql(column.name, asOf)} AS "${column.name}"`;
      if (CONSTANT.has(column.name)) return `${sqlString(this.constants[column.name as keyof SinkSource])} AS "${column.name}"`;
      return storedSql(column);
    };
    const appealColumns = APPEAL_COLUMNS.map(select);
    await this.database.run(`CREATE VIEW ${appeals} AS SELECT * FROM (SELECT ${appealColumns.join(', ')} FROM ${this.prefix}_streamed_appeals) ORDER BY district, created_at, appeal_id`);
    const events = `${this.prefix}_events`;
    await this.database.run(`CREATE VIEW ${events} AS SELECT ${STATUS_EVENT_COLUMNS.map(select).join(', ')} FROM ${this.prefix}_streamed_events`);
    const sortedEvents = `${this.prefix}_events_sorted`;
    await this.database.run(`CREATE VIEW ${sortedEvents} AS SELECT * FROM ${events} ORDER BY appeal_id, sequence`);
    return { appeals: [], events: [], tables: { database: this.database, readInBulk: false, appeals, events, sortedEvents, rejects: null, sha256: new Map() } };
  }

  async discard(): Promise<void> {
    this.close();
    await this.database.dropPrefix(this.prefix);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const appender of [this.appealAppender, this.eventAppender]) {
      appender.flushSync();
      appender.closeSync();
    }
  }
}

function storedType(column: ColumnDefinition): string {
  return column.type === 'TIMESTAMPTZ' ? 'DOUBLE' : column.type;
}

function appendStored(appender: DuckDBAppender, column: ColumnDefinition, value: unknown): void {
  if (column.type === 'TIMESTAMPTZ' && value !== null && value !== undefined) appender.appendDouble(Number(value));
  else appendValue(appender, column, value);
}

/** SQL that reads a stored column as its schema type: epoch milliseconds rounded as appendValue rounds them. */
function storedSql(column: ColumnDefinition): string {
  if (column.type !== 'TIMESTAMPTZ') return `"${column.name}"`;
  return `make_timestamptz(CAST(floor("${column.name}" + 0.5) AS BIGINT) * 1000) AS "${column.name}"`;
}

/**
 * Days and the overdue flag that the appeal settles by itself, as measureAppeal counts them: all
 * three once it is closed, and the days to the first answer and the flag once it has an answer.
 */
function settledMeasures(appeal: UnmeasuredAppeal): { days_to_first_answer: number | null; days_open: number | null; overdue: boolean | null } {
  const measured = measureAppeal(appeal, Number.NaN);
  return {
    days_to_first_answer: measured.days_to_first_answer,
    days_open: appeal.closed_at === null ? null : measured.days_open,
    overdue: appeal.closed_at === null && appeal.first_answer_at === null ? null : measured.overdue,
  };
}

/**
 * SQL for a measured column where the appeal left it NULL, following measureAppeal with `asOf`:
 * days counted from the creation time in JS milliseconds, rounded to 1e-6.
 */
function measuredSql(name: string, asOf: number | null): string {
  const end = asOf === null ? 'NULL::DOUBLE' : `${sqlString(String(asOf))}::DOUBLE`;
  const days = `((${end} - created_at) / 86400000.0)`;
  if (name === 'days_open') return `coalesce(days_open, ${roundDays(`greatest(0, ${days})`)})`;
  if (name === 'overdue') return `coalesce(overdue, ${days} > ${ANSWER_DEADLINE_DAYS})`;
  // Milliseconds, as appendValue writes an instant.
  return asOf === null ? 'NULL::TIMESTAMPTZ' : `make_timestamptz(${Math.round(asOf)}::BIGINT * 1000)`;
}
