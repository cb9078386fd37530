// The explorer's only door to the query engine: DuckDB-WASM 1.28.0 (DuckDB 0.9), self-hosted.
// Everything engine-specific stays in this module, so the engine can be swapped by rewriting it.
//
// The version is pinned on purpose: from 1.29 on the Parquet reader is an extension that the
// engine downloads from DuckDB's server at run time, which an offline site cannot allow. 1.28.0
// has Parquet built in and reads registered HTTP files with range requests when the server
// responds to them with 206.
//
// Pages import this module lazily (`await import(...)`), so the ~17 MB WebAssembly file and the
// worker load only when the explorer starts.

import * as duckdb from '@duckdb/duckdb-wasm';
import ehModuleUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpModuleUrl from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';

/** Representation of a result column's values in JavaScript. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'timestamp' | 'date' | 'other';

export interface ResultColumn {
  name: string;
  kind: ValueKind;
  /** Arrow type as text, e.g. "Timestamp<MICROSECOND, UTC>", for the SQL console's header. */
  type: string;
}

/**
 * A query result as plain values: strings, finite numbers (BIGINT and DECIMAL become numbers),
 * booleans, instants and dates as epoch milliseconds, nested values as JSON text, and null.
 */
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
  /** True when the result had more rows than `maxRows` and the rest were not read. */
  truncated: boolean;
}

export type Row = Record<string, unknown>;

/** A file the database reads over HTTP from the site's own origin. */
export interface RemoteFile {
  /** Name that SQL uses, e.g. "appeals.parquet". */
  name: string;
  /** URL, absolute or relative to the page. */
  url: string;
}

export interface ExplorerDatabaseOptions {
  files: RemoteFile[];
  /** Statements run after every start and restart, e.g. the views and helper tables. */
  setup: string[];
  /**
   * Statements that `runDeferredSetup` queues once the page has drawn its first views, for views
   * that few actions read. After they have run, a restart runs them with the setup.
   */
  deferredSetup?: string[];
}

export class QueryCancelledError extends Error {
  constructor() {
    super('Query cancelled');
    this.name = 'QueryCancelledError';
  }
}

// Arrow type ids from apache-arrow 13's `Type` enum, the version DuckDB-WASM 1.28.0 depends on.
const ARROW_TYPE = {
  Dictionary: -1,
  Int: 2,
  Float: 3,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Timestamp: 10,
  LargeUtf8: 20,
} as const;

/** Arrow's DateUnit.MILLISECOND: a Date64 column, which is how castTimestampToDate sends timestamps. */
const DATE_UNIT_MILLISECOND = 1;

interface ArrowField {
  name: string;
  type: { typeId: number; unit?: number; toString(): string; dictionary?: { typeId: number } };
}

function kindOf(field: ArrowField): ValueKind {
  const typeId = field.type.typeId === ARROW_TYPE.Dictionary ? (field.type.dictionary?.typeId ?? -99) : field.type.typeId;
  if (typeId === ARROW_TYPE.Date && field.type.unit === DATE_UNIT_MILLISECOND) return 'timestamp';
  switch (typeId) {
    case ARROW_TYPE.Utf8:
    case ARROW_TYPE.LargeUtf8:
      return 'text';
    case ARROW_TYPE.Int:
    case ARROW_TYPE.Float:
    case ARROW_TYPE.Decimal:
      return 'number';
    case ARROW_TYPE.Bool:
      return 'boolean';
    case ARROW_TYPE.Timestamp:
      return 'timestamp';
    case ARROW_TYPE.Date:
      return 'date';
    default:
      return 'other';
  }
}

function toPlainValue(value: unknown, kind: ValueKind): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  if (kind === 'number' && typeof value === 'object') return Number(value);
  if (typeof value === 'object') {
    return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner));
  }
  return value;
}

interface ArrowBatch {
  numRows: number;
  schema: { fields: ArrowField[] };
  getChildAt(index: number): { get(row: number): unknown } | null;
}

function readBatch(batch: ArrowBatch, columns: ResultColumn[], rows: unknown[][], maxRows: number): void {
  const vectors = columns.map((_, index) => batch.getChildAt(index));
  const count = Math.min(batch.numRows, maxRows - rows.length);
  for (let row = 0; row < count; row++) {
    rows.push(columns.map((column, index) => toPlainValue(vectors[index]?.get(row), column.kind)));
  }
}

function columnsOf(fields: ArrowField[]): ResultColumn[] {
  return fields.map((field) => ({ name: field.name, kind: kindOf(field), type: String(field.type) }));
}

/** Turns a result into objects keyed by column name. */
export function toObjects(result: QueryResult): Row[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, row[index]])));
}

/** Resolves a URL against the page, because the worker runs from a blob: URL with no base. */
function absoluteUrl(url: string): string {
  return new URL(url, window.location.href).href;
}

interface Engine {
  db: duckdb.AsyncDuckDB;
  connection: duckdb.AsyncDuckDBConnection;
  worker: Worker;
  workerUrl: string;
  /** Milliseconds of each step of the start, for the benchmark's breakdown. */
  timings: { step: string; ms: number }[];
}

/**
 * Starts the worker and the engine. The worker script is loaded through a blob: URL, because a
 * worker from a blob: URL inherits the page's Content-Security-Policy, so `connect-src 'self'`
 * also limits the worker's own requests.
 */
async function startEngine(options: ExplorerDatabaseOptions, withDeferred: boolean): Promise<Engine> {
  const timings: { step: string; ms: number }[] = [];
  let mark = performance.now();
  const time = (step: string) => {
    const now = performance.now();
    timings.push({ step, ms: now - mark });
    mark = now;
  };
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: absoluteUrl(mvpModuleUrl), mainWorker: absoluteUrl(mvpWorkerUrl) },
    eh: { mainModule: absoluteUrl(ehModuleUrl), mainWorker: absoluteUrl(ehWorkerUrl) },
  });
  if (!bundle.mainWorker) throw new Error('DuckDB-WASM selected a bundle without a worker script');

  const workerUrl = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(bundle.mainWorker)});`], { type: 'text/javascript' }));
  const worker = new Worker(workerUrl);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule);
  time('instantiate WebAssembly');
  await db.open({
    query: { castBigIntToDouble: true, castTimestampToDate: true, castDecimalToDouble: true },
    // A server without range requests must fail loudly instead of sending whole files.
    filesystem: { allowFullHTTPReads: false },
  });
  const connection = await db.connect();
  // Nothing may be fetched from DuckDB's extension server.
  await connection.query('SET autoinstall_known_extensions = false');
  await connection.query('SET autoload_known_extensions = false');
  for (const file of options.files) {
    await db.registerFileURL(file.name, absoluteUrl(file.url), duckdb.DuckDBDataProtocol.HTTP, false);
  }
  time('open and register files');
  for (const statement of [...options.setup, ...(withDeferred ? (options.deferredSetup ?? []) : [])]) {
    await connection.query(statement);
    time(statement.slice(0, 60).replace(/\s+/g, ' '));
  }
  return { db, connection, worker, workerUrl, timings };
}

async function stopEngine(engine: Engine): Promise<void> {
  try {
    await engine.db.terminate();
  } finally {
    engine.worker.terminate();
    URL.revokeObjectURL(engine.workerUrl);
  }
}

/**
 * One database in a worker with the snapshot's files registered. Queries run one at a time in
 * the order they were made, because DuckDB-WASM has one pending query per connection.
 */
export class ExplorerDatabase {
  private engine: Engine;
  private readonly options: ExplorerDatabaseOptions;
  private queue: Promise<unknown> = Promise.resolve();
  /** Incremented by `cancel`, so queued and running streams of an older generation stop. */
  private generation = 0;
  private running: { generation: number } | null = null;
  private deferredDone = false;

  private constructor(engine: Engine, options: ExplorerDatabaseOptions) {
    this.engine = engine;
    this.options = options;
  }

  static async open(options: ExplorerDatabaseOptions): Promise<ExplorerDatabase> {
    return new ExplorerDatabase(await startEngine(options, false), options);
  }

  /** Queues the deferred setup statements; queries made later run after them. */
  runDeferredSetup(): Promise<void> {
    return this.enqueue(async () => {
      if (this.deferredDone) return;
      for (const statement of this.options.deferredSetup ?? []) await this.engine.connection.query(statement);
      this.deferredDone = true;
    }, true);
  }

  /** Milliseconds of each step of the last engine start. */
  get startTimings(): { step: string; ms: number }[] {
    return this.engine.timings;
  }

  /** Returns the engine's version string, e.g. "v0.9.2". */
  async version(): Promise<string> {
    return this.engine.db.getVersion();
  }

  /** Queues a task; `cancel` drops a queued task unless it is part of the setup. */
  private enqueue<T>(task: () => Promise<T>, setup = false): Promise<T> {
    const generation = this.generation;
    const result = this.queue.then(async () => {
      if (!setup && generation !== this.generation) throw new QueryCancelledError();
      this.running = { generation };
      try {
        return await task();
      } finally {
        this.running = null;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs a query and returns every row. */
  query(sql: string): Promise<QueryResult> {
    return this.enqueue(async () => {
      const table = await this.engine.connection.query(sql);
      const columns = columnsOf(table.schema.fields as unknown as ArrowField[]);
      const rows: unknown[][] = [];
      for (const batch of table.batches as unknown as ArrowBatch[]) readBatch(batch, columns, rows, Infinity);
      return { columns, rows, truncated: false };
    });
  }

  /** Runs a query and returns its rows as objects keyed by column name. */
  async queryObjects(sql: string): Promise<Row[]> {
    return toObjects(await this.query(sql));
  }

  /**
   * Runs a query as a cancellable stream and reads at most `maxRows` rows. `onBatch` receives each
   * batch's rows as they arrive, for callers that write files without holding every row.
   */
  stream(sql: string, maxRows: number, onBatch?: (columns: ResultColumn[], rows: unknown[][]) => void): Promise<QueryResult> {
    return this.enqueue(async () => {
      const generation = this.generation;
      const reader = await this.engine.connection.send(sql);
      let columns: ResultColumn[] = [];
      const rows: unknown[][] = [];
      let truncated = false;
      for await (const batch of reader as unknown as AsyncIterable<ArrowBatch>) {
        if (generation !== this.generation) throw new QueryCancelledError();
        if (columns.length === 0) columns = columnsOf(batch.schema.fields);
        if (onBatch) {
          const batchRows: unknown[][] = [];
          readBatch(batch, columns, batchRows, Infinity);
          onBatch(columns, batchRows);
          continue;
        }
        readBatch(batch, columns, rows, maxRows);
        if (rows.length >= maxRows && batch.numRows > 0) {
          truncated = true;
          await this.engine.connection.cancelSent();
          break;
        }
      }
      if (columns.length === 0) columns = columnsOf((reader as unknown as { schema?: { fields: ArrowField[] } }).schema?.fields ?? []);
      if (generation !== this.generation) throw new QueryCancelledError();
      return { columns, rows, truncated };
    });
  }

  /** Writes a query's rows into a Parquet file inside the engine and returns its bytes. */
  copyToParquet(selectSql: string, fileName: string): Promise<Uint8Array> {
    return this.enqueue(async () => {
      await this.engine.connection.query(`COPY (${selectSql}) TO '${fileName.replace(/'/g, "''")}' (FORMAT PARQUET, COMPRESSION ZSTD)`);
      try {
        return await this.engine.db.copyFileToBuffer(fileName);
      } finally {
        await this.engine.db.dropFile(fileName);
      }
    });
  }

  /**
   * Cancels the running query and every queued one. A streamed query is cancelled inside the
   * engine. A plain `query` cannot be interrupted, so a query that does not stop within `graceMs`
   * ends by terminating the worker and starting a fresh engine with the same files and setup.
   */
  async cancel(graceMs = 1500): Promise<'cancelled' | 'restarted' | 'idle'> {
    const wasRunning = this.running !== null;
    this.generation += 1;
    if (!wasRunning) return 'idle';
    const settled = this.queue.then(() => true);
    await this.engine.connection.cancelSent().catch(() => false);
    const stopped = await Promise.race([settled, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs))]);
    if (stopped) return 'cancelled';
    await this.restart();
    return 'restarted';
  }

  /** Terminates the worker and starts a new engine; queries in flight fail. */
  async restart(): Promise<void> {
    const old = this.engine;
    this.queue = Promise.resolve();
    this.running = null;
    await stopEngine(old).catch(() => undefined);
    this.engine = await startEngine(this.options, this.deferredDone);
  }

  async close(): Promise<void> {
    await stopEngine(this.engine);
  }
}
