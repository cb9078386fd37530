// Site benchmark (`npm run bench:site`): writes a SYNTHETIC snapshot of 1,000,000 appeals shaped
// like the real one into a temporary folder, builds the site from it (or reuses that build),
// serves it on 127.0.0.1, drives headless Chromium and prints:
// - the explorer's cold start (WebAssembly, views, facts table, first rendered views);
// - filter change to all views updated, median and p95 over 50 changes made through the UI;
// - bytes transferred until the explorer is ready, and whether Parquet was read by range requests;
// - one aggregate query's time in the browser and in native DuckDB (@duckdb/node-api), and the ratio;
// - the home page's gzip bytes of HTML, JS and data before its SVG map paints, against the target,
//   and until MapLibre's map has replaced the SVG, for information.
//
// Options: --rows N (default 1000000), --seed N, --changes N (default 50), --row-group-size N,
// --order "SQL ORDER BY list", --out DIR (default $TMPDIR/open-district-bench-site), --reuse
// (keep the synthetic data of an earlier run with the same options; the site is always rebuilt),
// --json FILE.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openDatabase } from '../etl/lib/duckdb.ts';
import { dictionaryFromLists, facetQuery, medianQuery, setupStatements } from '../site/src/lib/explorer-sql.ts';
import { defaultState } from '../site/src/lib/url-state.ts';
import type {} from '../site/src/lib/explorer-hook.ts';
import { INTERACTIVE_MAP_READY_MARK, MAP_PAINTED_MARK } from '../site/src/lib/test-hook.ts';
import { DEFAULT_ORDER, writeSyntheticSnapshot } from './site-synthetic.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
/** nginx's `gzip_comp_level` most sites set; the default of 1 compresses less. */
const GZIP_LEVEL = 6;
const TARGETS = { filterMedianMs: 150, filterP95Ms: 300, nativeRatio: 3, coldStartMs: 3000, homeGzipBytes: 350 * 1024 };

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '20261204' },
    changes: { type: 'string', default: '50' },
    'row-group-size': { type: 'string', default: '100000' },
    order: { type: 'string', default: DEFAULT_ORDER },
    out: { type: 'string', default: path.join(os.tmpdir(), 'open-district-bench-site') },
    reuse: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

function log(message: string): void {
  process.stderr.write(`[bench:site] ${message}\n`);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${commandArgs.join(' ')} exited with code ${code}:\n${output.slice(-3000)}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startPreview(dist: string): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'preview', '--ignore-lock', '--outDir', dist, '--host', HOST, '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = `http://${HOST}:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/`)).ok) return { baseUrl, child };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`astro preview did not respond at ${baseUrl} within 30 s; see its output above`);
}

interface Transfer {
  url: string;
  status: number;
  range: string | null;
  bytes: number;
  type: string;
}

/**
 * Records every finished request of a page's context with its encoded body size. Context events
 * include the requests of dedicated workers, where DuckDB-WASM fetches its WebAssembly and reads
 * Parquet.
 */
function recordTransfers(page: Page): Transfer[] {
  const transfers: Transfer[] = [];
  page.context().on('requestfinished', async (request) => {
    const [sizes, response] = await Promise.all([request.sizes().catch(() => null), request.response().catch(() => null)]);
    transfers.push({
      url: request.url(),
      status: response?.status() ?? 0,
      range: request.headers().range ?? null,
      bytes: Math.max(0, sizes?.responseBodySize ?? 0) + Math.max(0, sizes?.responseHeadersSize ?? 0),
      type: request.resourceType(),
    });
  });
  return transfers;
}

function sum(transfers: Transfer[], test: (transfer: Transfer) => boolean): number {
  return transfers.filter(test).reduce((total, transfer) => total + transfer.bytes, 0);
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') log(`console error: ${message.text()}`);
  });
  return page;
}

/** Clicks a checkbox and returns the milliseconds until the explorer's views have all updated. */
async function timeFilterChange(page: Page, selector: string): Promise<number> {
  return page.evaluate(async (target) => {
    const hook = window.__openDistrictExplorer!;
    const before = hook.updates;
    const started = performance.now();
    document.querySelector<HTMLInputElement>(target)!.click();
    while (hook.updates === before) await new Promise((resolve) => setTimeout(resolve, 1));
    return performance.now() - started;
  }, selector);
}

interface HomeResponse {
  url: string;
  type: string;
  raw: number;
  gzip: number;
}

interface HomeBytes {
  jsAndDataGzipBytes: number;
  jsAndDataRawBytes: number;
  cssGzipBytes: number;
  files: string[];
}

function summarizeHome(responses: HomeResponse[], baseUrl: string): HomeBytes {
  const jsAndData = responses.filter((body) => ['document', 'script', 'fetch', 'xhr'].includes(body.type) || /\.(m?js|json|geojson)(\?|$)/.test(body.url));
  return {
    jsAndDataGzipBytes: jsAndData.reduce((total, body) => total + body.gzip, 0),
    jsAndDataRawBytes: jsAndData.reduce((total, body) => total + body.raw, 0),
    cssGzipBytes: responses.filter((body) => body.type === 'stylesheet').reduce((total, body) => total + body.gzip, 0),
    files: jsAndData.map((body) => `${body.url.replace(baseUrl, '')} ${body.gzip}`),
  };
}

/**
 * Opens the home page and sums the gzip sizes of the responses received before the SVG map painted
 * and before MapLibre's map replaced it. A response counts for the first paint when it is the page
 * itself, or when the page's Resource Timing shows it finished before the map's paint mark.
 * Requests of MapLibre's worker are missing from the page's Resource Timing, so they count for the
 * MapLibre map only.
 */
async function measureHomePage(browser: Browser, baseUrl: string) {
  const home = await newPage(browser);
  const responses: HomeResponse[] = [];
  const pending: Promise<void>[] = [];
  let interactiveReady = false;
  home.context().on('response', (response) => {
    if (interactiveReady) return;
    const type = response.request().resourceType();
    pending.push(
      response.body().then(
        (body) => void responses.push({ url: response.url(), type, raw: body.length, gzip: zlib.gzipSync(body, { level: GZIP_LEVEL }).length }),
        // Redirects and aborted requests have no body.
        () => undefined,
      ),
    );
  });
  await home.goto(`${baseUrl}/`);
  await home.waitForFunction(
    () => window.__openDistrict?.interactiveMapReady === true || window.__openDistrict?.interactiveMapError !== undefined,
    null,
    { timeout: 60_000 },
  );
  interactiveReady = true;
  await Promise.all(pending);
  const timing = await home.evaluate(
    ([paintedMark, readyMark]) => ({
      mapPaintedMs: performance.getEntriesByName(paintedMark)[0]?.startTime ?? null,
      interactiveMapReadyMs: performance.getEntriesByName(readyMark)[0]?.startTime ?? null,
      interactiveMapError: window.__openDistrict?.interactiveMapError ?? null,
      resources: performance.getEntriesByType('resource').map((entry) => ({ url: entry.name, responseEnd: (entry as PerformanceResourceTiming).responseEnd })),
    }),
    [MAP_PAINTED_MARK, INTERACTIVE_MAP_READY_MARK],
  );
  await home.context().close();
  if (timing.mapPaintedMs === null) throw new Error(`The home page set no ${MAP_PAINTED_MARK} mark`);

  const finishedBeforePaint = new Set(timing.resources.filter((entry) => entry.responseEnd <= timing.mapPaintedMs!).map((entry) => entry.url));
  const beforePaint = responses.filter((body) => body.type === 'document' || finishedBeforePaint.has(body.url));
  return {
    mapPaintedMs: timing.mapPaintedMs,
    interactiveMapReadyMs: timing.interactiveMapReadyMs,
    interactiveMapError: timing.interactiveMapError,
    requestedWasm: responses.some((body) => body.url.endsWith('.wasm')),
    firstPaint: summarizeHome(beforePaint, baseUrl),
    interactive: summarizeHome(responses, baseUrl),
  };
}

async function main(): Promise<void> {
  const rows = Number(args.rows);
  const seed = Number(args.seed);
  const changes = Number(args.changes);
  const rowGroupSize = Number(args['row-group-size']);
  const outDir = path.resolve(args.out!);
  const snapshotsDir = path.join(outDir, 'snapshots');
  const dist = path.join(outDir, 'dist');
  const paramsFile = path.join(outDir, 'params.json');
  const params = JSON.stringify({ rows, seed, rowGroupSize, order: args.order });

  const realDir = path.resolve(ROOT, process.env.OPEN_DISTRICT_SNAPSHOTS ?? 'snapshots');
  const realId = JSON.parse(fs.readFileSync(path.join(realDir, 'latest.json'), 'utf8')).snapshot as string;
  const reusable = args.reuse && fs.existsSync(paramsFile) && fs.readFileSync(paramsFile, 'utf8') === params;

  let snapshotId: string;
  if (reusable) {
    snapshotId = JSON.parse(fs.readFileSync(path.join(snapshotsDir, 'latest.json'), 'utf8')).snapshot;
    log(`reusing the synthetic snapshot in ${snapshotsDir}`);
  } else {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(snapshotsDir, { recursive: true });
    const started = performance.now();
    log(`writing ${rows} SYNTHETIC appeals sampled from snapshot ${realId} (seed ${seed}) into ${snapshotsDir}`);
    ({ id: snapshotId } = await writeSyntheticSnapshot({ realSnapshot: path.join(realDir, realId), outDir: snapshotsDir, rows, seed, rowGroupSize, orderBy: args.order! }));
    log(`synthetic snapshot written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    fs.writeFileSync(paramsFile, params);
  }
  log(`building the site into ${dist}`);
  fs.rmSync(dist, { recursive: true, force: true });
  await run(process.execPath, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', dist], { OPEN_DISTRICT_SNAPSHOTS: snapshotsDir, ASTRO_TELEMETRY_DISABLED: '1' });
  const snapshotDir = path.join(snapshotsDir, snapshotId);
  const appealsBytes = fs.statSync(path.join(snapshotDir, 'appeals.parquet')).size;

  const { baseUrl, child } = await startPreview(dist);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // ---- Explorer cold start and bytes ------------------------------------------------------
    const page = await newPage(browser);
    const transfers = recordTransfers(page);
    await page.goto(`${baseUrl}/explorer/?snapshot=${snapshotId}`);
    await page.waitForFunction(() => window.__openDistrictExplorer?.ready === true || window.__openDistrictExplorer?.error !== undefined, null, { timeout: 300_000 });
    const hook = await page.evaluate(() => ({ ...window.__openDistrictExplorer!, sincePageStart: performance.now() }));
    if (hook.error) throw new Error(`The explorer failed: ${hook.error}`);
    const startTransfers = [...transfers];
    const parquet = startTransfers.filter((transfer) => /\.parquet(\?|$)/.test(transfer.url));
    const coldStart = {
      startTimings: hook.startTimings,
      engineImportToFirstViewsMs: hook.coldStartMs!,
      engineStartMs: hook.engineStartMs!,
      pageOpenToFirstViewsMs: hook.sincePageStart,
      count: hook.count,
    };
    const bytes = {
      total: sum(startTransfers, () => true),
      wasm: sum(startTransfers, (transfer) => transfer.url.endsWith('.wasm')),
      parquet: sum(startTransfers, (transfer) => transfer.url.endsWith('.parquet')),
      appealsParquet: sum(parquet, (transfer) => transfer.url.includes('/appeals.parquet')),
      appealsParquetFile: appealsBytes,
      factsParquet: sum(parquet, (transfer) => transfer.url.includes('/explorer_facts.parquet')),
      factsParquetFile: fs.statSync(path.join(snapshotDir, 'explorer_facts.parquet')).size,
      javascript: sum(startTransfers, (transfer) => /\.(m?js)(\?|$)/.test(transfer.url)),
      requests: startTransfers.length,
    };
    const ranges = {
      parquetRequests: parquet.length,
      withRangeHeader: parquet.filter((transfer) => transfer.range !== null).length,
      partialContent: parquet.filter((transfer) => transfer.status === 206).length,
      fullResponses: parquet.filter((transfer) => transfer.status === 200).length,
    };
    log(`cold start ${coldStart.engineImportToFirstViewsMs.toFixed(0)} ms; ${bytes.requests} requests, ${(bytes.total / 1e6).toFixed(1)} MB`);

    // ---- Filter changes through the UI --------------------------------------------------------
    // The map loads after the first views; the changes start once it is drawn, so each one
    // redraws it as well.
    await page.waitForFunction(() => window.__openDistrictExplorer?.mapReady === true, null, { timeout: 60_000 });
    const selectors = await page.evaluate(() => {
      const facets = ['district', 'status', 'overdue', 'category'];
      return facets.flatMap((facet) =>
        [...document.querySelectorAll<HTMLInputElement>(`[data-facet="${facet}"] input[type="checkbox"]`)].slice(0, 6).map((input) => `[data-facet="${facet}"] input[value="${CSS.escape(input.value)}"]`),
      );
    });
    const durations: number[] = [];
    const updateDurations: number[] = [];
    const queryDurations: number[] = [];
    // A fixed walk through the checkboxes: each change adds or removes one value.
    for (let index = 0; index < changes; index++) {
      const selector = selectors[(index * 7) % selectors.length];
      durations.push(await timeFilterChange(page, selector));
      updateDurations.push(await page.evaluate(() => window.__openDistrictExplorer!.durations.at(-1)!));
      queryDurations.push(await page.evaluate(() => window.__openDistrictExplorer!.queryDurations.at(-1)!));
    }
    const filter = {
      changes,
      medianMs: quantile(durations, 0.5),
      p95Ms: quantile(durations, 0.95),
      maxMs: Math.max(...durations),
      queriesAndRenderMedianMs: quantile(updateDurations, 0.5),
      queriesMedianMs: quantile(queryDurations, 0.5),
    };
    log(`filter change median ${filter.medianMs.toFixed(0)} ms, p95 ${filter.p95Ms.toFixed(0)} ms`);

    // ---- The same aggregate query in the browser and in native DuckDB -----------------------
    const state = defaultState('ru');
    state.filters.status = ['resolved', 'answered'];
    state.filters.overdue = ['false'];
    const { instance, connection } = await openDatabase();
    await connection.run(`SET file_search_path = '${snapshotDir.replace(/'/g, "''")}'`);
    const facetValues = JSON.parse(fs.readFileSync(path.join(snapshotDir, 'facet_values.json'), 'utf8'));
    for (const statement of setupStatements({ timeZone: 'Europe/Moscow', facetValues, factsFile: true, snapshotCreatedMs: Date.now() })) await connection.run(statement);
    const dictionary = dictionaryFromLists(facetValues.facets);
    const context = { target: 'facts' as const, timeZone: 'Europe/Moscow', dictionary };
    const repeats = 15;
    const timeNative = async (sql: string): Promise<number[]> => {
      const times: number[] = [];
      for (let index = 0; index < repeats; index++) {
        const started = performance.now();
        await connection.runAndReadAll(sql);
        times.push(performance.now() - started);
      }
      return times;
    };
    // One query of the cube (the district facet with the map's metrics) and one of every filtered
    // row (the median days to the first answer).
    const compare = async (sql: string) => {
      const browserTimes: number[] = [];
      for (let index = 0; index < repeats; index++) browserTimes.push(await page.evaluate((text) => window.__openDistrictExplorer!.timeQuery(text), sql));
      await connection.run('RESET threads');
      const nativeTimes = await timeNative(sql);
      await connection.run('SET threads = 1');
      const nativeOneThread = await timeNative(sql);
      return {
        query: sql,
        browserMedianMs: quantile(browserTimes, 0.5),
        nativeMedianMs: quantile(nativeTimes, 0.5),
        nativeOneThreadMedianMs: quantile(nativeOneThread, 0.5),
        nativeThreads: os.availableParallelism(),
        ratio: quantile(browserTimes, 0.5) / quantile(nativeTimes, 0.5),
        ratioOneThread: quantile(browserTimes, 0.5) / quantile(nativeOneThread, 0.5),
      };
    };
    const native = await compare(facetQuery(state, 'district', context));
    const nativeRows = await compare(medianQuery(state, context));
    connection.closeSync();
    instance.closeSync();
    await page.context().close();

    // ---- Home page weight before the SVG map paints and until MapLibre's map is ready --------
    const homePage = await measureHomePage(browser, baseUrl);
    log(`home page: ${homePage.firstPaint.jsAndDataGzipBytes} B gzip before the SVG map, ${homePage.interactive.jsAndDataGzipBytes} B until MapLibre's map`);

    const report = {
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      data: { synthetic: true, rows, seed, rowGroupSize, order: args.order, snapshot: snapshotId, appealsParquetBytes: appealsBytes },
      coldStart,
      filter,
      bytes,
      ranges,
      native,
      nativeRows,
      homePage,
      targets: TARGETS,
    };
    if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2));
    printReport(report);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
}

function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}


interface NativeComparison {
  browserMedianMs: number;
  nativeMedianMs: number;
  nativeOneThreadMedianMs: number;
  nativeThreads: number;
  ratio: number;
  ratioOneThread: number;
}

/** Describes one query's time in the browser and in native DuckDB against the ratio target. */
function comparison(result: NativeComparison): string {
  return `browser ${result.browserMedianMs.toFixed(1)} ms, native ${result.nativeMedianMs.toFixed(1)} ms on ${result.nativeThreads} threads (ratio ${result.ratio.toFixed(1)}×, target ≤ ${TARGETS.nativeRatio}×: ${verdict(result.ratio <= TARGETS.nativeRatio)}), native on 1 thread ${result.nativeOneThreadMedianMs.toFixed(1)} ms (ratio ${result.ratioOneThread.toFixed(1)}×)`;
}

function printReport(report: {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  data: { rows: number; seed: number; rowGroupSize: number; order: string | undefined; appealsParquetBytes: number };
  coldStart: { engineImportToFirstViewsMs: number; engineStartMs: number; pageOpenToFirstViewsMs: number; startTimings: { step: string; ms: number }[] };
  filter: { changes: number; medianMs: number; p95Ms: number; maxMs: number; queriesAndRenderMedianMs: number; queriesMedianMs: number };
  bytes: { total: number; wasm: number; parquet: number; appealsParquet: number; appealsParquetFile: number; factsParquet: number; factsParquetFile: number; javascript: number; requests: number };
  ranges: { parquetRequests: number; withRangeHeader: number; partialContent: number; fullResponses: number };
  native: NativeComparison;
  nativeRows: NativeComparison;
  homePage: Awaited<ReturnType<typeof measureHomePage>>;
}): void {
  const kb = (value: number) => `${(value / 1024).toFixed(0)} KB`;
  const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const { machine, data, coldStart, filter, bytes, ranges, native, nativeRows, homePage } = report;
  const lines = [
    `Open District site benchmark: ${data.rows.toLocaleString('en')} SYNTHETIC appeals (seed ${data.seed}, row groups of ${data.rowGroupSize}, ORDER BY ${data.order}), appeals.parquet ${mb(data.appealsParquetBytes)}`,
    `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, headless Chromium; load average at the end ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`,
    '',
    `Cold start, engine import to first views: ${ms(coldStart.engineImportToFirstViewsMs)} (target ≤ ${ms(TARGETS.coldStartMs)}: ${verdict(coldStart.engineImportToFirstViewsMs <= TARGETS.coldStartMs)})`,
    `  of which engine start (WebAssembly, views, facts table): ${ms(coldStart.engineStartMs)}; page open to first views: ${ms(coldStart.pageOpenToFirstViewsMs)}`,
    `  engine start steps: ${coldStart.startTimings.map((timing) => `${timing.step.split(' AS ')[0]} ${ms(timing.ms)}`).join('; ')}`,
    `Filter change to all views updated, ${filter.changes} changes: median ${ms(filter.medianMs)} (target ≤ ${TARGETS.filterMedianMs}: ${verdict(filter.medianMs <= TARGETS.filterMedianMs)}), p95 ${ms(filter.p95Ms)} (target ≤ ${TARGETS.filterP95Ms}: ${verdict(filter.p95Ms <= TARGETS.filterP95Ms)}), max ${ms(filter.maxMs)}`,
    `  of which queries (median of the updates' query time): ${ms(filter.queriesMedianMs)}; queries and drawing: ${ms(filter.queriesAndRenderMedianMs)}`,
    `Bytes until the explorer was ready: ${mb(bytes.total)} in ${bytes.requests} requests; WebAssembly ${mb(bytes.wasm)}, JavaScript ${kb(bytes.javascript)}, Parquet ${mb(bytes.parquet)} (explorer_facts.parquet ${mb(bytes.factsParquet)} of its ${mb(bytes.factsParquetFile)}, appeals.parquet ${mb(bytes.appealsParquet)} of its ${mb(bytes.appealsParquetFile)})`,
    `Parquet by range requests: ${ranges.withRangeHeader} of ${ranges.parquetRequests} Parquet requests had a Range header, ${ranges.partialContent} answered 206, ${ranges.fullResponses} answered 200`,
    `Aggregate query of the cube (district facet with metrics, 2 filters): ${comparison(native)}`,
    `Aggregate query of every row (median days to the first answer, 2 filters): ${comparison(nativeRows)}`,
    `Home page before the SVG map paints: HTML, JS and data ${kb(homePage.firstPaint.jsAndDataGzipBytes)} gzip level ${GZIP_LEVEL} (${kb(homePage.firstPaint.jsAndDataRawBytes)} raw; target ≤ ${kb(TARGETS.homeGzipBytes)}: ${verdict(homePage.firstPaint.jsAndDataGzipBytes <= TARGETS.homeGzipBytes)}), CSS ${kb(homePage.firstPaint.cssGzipBytes)}; painted at ${ms(homePage.mapPaintedMs)}; WebAssembly requested: ${homePage.requestedWasm ? 'yes' : 'no'}`,
    homePage.interactiveMapReadyMs === null
      ? `Home page MapLibre map: not drawn (${homePage.interactiveMapError ?? 'no reason given'}); the SVG map stayed`
      : `Home page until the MapLibre map is ready (for information): HTML, JS and data ${kb(homePage.interactive.jsAndDataGzipBytes)} gzip level ${GZIP_LEVEL} (${kb(homePage.interactive.jsAndDataRawBytes)} raw), CSS ${kb(homePage.interactive.cssGzipBytes)}; ready at ${ms(homePage.interactiveMapReadyMs)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:site] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
