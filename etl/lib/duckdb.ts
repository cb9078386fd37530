// One place that opens DuckDB for the ETL: in memory, with extension autoloading off so that a
// missing extension fails at once instead of reaching for the network.

import { DuckDBInstance, timestampTZValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

import type { ColumnDefinition } from '../schema.ts';

export async function openDatabase(): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return { instance, connection };
}

/** Creates a table whose columns follow a schema definition. */
export async function createTable(connection: DuckDBConnection, table: string, columns: readonly ColumnDefinition[]): Promise<void> {
  const definitions = columns.map((column) => `"${column.name}" ${column.type}${column.nullable ? '' : ' NOT NULL'}`);
  await connection.run(`CREATE TABLE ${table} (${definitions.join(', ')})`);
}

/** Appends objects to a table in schema order; instants are epoch milliseconds. */
export async function appendRows(connection: DuckDBConnection, table: string, columns: readonly ColumnDefinition[], rows: Iterable<Record<string, unknown>>): Promise<number> {
  const appender = await connection.createAppender(table);
  let count = 0;
  for (const row of rows) {
    for (const column of columns) appendValue(appender, column, row[column.name]);
    appender.endRow();
    count += 1;
  }
  appender.flushSync();
  appender.closeSync();
  return count;
}

/** Appends one value of a schema column; an instant is epoch milliseconds, rounded to whole ones. */
export function appendValue(appender: DuckDBAppender, column: ColumnDefinition, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (column.type) {
    case 'VARCHAR':
      appender.appendVarchar(String(value));
      break;
    case 'INTEGER':
      appender.appendInteger(Number(value));
      break;
    case 'DOUBLE':
      appender.appendDouble(Number(value));
      break;
    case 'BOOLEAN':
      appender.appendBoolean(Boolean(value));
      break;
    case 'TIMESTAMPTZ':
      appender.appendTimestampTZ(timestampTZValue(BigInt(Math.round(Number(value))) * 1000n));
      break;
    case 'DATE':
      appender.appendVarchar(String(value));
      break;
  }
}

/** Quotes a string as an SQL literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
