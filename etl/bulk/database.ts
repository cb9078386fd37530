// The DuckDB database that bulk-read sources leave their tables in. One run of all sources shares
// one database, and the snapshot writer reads the tables from it instead of appending rows from JS.

import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

import { openDatabase, sqlString } from '../lib/duckdb.ts';

export type LookupType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';
export type LookupValue = string | number | boolean | null;

export class BulkDatabase {
  private tableCounter = 0;
  private closed = false;

  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<BulkDatabase> {
    const { instance, connection } = await openDatabase();
    // The staged text of a large file is dropped once parsed. A background thread and a lower flush
    // threshold (DuckDB's default is 128 MiB) hand that memory back to the system before the
    // Parquet writer needs its own, and so keep the peak resident size down.
    await connection.run('SET allocator_background_threads = true');
    await connection.run("SET allocator_flush_threshold = '32MiB'");
    return new BulkDatabase(instance, connection);
  }

  /** Returns a new prefix for the tables of one source, e.g. "bulk_1". */
  nextPrefix(): string {
    this.tableCounter += 1;
    return `bulk_${this.tableCounter}`;
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Runs a query and returns its rows as objects with JS values (BIGINT as bigint). */
  async rows<T>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as T[];
  }

  /** Creates a table and appends rows to it; each row gives one value per column, in order. */
  async createLookup(table: string, columns: readonly (readonly [string, LookupType])[], rows: Iterable<readonly LookupValue[]>): Promise<void> {
    await this.connection.run(`CREATE OR REPLACE TABLE ${table} (${columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})`);
    const appender = await this.connection.createAppender(table);
    for (const row of rows) {
      columns.forEach(([, type], index) => {
        const value = row[index];
        if (value === null || value === undefined) appender.appendNull();
        else if (type === 'VARCHAR') appender.appendVarchar(String(value));
        else if (type === 'INTEGER') appender.appendInteger(Number(value));
        else if (type === 'BIGINT') appender.appendBigInt(BigInt(value as number));
        else if (type === 'DOUBLE') appender.appendDouble(Number(value));
        else appender.appendBoolean(Boolean(value));
      });
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }

  /** Drops every table, view and type whose name starts with `prefix`. */
  async dropPrefix(prefix: string): Promise<void> {
    const pattern = sqlString(`${prefix}\\_%`);
    for (const { name } of await this.rows<{ name: string }>(`SELECT view_name AS name FROM duckdb_views() WHERE view_name LIKE ${pattern} ESCAPE '\\' AND NOT internal`)) {
      await this.run(`DROP VIEW IF EXISTS "${name}"`);
    }
    for (const { name } of await this.rows<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE table_name LIKE ${pattern} ESCAPE '\\'`)) {
      await this.run(`DROP TABLE IF EXISTS "${name}"`);
    }
    for (const { name } of await this.rows<{ name: string }>(`SELECT type_name AS name FROM duckdb_types() WHERE type_name LIKE ${pattern} ESCAPE '\\' AND NOT internal`)) {
      await this.run(`DROP TYPE IF EXISTS "${name}"`);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
