// The snapshot archive, the changes summary, the stale-source notice and the Atom feeds.
//
// The site of the global setup has one snapshot with every source ok. A second site, built here,
// has two real snapshots of the same records at two moments, so "what changed" has numbers. Its
// newest manifest marks the source stale, and only that temporary copy is edited.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';

import type { Manifest } from '../../etl/aggregates-types.ts';
import type { Changes } from '../../etl/changes.ts';
import { ROOT, SPB_SLICE, CONFIG_PATH } from '../helpers/fixtures.ts';
import { readRecords, recordsAt, writeRecords } from '../helpers/time-travel.ts';
import { openBrowser, VIEWPORTS, type BrowserSession } from './browser.ts';

const baseUrl = inject('baseUrl');
const sessions: BrowserSession[] = [];

async function open(options?: Parameters<typeof openBrowser>[0]): Promise<BrowserSession> {
  const session = await openBrowser(options);
  sessions.push(session);
  return session;
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} returned ${response.status}`);
  return (await response.json()) as T;
}

/** Reads an integer as the site prints it in either language ("2 000", "2,000"). */
function parseCount(text: string | null): number {
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

interface AtomEntry {
  id: string;
  title: string;
  link: { '@_rel': string; '@_href': string }[];
  /** The parser keeps the text beside the `type` attribute under "#text". */
  summary: { '#text': string; '@_type': string };
}

/** Parses an Atom feed after checking that it is well-formed XML; returns its entries. */
function parseFeed(xml: string): { valid: true | unknown; entries: AtomEntry[] } {
  const valid = XMLValidator.validate(xml);
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' || name === 'link' });
  const document = parser.parse(xml) as { feed?: { entry?: AtomEntry[] } };
  return { valid, entries: document.feed?.entry ?? [] };
}

describe('archive page', () => {
  let id: string;
  let manifest: Manifest;

  beforeAll(async () => {
    id = (await fetchJson<{ snapshot: string }>(`${baseUrl}/snapshots/latest.json`)).snapshot;
    manifest = await fetchJson<Manifest>(`${baseUrl}/snapshots/${id}/manifest.json`);
  });

  test('lists the served snapshot', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/archive/`);
    expect(await page.locator(`[data-testid="archive-entry"][data-snapshot="${id}"]`).count()).toBe(1);
  });

  test('marks the served snapshot', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/archive/`);
    expect(await page.locator(`[data-snapshot="${id}"] [data-testid="archive-current"]`).count()).toBe(1);
  });

  test('shows the sha256 of every file from the manifest', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/archive/`);
    const shown = await page.locator(`[data-snapshot="${id}"] tr[data-file]`).evaluateAll((rows) =>
      Object.fromEntries(rows.map((row) => [row.getAttribute('data-file'), row.querySelector('[data-testid="archive-sha256"]')?.textContent?.trim()])),
    );
    expect(shown).toEqual(Object.fromEntries(manifest.files.map((file) => [file.path, file.sha256])));
  });

  test('download link returns 200', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/archive/`);
    const href = await page.locator(`[data-snapshot="${id}"] tr[data-file="appeals.parquet"] a[data-testid="archive-download"]`).getAttribute('href');
    const response = await fetch(new URL(href!, baseUrl));
    expect(response.status).toBe(200);
  });

  test('download matches the manifest sha256', async () => {
    const response = await fetch(`${baseUrl}/snapshots/${id}/appeals.parquet`);
    const digest = createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex');
    expect(digest).toBe(manifest.files.find((file) => file.path === 'appeals.parquet')?.sha256);
  });

  test('shows the source status', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/en/archive/`);
    const statuses = await page.locator(`[data-snapshot="${id}"] [data-testid="archive-sources"] tr[data-source]`).evaluateAll((rows) =>
      rows.map((row) => [row.getAttribute('data-source'), row.getAttribute('data-status')]),
    );
    expect(statuses).toEqual(manifest.sources.map((source) => [source.id, source.status]));
  });

  test('is linked from the footer', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/en/`);
    expect(await page.getByTestId('footer-archive').getAttribute('href')).toBe('/en/archive/');
  });

  test('fits a phone without horizontal scroll', async () => {
    const { page } = await open({ viewport: VIEWPORTS.phone });
    for (const pagePath of ['/archive/', '/en/archive/']) {
      await page.goto(`${baseUrl}${pagePath}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), pagePath).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    }
  });

  test('index.json names the served snapshot', async () => {
    const index = await fetchJson<{ current: string; snapshots: { id: string }[] }>(`${baseUrl}/snapshots/index.json`);
    expect([index.current, index.snapshots.map((entry) => entry.id)]).toEqual([id, [id]]);
  });
});

describe('changes summary with one snapshot', () => {
  test('says there is no previous snapshot', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/`);
    expect(await page.getByTestId('changes-none').textContent()).toContain('прошлого снимка нет');
  });

  test('says so in English', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/en/`);
    expect(await page.getByTestId('changes-none').textContent()).toContain('There is no previous snapshot');
  });

  test('shows no stale notice', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/`);
    expect(await page.getByTestId('stale-notice').count()).toBe(0);
  });
});

describe('Atom feed', () => {
  test('Russian feed is valid XML', async () => {
    const { valid } = parseFeed(await (await fetch(`${baseUrl}/feed.xml`)).text());
    expect(valid).toBe(true);
  });

  test('Russian feed has an entry', async () => {
    const { entries } = parseFeed(await (await fetch(`${baseUrl}/feed.xml`)).text());
    expect(entries.length).toBeGreaterThanOrEqual(1);
  });

  test('English feed is valid XML', async () => {
    const { valid } = parseFeed(await (await fetch(`${baseUrl}/en/feed.xml`)).text());
    expect(valid).toBe(true);
  });

  test('English feed has an entry', async () => {
    const { entries } = parseFeed(await (await fetch(`${baseUrl}/en/feed.xml`)).text());
    expect(entries.length).toBeGreaterThanOrEqual(1);
  });

  test('pages link to their feed', async () => {
    const { page } = await open();
    const links: string[] = [];
    for (const pagePath of ['/', '/en/', '/archive/']) {
      await page.goto(`${baseUrl}${pagePath}`);
      links.push((await page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute('href')) ?? '');
    }
    expect(links).toEqual(['/feed.xml', '/en/feed.xml', '/feed.xml']);
  });
});

// A second site: two real snapshots and a stale source.

const HOST = '127.0.0.1';
const TSX_CLI = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const ASTRO_CLI = path.join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');
const STALE_REASON_RU = 'Не удалось прочитать файл источника';
const STALE_REASON_EN = 'Could not read the source file';

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a Node script and fails with its output when it exits with an error. */
function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with code ${code}:\n${output.slice(-4000)}`))));
  });
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`astro preview exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`astro preview did not answer at ${url} within 30 s`);
}

describe('site with a stale source and a previous snapshot', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'open-district-archive-'));
  const snapshots = path.join(work, 'snapshots');
  const dist = path.join(work, 'dist');
  let staleUrl = '';
  let preview: ChildProcess | undefined;
  let ids: string[] = [];
  let changes: Changes;

  beforeAll(async () => {
    // Without OPEN_DISTRICT_SNAPSHOT(S) from the caller, which would override these folders.
    const { OPEN_DISTRICT_SNAPSHOTS: _folder, OPEN_DISTRICT_SNAPSHOT: _id, ...inherited } = process.env;
    const env = { ...inherited, ASTRO_TELEMETRY_DISABLED: '1' };

    const records = readRecords(SPB_SLICE);
    const earlierFile = path.join(work, 'earlier.jsonl');
    writeRecords(earlierFile, recordsAt(records, '2021-01-01T00:00:00'));
    const config = JSON.parse(fs.readFileSync(CONFIG_PATH, 'utf8'));
    config.snapshots.directory = snapshots;
    config.site.directory = path.join(work, 'published');
    for (const [name, file, now] of [
      ['earlier', earlierFile, '2026-12-03T00:00:00Z'],
      ['later', SPB_SLICE, '2026-12-04T00:00:00Z'],
    ]) {
      config.sources[0].files = [file];
      const configPath = path.join(work, `${name}.json`);
      fs.writeFileSync(configPath, JSON.stringify(config));
      await runNode([TSX_CLI, 'etl/cli.ts', 'run', '--config', configPath, '--now', now, '--quiet'], ROOT, env);
    }

    const latest = JSON.parse(fs.readFileSync(path.join(snapshots, 'latest.json'), 'utf8')).snapshot as string;
    ids = fs.readdirSync(snapshots).filter((name) => /^\d{4}-/.test(name)).sort();
    changes = JSON.parse(fs.readFileSync(path.join(snapshots, latest, 'changes.json'), 'utf8'));

    // Marks the source stale in this temporary snapshot only, as a failed run would.
    const manifestPath = path.join(snapshots, latest, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    manifest.sources[0] = { ...manifest.sources[0], status: 'stale', staleReason: `${STALE_REASON_RU} · ${STALE_REASON_EN}`, staleSince: manifest.sources[0].asOf };
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));

    const port = await findFreePort();
    staleUrl = `http://${HOST}:${port}`;
    // The build runs in `work`, so Astro's scratch folder for builds outside the working directory
    // lands there and not in the repository's .astro/, where a publish test may be building at the
    // same time. The code in that scratch folder imports packages, hence the node_modules link.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    const buildEnv = { ...env, OPEN_DISTRICT_SNAPSHOTS: snapshots, OPEN_DISTRICT_SITE_URL: staleUrl };
    await runNode([ASTRO_CLI, 'build', '--root', ROOT, '--outDir', dist], work, buildEnv);

    preview = spawn(process.execPath, [ASTRO_CLI, 'preview', '--root', ROOT, '--ignore-lock', '--outDir', dist, '--host', HOST, '--port', String(port)], {
      cwd: work,
      env,
      stdio: 'ignore',
    });
    await waitForServer(`${staleUrl}/`, preview);
  }, 240_000);

  afterAll(async () => {
    if (preview && preview.exitCode === null) {
      const exited = new Promise((resolve) => preview!.once('exit', resolve));
      preview.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('shows the stale notice in Russian', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/`);
    const notice = page.locator('[data-testid="stale-notice"][data-status="stale"]');
    expect(await notice.textContent()).toMatch(/Данные источника .+ — на \d+ апреля 2021 г\./);
  });

  test('gives the reason in Russian', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/`);
    expect(await page.getByTestId('stale-notice').textContent()).toContain(STALE_REASON_RU);
  });

  test('shows the stale notice in English', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/en/`);
    const text = await page.getByTestId('stale-notice').textContent();
    expect(text).toMatch(/Data from source .+ is from \d+ April 2021/);
  });

  test('gives the reason in English only', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/en/`);
    const text = await page.getByTestId('stale-notice').textContent();
    expect([text?.includes(STALE_REASON_EN), text?.includes(STALE_REASON_RU)]).toEqual([true, false]);
  });

  test('shows the stale notice on the archive', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/archive/`);
    expect(await page.getByTestId('stale-notice').count()).toBe(1);
  });

  test('archive marks the source stale', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/archive/`);
    expect(await page.locator(`[data-snapshot="${ids[1]}"] tr[data-source]`).getAttribute('data-status')).toBe('stale');
  });

  test('archive lists both snapshots, newest first', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/archive/`);
    const listed = await page.locator('[data-testid="archive-entry"]').evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-snapshot')));
    expect(listed).toEqual([...ids].reverse());
  });

  test('changes summary names the previous snapshot', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/`);
    expect(await page.getByTestId('changes-summary').getAttribute('data-previous')).toBe(ids[0]);
  });

  test('changes summary counts as changes.json', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/`);
    const summary = page.getByTestId('changes-summary');
    const shown = {
      new: parseCount(await summary.locator('[data-change="new"] .headline__value').textContent()),
      answered: parseCount(await summary.locator('[data-change="answered"] .headline__value').textContent()),
      resolved: parseCount(await summary.locator('[data-change="resolved"] .headline__value').textContent()),
    };
    expect(shown).toEqual(changes.regions[0].totals);
  });

  test('changes summary has real changes', () => {
    expect(changes.totals.new + changes.totals.answered + changes.totals.resolved).toBeGreaterThan(0);
  });

  test('changes summary links to the archive entry', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/en/`);
    expect(await page.locator('[data-testid="changes-summary"] a[href*="/archive/"]').getAttribute('href')).toBe(`/en/archive/#snapshot-${ids[0]}`);
  });

  test('district page shows its row of changes', async () => {
    const { page } = await open();
    await page.goto(`${staleUrl}/`);
    const link = page.locator('[data-testid="district-link"]').first();
    const slug = await link.getAttribute('data-slug');
    const name = (await link.textContent())!.trim();
    await page.goto(`${staleUrl}/districts/${slug}/`);
    const summary = page.getByTestId('changes-summary');
    const shown = {
      key: name,
      new: parseCount(await summary.locator('[data-change="new"] .headline__value').textContent()),
      answered: parseCount(await summary.locator('[data-change="answered"] .headline__value').textContent()),
      resolved: parseCount(await summary.locator('[data-change="resolved"] .headline__value').textContent()),
    };
    const row = changes.regions[0].districts.find((district) => district.key === name) ?? { key: name, new: 0, answered: 0, resolved: 0 };
    expect(shown).toEqual(row);
  });

  test('feed announces both snapshots', async () => {
    const { entries } = parseFeed(await (await fetch(`${staleUrl}/feed.xml`)).text());
    expect(entries.map((entry) => entry.title)).toEqual([...ids].reverse().map((id) => `Снимок данных ${id}`));
  });

  test('feed links use the site URL', async () => {
    const { entries } = parseFeed(await (await fetch(`${staleUrl}/en/feed.xml`)).text());
    const alternate = entries[0].link.find((link) => link['@_rel'] === 'alternate')?.['@_href'];
    expect(alternate).toBe(`${staleUrl}/en/archive/#snapshot-${ids[1]}`);
  });

  test('feed entry reports the stale source', async () => {
    const { entries } = parseFeed(await (await fetch(`${staleUrl}/en/feed.xml`)).text());
    expect(entries[0].summary['#text']).toContain(STALE_REASON_EN);
  });
});
