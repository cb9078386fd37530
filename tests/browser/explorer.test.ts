// The data explorer against the built site: filters through the UI and through a URL give the
// count that DuckDB in Node computes from the same Parquet file, Back and Forward replay states,
// every download contains exactly the filtered rows, the SQL console rejects writes and reports
// errors, the page works by keyboard, axe-core finds no serious violation, and pages other than
// the explorer never load DuckDB-WASM.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { APPEAL_COLUMNS } from '../../etl/schema.ts';
import type {} from '../../site/src/lib/explorer-hook.ts';
import { openBrowser, VIEWPORTS, waitForInteractiveMap, type BrowserSession } from './browser.ts';

const baseUrl = inject('baseUrl');
const sessions: BrowserSession[] = [];
let work: string;
let appealsPath: string;
let snapshotId: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

/** A district and a status that the test snapshot has, read from it in beforeAll. */
let district: string;
const STATUS = 'resolved';
/** A range of creation dates in Moscow time, and the same range as UTC instants. */
const FROM = '2020-12-01';
const TO = '2021-01-31';
const FROM_UTC = '2020-11-30 21:00:00+00';
const TO_EXCLUSIVE_UTC = '2021-01-31 21:00:00+00';

async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(text);
  return reader.getRowObjectsJS() as T[];
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Counts appeals in the Parquet file under SQL conditions, independently of the site's code. */
async function countWhere(conditions: string[]): Promise<number> {
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [row] = await sql<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${quote(appealsPath)}) ${where}`);
  return row.n;
}

const districtCondition = () => `district = ${quote(district)}`;
const statusCondition = `status = ${quote(STATUS)}`;
const dateConditions = [`created_at >= TIMESTAMPTZ '${FROM_UTC}'`, `created_at < TIMESTAMPTZ '${TO_EXCLUSIVE_UTC}'`];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'open-district-explorer-test-'));
  const latest = (await (await fetch(`${baseUrl}/snapshots/latest.json`)).json()) as { snapshot: string };
  snapshotId = latest.snapshot;
  const response = await fetch(`${baseUrl}/snapshots/${snapshotId}/appeals.parquet`);
  appealsPath = path.join(work, 'appeals.parquet');
  fs.writeFileSync(appealsPath, Buffer.from(await response.arrayBuffer()));

  instance = await DuckDBInstance.create(':memory:', { autoload_known_extensions: 'false', autoinstall_known_extensions: 'false' });
  connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  // The district with the most resolved appeals in December and January, so every filter below
  // keeps more than one page of rows.
  const [top] = await sql<{ district: string }>(
    `SELECT district FROM read_parquet(${quote(appealsPath)}) WHERE ${statusCondition} AND ${dateConditions.join(' AND ')} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  );
  district = top.district;
});

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  fs.rmSync(work, { recursive: true, force: true });
});

async function open(options?: Parameters<typeof openBrowser>[0]): Promise<BrowserSession> {
  const session = await openBrowser(options);
  sessions.push(session);
  return session;
}

afterEach(async () => {
  const closing = sessions.splice(0);
  for (const session of closing) {
    expect(session.foreignRequests).toEqual([]);
    expect(session.consoleErrors).toEqual([]);
  }
  await Promise.all(closing.map((session) => session.close()));
});

/** Waits until the explorer has rendered its first views and returns the matching row count. */
async function waitForExplorer(page: Page): Promise<number> {
  await page.waitForFunction(() => window.__openDistrictExplorer?.ready === true || window.__openDistrictExplorer?.error !== undefined, null, { timeout: 45_000 });
  const hook = await page.evaluate(() => window.__openDistrictExplorer!);
  expect(hook.error).toBeUndefined();
  return Number(await page.getAttribute('[data-count]', 'data-count'));
}

/** Waits for the update after an action and returns the new count. */
async function countAfter(page: Page, action: () => Promise<unknown>): Promise<number> {
  const before = await page.evaluate(() => window.__openDistrictExplorer!.updates);
  await action();
  await page.waitForFunction((updates) => window.__openDistrictExplorer!.updates > updates, before, { timeout: 20_000 });
  return Number(await page.getAttribute('[data-count]', 'data-count'));
}

function explorerUrl(params: Record<string, string>): string {
  return `${baseUrl}/explorer/?${new URLSearchParams({ snapshot: snapshotId, ...params }).toString()}`;
}

describe('explorer filters', () => {
  test('UI filters match Parquet count', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/`);
    expect(await waitForExplorer(page)).toBe(await countWhere([]));
    expect(new URL(page.url()).searchParams.get('snapshot')).toBe(snapshotId);

    const afterDistrict = await countAfter(page, () => page.locator(`[data-facet="district"] input[value="${district}"]`).check());
    expect(afterDistrict).toBe(await countWhere([districtCondition()]));

    const afterStatus = await countAfter(page, () => page.locator(`[data-facet="status"] input[value="${STATUS}"]`).check());
    expect(afterStatus).toBe(await countWhere([districtCondition(), statusCondition]));
    expect(await page.textContent('[data-page-position]')).toContain(new Intl.NumberFormat('ru-RU').format(afterStatus));

    const url = new URL(page.url());
    expect(url.searchParams.getAll('district')).toEqual([district]);
    expect(url.searchParams.getAll('status')).toEqual([STATUS]);
  });

  test('URL reproduces count and table page', async () => {
    const { page } = await open();
    await page.goto(explorerUrl({ district, status: STATUS, from: FROM, to: TO, sort: 'days_to_first_answer', page: '2' }));
    const expected = await countWhere([districtCondition(), statusCondition, ...dateConditions]);
    expect(await waitForExplorer(page)).toBe(expected);

    expect(await page.isChecked(`[data-facet="district"] input[value="${district}"]`)).toBe(true);
    expect(await page.inputValue('[data-date="from"]')).toBe(FROM);
    expect(await page.getAttribute('th[data-column="days_to_first_answer"]', 'aria-sort')).toBe('ascending');

    const firstIds = await page.$$eval('[data-table-body] button[data-appeal]', (buttons) => buttons.map((button) => (button as HTMLElement).dataset.appeal));
    // Ties on the sort column keep creation order, then source and appeal id.
    const expectedIds = await sql<{ appeal_id: string }>(
      `SELECT appeal_id FROM read_parquet(${quote(appealsPath)}) WHERE ${[districtCondition(), statusCondition, ...dateConditions].join(' AND ')}
       ORDER BY days_to_first_answer ASC NULLS LAST, created_at, source, appeal_id LIMIT 50 OFFSET 50`,
    );
    expect(firstIds).toEqual(expectedIds.map((row) => row.appeal_id));
  });

  test('Back and Forward replay states', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/`);
    await waitForExplorer(page);
    const districtOnly = await countAfter(page, () => page.locator(`[data-facet="district"] input[value="${district}"]`).check());
    const withStatus = await countAfter(page, () => page.locator(`[data-facet="status"] input[value="${STATUS}"]`).check());
    expect(withStatus).toBeLessThan(districtOnly);

    expect(await countAfter(page, () => page.goBack())).toBe(districtOnly);
    expect(new URL(page.url()).searchParams.getAll('status')).toEqual([]);
    expect(await page.isChecked(`[data-facet="status"] input[value="${STATUS}"]`)).toBe(false);

    expect(await countAfter(page, () => page.goForward())).toBe(withStatus);
    expect(await page.isChecked(`[data-facet="status"] input[value="${STATUS}"]`)).toBe(true);
  });

  test('map click filters by district', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/`);
    await waitForExplorer(page);
    await page.waitForFunction(() => window.__openDistrictExplorer!.mapReady, null, { timeout: 30_000 });
    await page.getByTestId('explorer-map').scrollIntoViewIfNeeded();
    const point = await page.evaluate((name) => window.__openDistrictExplorer!.districtScreenPoint(name), district);
    expect(point).not.toBeNull();

    const count = await countAfter(page, () => page.mouse.click(point!.x, point!.y));

    expect(new URL(page.url()).searchParams.getAll('district')).toEqual([district]);
    expect(count).toBe(await countWhere([districtCondition()]));
  });

  test('newest appeals come first by default', async () => {
    const { page } = await open();
    await page.goto(explorerUrl({ district, page: '2' }));
    await waitForExplorer(page);

    const ids = await page.$$eval('[data-table-body] button[data-appeal]', (buttons) => buttons.map((button) => (button as HTMLElement).dataset.appeal));
    const expected = await sql<{ appeal_id: string }>(
      `SELECT appeal_id FROM read_parquet(${quote(appealsPath)}) WHERE ${districtCondition()} ORDER BY created_at DESC, source, appeal_id LIMIT 50 OFFSET 50`,
    );
    expect(ids).toEqual(expected.map((row) => row.appeal_id));
  });

  test('row detail shows the status events', async () => {
    const { page } = await open();
    await page.goto(explorerUrl({ district, status: STATUS }));
    await waitForExplorer(page);
    const appealId = (await page.getAttribute('[data-table-body] button[data-appeal]', 'data-appeal'))!;
    await page.click(`[data-table-body] button[data-appeal="${appealId}"]`);
    await page.waitForSelector(`[data-appeal-dialog][data-loaded="${appealId}"]`, { timeout: 20_000 });

    const eventsPath = path.join(work, 'status_events.parquet');
    if (!fs.existsSync(eventsPath)) fs.writeFileSync(eventsPath, Buffer.from(await (await fetch(`${baseUrl}/snapshots/${snapshotId}/status_events.parquet`)).arrayBuffer()));
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${quote(eventsPath)}) WHERE appeal_id = ${quote(appealId)}`);
    expect(await page.locator('[data-testid="appeal-timeline"] li').count()).toBe(n);
    expect(n).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('appeal')).toBe(appealId);
  });

  test('missing snapshot id is reported', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/?snapshot=2000-01-01&status=resolved`);
    await page.waitForFunction(() => window.__openDistrictExplorer?.snapshotGone === true, null, { timeout: 20_000 });
    const notice = page.getByTestId('snapshot-gone');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('2000-01-01');
    const link = await notice.locator('a').getAttribute('href');
    expect(link).toContain(`snapshot=${snapshotId}`);
    expect(link).toContain('status=resolved');
  });
});

describe('explorer downloads', () => {
  const filter = () => ({ district, status: STATUS, from: FROM, to: TO });

  async function download(page: Page, selector: string): Promise<{ name: string; path: string }> {
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(selector)]);
    const target = path.join(work, file.suggestedFilename());
    await file.saveAs(target);
    return { name: file.suggestedFilename(), path: target };
  }

  /** Parses RFC 4180 CSV text into rows of fields. */
  function parseCsv(text: string, separator: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    for (let index = 0; index < text.length; index++) {
      const char = text[index];
      if (quoted) {
        if (char === '"' && text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else if (char === '"') quoted = false;
        else field += char;
      } else if (char === '"') quoted = true;
      else if (char === separator) {
        row.push(field);
        field = '';
      } else if (char === '\n' || char === '\r') {
        if (char === '\r' && text[index + 1] === '\n') index += 1;
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
      } else field += char;
    }
    if (field !== '' || row.length > 0) rows.push([...row, field]);
    return rows;
  }

  test('each format holds the filtered rows', async () => {
    const { page } = await open();
    await page.goto(explorerUrl(filter()));
    const shown = await waitForExplorer(page);
    const conditions = [districtCondition(), statusCondition, ...dateConditions];
    expect(shown).toBe(await countWhere(conditions));
    const expectedIds = (await sql<{ appeal_id: string }>(`SELECT appeal_id FROM read_parquet(${quote(appealsPath)}) WHERE ${conditions.join(' AND ')}`))
      .map((row) => row.appeal_id)
      .sort();
    // The published file's own columns, which follow APPEAL_COLUMNS of the ETL that wrote it.
    const columns = (await sql<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${quote(appealsPath)})`)).map((row) => row.column_name);
    expect(columns).toEqual(expect.arrayContaining(APPEAL_COLUMNS.slice(0, 4).map((column) => column.name)));

    const csv = await download(page, '[data-download="csv"]');
    expect(csv.name).toMatch(new RegExp(`^appeals_${snapshotId}_district-[A-Za-z-]+_status-resolved_from-${FROM}_to-${TO}\\.csv$`));
    const csvText = fs.readFileSync(csv.path, 'utf8');
    expect(csvText.charCodeAt(0)).not.toBe(0xfeff);
    const csvRows = parseCsv(csvText, ',');
    expect(csvRows[0]).toEqual(columns);
    expect(csvRows.slice(1).map((row) => row[0]).sort()).toEqual(expectedIds);
    const createdAt = columns.indexOf('created_at');
    expect(csvRows.slice(1).every((row) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(row[createdAt]))).toBe(true);

    const excel = await download(page, '[data-download="excel"]');
    expect(excel.name.endsWith('.excel.csv')).toBe(true);
    const excelBytes = fs.readFileSync(excel.path);
    expect([...excelBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const excelText = excelBytes.toString('utf8').slice(1);
    expect(excelText.split('\r\n').length - 1).toBe(expectedIds.length + 1);
    expect(excelText.replace(/\r\n/g, '')).not.toContain('\n');
    const excelRows = parseCsv(excelText, ';');
    expect(excelRows[0]).toEqual(columns);
    const daysOpen = columns.indexOf('days_open');
    expect(excelRows.slice(1).every((row) => /^\d+(,\d+)?$/.test(row[daysOpen]))).toBe(true);
    expect(excelRows.slice(1).some((row) => row[daysOpen].includes(','))).toBe(true);
    expect(excelRows.slice(1).map((row) => row[0]).sort()).toEqual(expectedIds);

    const parquet = await download(page, '[data-download="parquet"]');
    expect(parquet.name.endsWith('.parquet')).toBe(true);
    const parquetIds = (await sql<{ appeal_id: string }>(`SELECT appeal_id FROM read_parquet(${quote(parquet.path)})`)).map((row) => row.appeal_id).sort();
    expect(parquetIds).toEqual(expectedIds);
    const parquetColumns = (await sql<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${quote(parquet.path)})`)).map((row) => row.column_name);
    expect(parquetColumns).toEqual(columns);

    const geojson = await download(page, '[data-download="geojson"]');
    const collection = JSON.parse(fs.readFileSync(geojson.path, 'utf8')) as { type: string; features: { geometry: { coordinates: number[] }; properties: { appeal_id: string } }[] };
    expect(collection.type).toBe('FeatureCollection');
    const withPoints = await countWhere([...conditions, 'latitude IS NOT NULL', 'longitude IS NOT NULL']);
    expect(collection.features).toHaveLength(withPoints);
    expect(collection.features.every((feature) => feature.geometry.coordinates.length === 2)).toBe(true);
    expect(collection.features.every((feature) => /T\d{2}:\d{2}/.test(String((feature.properties as Record<string, unknown>).created_at)))).toBe(true);

    const byDistrict = await download(page, '[data-chart-download="by-district"]');
    expect(byDistrict.name.startsWith(`by-district_${snapshotId}_`)).toBe(true);
    const districtRows = parseCsv(fs.readFileSync(byDistrict.path, 'utf8'), ',');
    const row = districtRows.find((candidate) => candidate[0] === district);
    expect(Number(row?.[1])).toBe(await countWhere([statusCondition, ...dateConditions, districtCondition()]));
  });

  test('citation names snapshot and checksum', async () => {
    const { page } = await open();
    await page.goto(explorerUrl(filter()));
    await waitForExplorer(page);
    const manifest = (await (await fetch(`${baseUrl}/snapshots/${snapshotId}/manifest.json`)).json()) as { files: { path: string; sha256: string }[] };
    const sha256 = manifest.files.find((file) => file.path === 'appeals.parquet')!.sha256;

    await page.click('[data-cite]');

    const text = await page.inputValue('[data-cite-text]');
    expect(text).toContain(snapshotId);
    expect(text).toContain(sha256);
    expect(text).toContain(decodeURI(page.url()));
    expect(await page.isVisible('[data-cite-text]')).toBe(true);
  });

  /** Opens the explorer with the filter, runs a query in its console and waits for the result. */
  async function consoleResult(sql: string): Promise<Page> {
    const { page } = await open();
    await page.goto(explorerUrl(filter()));
    await waitForExplorer(page);
    await page.fill('[data-sql-text]', sql);
    await page.click('[data-sql-run]');
    await page.waitForSelector('[data-testid="sql-result"]');
    return page;
  }

  test('citation names the source of the data', async () => {
    const { page } = await open();
    await page.goto(explorerUrl(filter()));
    await waitForExplorer(page);
    await page.click('[data-cite]');
    expect(await page.inputValue('[data-cite-text]')).toContain('По данным портала «Наш Санкт-Петербург»');
  });

  test('a failed query removes the previous result', async () => {
    const page = await consoleResult('SELECT count(*) AS n FROM appeals');
    await page.fill('[data-sql-text]', 'SELECT count(* FROM appeals');
    await page.click('[data-sql-run]');
    await page.waitForSelector('[data-sql-error]:not([hidden])');
    expect(await page.locator('[data-testid="sql-result"]').count()).toBe(0);
  });

  test('the console shows an instant with its time in UTC', async () => {
    const page = await consoleResult("SELECT created_at FROM appeals WHERE appeal_id = '3378655'");
    expect(await page.locator('[data-testid="sql-result"] td').first().textContent()).toBe('2021-04-22 22:42:47.548 UTC');
  });

  test('a start date after the end date clears the end', async () => {
    const { page } = await open();
    await page.goto(explorerUrl({ from: '2020-11-01', to: '2020-11-30' }));
    await waitForExplorer(page);
    await page.fill('[data-date="from"]', '2021-03-01');
    await page.locator('[data-date="from"]').dispatchEvent('change');
    await page.waitForURL((url) => url.searchParams.get('from') === '2021-03-01');
    expect(new URL(page.url()).searchParams.get('to')).toBeNull();
  });
});

describe('explorer SQL console', () => {
  async function runQuery(page: Page, query: string): Promise<void> {
    await page.fill('[data-sql-text]', query);
    await page.click('[data-sql-run]');
  }

  test('rejects writes and file reads', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/`);
    await waitForExplorer(page);
    const error = page.getByTestId('sql-error');

    await runQuery(page, 'DROP TABLE explorer_facts');
    await expect.poll(() => error.textContent()).toContain('DROP');
    expect(await error.textContent()).toContain('SELECT');

    await runQuery(page, "SELECT * FROM read_csv('http://127.0.0.1:1/x.csv')");
    await expect.poll(() => error.textContent()).toContain('read_csv');

    await runQuery(page, "COPY appeals TO 'out.csv'");
    await expect.poll(() => error.textContent()).toContain('COPY');

    await runQuery(page, 'SELECT 1; DROP VIEW appeals');
    await expect.poll(() => error.textContent()).toContain(';');

    // The rejected statements never reached the engine, so the views still return rows.
    await runQuery(page, 'SELECT count(*) AS n FROM appeals');
    await expect.poll(() => page.getByTestId('sql-result').locator('td').first().textContent()).toBe(String(await countWhere([])));
    expect(await error.isHidden()).toBe(true);
  });

  test('shows engine error text', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/`);
    await waitForExplorer(page);

    await runQuery(page, 'SELECT no_such_column FROM appeals');

    const error = page.getByTestId('sql-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toContain('no_such_column');
  });

  test('query from URL runs and limits rows', async () => {
    const { page } = await open();
    await page.goto(explorerUrl({ sql: 'SELECT appeal_id FROM appeals' }));
    await waitForExplorer(page);
    await expect.poll(() => page.getByTestId('sql-result').locator('tbody tr').count(), { timeout: 20_000 }).toBe(200);
    expect(await page.textContent('[data-sql-status]')).toContain('200');
  });
});

describe('explorer accessibility', () => {
  /** Presses Tab until the focused element matches a selector; returns false after `limit` presses. */
  async function tabTo(page: Page, selector: string, limit = 200): Promise<boolean> {
    for (let presses = 0; presses < limit; presses++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((target) => document.activeElement?.matches(target) ?? false, selector)) return true;
    }
    return false;
  }

  test('filters and table by keyboard', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/explorer/`);
    const total = await waitForExplorer(page);

    expect(await tabTo(page, '[data-facet="status"] input')).toBe(true);
    const focusedValue = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    const filtered = await countAfter(page, () => page.keyboard.press('Space'));
    expect(filtered).toBeLessThan(total);
    expect(filtered).toBe(await countWhere([`status = ${quote(focusedValue)}`]));
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe(focusedValue);

    expect(await tabTo(page, 'button[data-sort="appeal_id"]')).toBe(true);
    await countAfter(page, () => page.keyboard.press('Enter')).catch(() => undefined);
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('appeal_id');

    expect(await tabTo(page, '[data-table-body] button[data-appeal]')).toBe(true);
    const appealId = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.appeal);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-appeal-dialog]').getAttribute('data-loaded')).toBe(appealId);
    expect(await page.locator('[data-testid="appeal-timeline"] li').count()).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('appeal')).toBe(appealId);

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-appeal-dialog]').isVisible()).toBe(false);
    // The dialog's close event, which writes the URL, fires in a task after the dialog hides.
    await expect.poll(() => new URL(page.url()).searchParams.get('appeal')).toBeNull();
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.appeal)).toBe(appealId);
  });

  for (const [locale, prefix] of [
    ['ru', ''],
    ['en', '/en'],
  ] as const) {
    test(`axe finds no serious violations (${locale})`, async () => {
      const session = await open();
      await session.page.goto(`${baseUrl}${prefix}/explorer/?${new URLSearchParams({ district, status: STATUS }).toString()}`);
      await waitForExplorer(session.page);
      await session.page.waitForFunction(() => window.__openDistrictExplorer!.mapReady, null, { timeout: 30_000 });

      const results = await new AxeBuilder({ page: session.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);

      const appeal = await session.page.getAttribute('[data-table-body] button[data-appeal]', 'data-appeal');
      await session.page.click('[data-table-body] button[data-appeal]');
      await expect.poll(() => session.page.locator('[data-appeal-dialog]').getAttribute('data-loaded')).toBe(appeal);
      const dialogResults = await new AxeBuilder({ page: session.page }).include('[data-appeal-dialog]').withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(dialogResults.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id)).toEqual([]);
    });
  }

  test('phone layout has no horizontal overflow', async () => {
    const { page } = await open({ viewport: VIEWPORTS.phone });
    await page.goto(`${baseUrl}/en/explorer/`);
    await waitForExplorer(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

describe('explorer isolation', () => {
  test('home and district pages load no WebAssembly', async () => {
    const { page } = await open();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${baseUrl}/`);
    await waitForInteractiveMap(page);
    const slug = await page.getAttribute('[data-testid="district-link"]', 'data-slug');
    await page.goto(`${baseUrl}/districts/${slug}/`);
    await page.waitForLoadState('networkidle');

    expect(requested.filter((url) => url.endsWith('.wasm') || url.includes('duckdb'))).toEqual([]);
  });

  test('explorer page has CSP and reads Parquet by range', async () => {
    const { page } = await open();
    const ranges: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('.parquet')) ranges.push(request.headers()['range'] ?? 'none');
    });
    await page.goto(`${baseUrl}/explorer/`);
    await waitForExplorer(page);

    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((range) => range.startsWith('bytes='))).toBe(true);
  });
});
