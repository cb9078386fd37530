// The explorer's read-only SQL console: checks a query with `checkReadOnly`, streams at most
// DISPLAY_LIMIT rows of its result into a table, shows DuckDB's error text when it fails, and can
// cancel a running query.

import type { ExplorerConfig } from '../lib/explorer-config.ts';
// Type-only import: the engine's module loads lazily, after the page's first script.
import type { ExplorerDatabase, QueryResult } from '../lib/duckdb-client.ts';
import { fillTemplate, type ExplorerMessageKey } from '../lib/explorer-i18n.ts';
import { checkReadOnly } from '../lib/explorer-sql.ts';
import type { Formatters } from '../lib/format.ts';

/** Rows shown of a result; the rest is not read from the engine. */
export const DISPLAY_LIMIT = 200;

export interface ConsoleController {
  setDatabase(db: ExplorerDatabase): void;
  /** Puts a query from the URL into the box and runs it once the engine is ready. */
  load(sql: string | null): void;
}

/**
 * Formats a result value. Instants are written in UTC, as the engine stores them, marked "UTC".
 * Fractions keep six digits, which hides binary floating-point noise (7.9617035000000005), with the
 * page's decimal sign and no grouping, so that years and ids read as written.
 */
function formatValue(value: unknown, kind: string, numbers: Intl.NumberFormat): string {
  if (value === null || value === undefined) return 'NULL';
  if (kind === 'timestamp' && typeof value === 'number') return new Date(value).toISOString().replace('T', ' ').replace('Z', ' UTC');
  if (kind === 'date' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (kind === 'number' && typeof value === 'number' && !Number.isInteger(value)) return numbers.format(value);
  return String(value);
}

function renderResult(container: HTMLElement, result: QueryResult, numbers: Intl.NumberFormat): void {
  const table = document.createElement('table');
  table.dataset.testid = 'sql-result';
  const head = document.createElement('tr');
  for (const column of result.columns) {
    const th = Object.assign(document.createElement('th'), { scope: 'col', textContent: column.name, title: column.type });
    if (column.kind === 'number') th.className = 'numeric';
    head.append(th);
  }
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const row of result.rows) {
    const tr = document.createElement('tr');
    result.columns.forEach((column, index) => {
      const td = Object.assign(document.createElement('td'), { textContent: formatValue(row[index], column.kind, numbers) });
      if (column.kind === 'number') td.className = 'numeric';
      if (row[index] === null) td.classList.add('null');
      tr.append(td);
    });
    body.append(tr);
  }
  container.replaceChildren(table);
  container.hidden = false;
}

export function setupConsole(root: HTMLElement, config: ExplorerConfig, formatters: Formatters, onRun: (sql: string) => void): ConsoleController {
  const section = root.querySelector<HTMLElement>('[data-sql-console]')!;
  const text = section.querySelector<HTMLTextAreaElement>('[data-sql-text]')!;
  const runButton = section.querySelector<HTMLButtonElement>('[data-sql-run]')!;
  const cancelButton = section.querySelector<HTMLButtonElement>('[data-sql-cancel]')!;
  const status = section.querySelector<HTMLElement>('[data-sql-status]')!;
  const errorBox = section.querySelector<HTMLElement>('[data-sql-error]')!;
  const result = section.querySelector<HTMLElement>('[data-sql-result]')!;
  const s = config.strings;
  let db: ExplorerDatabase | null = null;
  let pending: string | null = null;
  let running = false;
  let cancelling = false;

  const numbers = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 6, useGrouping: false });
  // A failed query removes the previous result, so that no figure of an earlier query stays on
  // screen under the error as if it were this query's result.
  const showError = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    result.replaceChildren();
    result.hidden = true;
  };

  async function run(): Promise<void> {
    const sql = text.value;
    errorBox.hidden = true;
    if (!db) {
      status.textContent = s['sql.notReady'];
      pending = sql;
      return;
    }
    const verdict = checkReadOnly(sql);
    if (!verdict.ok) {
      status.textContent = '';
      showError(fillTemplate(s[`sql.reject.${verdict.reason}` as ExplorerMessageKey], { word: verdict.detail }));
      return;
    }
    if (running) return;
    running = true;
    cancelling = false;
    runButton.disabled = true;
    cancelButton.disabled = false;
    status.textContent = s['sql.running'];
    onRun(sql);
    const started = performance.now();
    try {
      const output = await db.stream(sql, DISPLAY_LIMIT);
      renderResult(result, output, numbers);
      const rowsText = fillTemplate(s['sql.rows'], { count: formatters.integer(output.rows.length), ms: formatters.integer(performance.now() - started) });
      status.textContent = output.truncated ? `${rowsText} ${fillTemplate(s['sql.truncated'], { limit: DISPLAY_LIMIT })}` : rowsText;
    } catch (error) {
      if (cancelling || (error instanceof Error && error.name === 'QueryCancelledError')) {
        status.textContent = status.textContent === s['sql.restarted'] ? s['sql.restarted'] : s['sql.cancelled'];
      } else {
        status.textContent = '';
        showError(fillTemplate(s['sql.error'], { message: error instanceof Error ? error.message : String(error) }));
      }
    } finally {
      running = false;
      runButton.disabled = false;
      cancelButton.disabled = true;
    }
  }

  runButton.addEventListener('click', () => void run());
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  });
  cancelButton.addEventListener('click', async () => {
    if (!db || !running) return;
    cancelling = true;
    cancelButton.disabled = true;
    const outcome = await db.cancel();
    status.textContent = outcome === 'restarted' ? s['sql.restarted'] : s['sql.cancelled'];
  });
  section.querySelectorAll<HTMLButtonElement>('[data-example]').forEach((button) => {
    button.addEventListener('click', () => {
      const example = config.examples[Number(button.dataset.example)];
      if (!example) return;
      text.value = example.sql;
      text.focus();
    });
  });

  return {
    setDatabase(database) {
      db = database;
      if (pending !== null) {
        pending = null;
        void run();
      }
    },
    load(sql) {
      if (sql === null) return;
      text.value = sql;
      pending = sql;
      if (db) {
        pending = null;
        void run();
      }
    },
  };
}
