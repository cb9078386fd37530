// The e-poll pages: the list with its topic and year filter, a poll's bars with shares, n and
// intervals, and the okrug map of the 2021 Duma e-vote with its unplaced okrugs. Further tests
// cover the unit and running count pages, the district cross-link and the phone layout, and every
// test checks console errors and requests outside 127.0.0.1. Expected counts come from the
// build's own polls.json and okrug layer.

import type { FeatureCollection } from 'geojson';
import { afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import type { PollsSummary } from '../../etl/polls/summary.ts';
import { findPollsCoveringDistrict, pollYears, topicTags } from '../../site/src/lib/polls.ts';
import type {} from '../../site/src/lib/poll-test-hook.ts';
import { openBrowser, VIEWPORTS, type BrowserSession } from './browser.ts';

const baseUrl = inject('baseUrl');
const DEG_POLL = 'moscow_deg_2021_duma';
const sessions: BrowserSession[] = [];

let summary: PollsSummary;
let okrugLayer: FeatureCollection;

async function fetchJson<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`);
  if (!response.ok) throw new Error(`GET ${path} failed with HTTP ${response.status}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  const { snapshot } = await fetchJson<{ snapshot: string }>('/snapshots/latest.json');
  summary = await fetchJson<PollsSummary>(`/snapshots/${snapshot}/polls.json`);
  okrugLayer = await fetchJson<FeatureCollection>(`/snapshots/${snapshot}/${summary.okrugLayer.file}`);
});

async function open(options?: Parameters<typeof openBrowser>[0]): Promise<BrowserSession> {
  const session = await openBrowser(options);
  sessions.push(session);
  return session;
}

afterEach(async () => {
  const closing = sessions.splice(0);
  await Promise.all(closing.map((session) => session.close()));
  for (const session of closing) {
    expect(session.foreignRequests).toEqual([]);
    expect(session.consoleErrors).toEqual([]);
  }
});

/** Collapses every kind of space, including the no-break spaces of Intl, to one plain space. */
function normalizeSpaces(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

async function visibleRowIds(session: BrowserSession): Promise<string[]> {
  return session.page.$$eval('[data-testid="poll-row"]', (rows) =>
    rows.filter((row) => !(row as HTMLElement).hidden).map((row) => (row as HTMLElement).dataset.pollId ?? ''),
  );
}

/** Waits until the poll map has rendered or failed and returns the test hook's state. */
async function waitForPollMap(session: BrowserSession) {
  await session.page.waitForFunction(() => window.__openDistrictPollMap !== undefined, null, { timeout: 30_000 });
  return session.page.evaluate(() => window.__openDistrictPollMap!);
}

describe('poll list', () => {
  test('lists every poll', async () => {
    const session = await open();
    await session.page.goto(`${baseUrl}/polls/`);

    const ids = await visibleRowIds(session);
    expect(ids).toHaveLength(summary.polls.length);
    expect(new Set(ids)).toEqual(new Set(summary.polls.map((poll) => poll.id)));
    expect(await session.page.getByTestId('poll-link').count()).toBe(summary.polls.length);
  });

  test('filters by topic and keeps it in the URL', async () => {
    const session = await open();
    await session.page.goto(`${baseUrl}/polls/`);
    const expected = summary.polls.filter((poll) => topicTags(poll.topic).some((tag) => tag.slug === 'elections')).map((poll) => poll.id);
    expect(expected.length).toBeGreaterThan(0);

    await session.page.getByTestId('poll-filter-topic').selectOption('elections');

    await expect.poll(() => session.page.url()).toBe(`${baseUrl}/polls/?topic=elections`);
    expect(await visibleRowIds(session)).toEqual(expected);
  });

  test('applies topic and year from the URL', async () => {
    const session = await open();
    await session.page.goto(`${baseUrl}/polls/?topic=public-space&year=2021`);
    const expected = summary.polls
      .filter((poll) => topicTags(poll.topic).some((tag) => tag.slug === 'public-space') && pollYears(poll).includes(2021))
      .map((poll) => poll.id);
    expect(expected.length).toBeGreaterThan(0);

    expect(new Set(await visibleRowIds(session))).toEqual(new Set(expected));
    expect(await session.page.getByTestId('poll-filter-topic').inputValue()).toBe('public-space');
    expect(await session.page.getByTestId('poll-filter-year').inputValue()).toBe('2021');
  });

  test('reset shows every poll again', async () => {
    const session = await open();
    await session.page.goto(`${baseUrl}/polls/?topic=elections`);

    await session.page.locator('[data-filter-reset]').click();

    await expect.poll(() => session.page.url()).toBe(`${baseUrl}/polls/`);
    expect(await visibleRowIds(session)).toHaveLength(summary.polls.length);
  });

  test('ignores an unknown topic in the URL', async () => {
    const session = await open();
    await session.page.goto(`${baseUrl}/polls/?topic=no-such-topic`);

    expect(await visibleRowIds(session)).toHaveLength(summary.polls.length);
    expect(await session.page.getByTestId('poll-filter-topic').inputValue()).toBe('');
  });

  test('lists every poll without JavaScript', async () => {
    const { page } = await open({ javaScriptEnabled: false });
    await page.goto(`${baseUrl}/polls/?topic=elections`);

    expect(await page.locator('[data-testid="poll-row"]:visible').count()).toBe(summary.polls.length);
    expect(await page.getByTestId('poll-filter').isVisible()).toBe(false);
  });

  test('header links to the list', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/polls/lubyanka_2021/`);

    const link = page.locator('.site-nav a[aria-current="page"]');
    expect(await link.getAttribute('href')).toBe('/polls/');
  });
});

describe('poll page', () => {
  test('shows shares with n and the reason for no interval', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/polls/lubyanka_2021/`);
    const poll = summary.polls.find((candidate) => candidate.id === 'lubyanka_2021')!;
    expect(poll.areas[0].results.every((result) => result.interval === null)).toBe(true);

    expect(await page.locator('[data-testid="poll-bars"] svg').count()).toBe(2);
    const chartText = normalizeSpaces(await page.locator('[data-testid="poll-bars"] .chart__svg--wide svg').textContent());
    expect(chartText).toContain('55 %');
    expect(chartText).toContain('45 %');
    expect(chartText).toContain('n = 319 897');
    expect(chartText).toContain('без интервала: нет числа голосов');
    const table = normalizeSpaces(await page.getByTestId('poll-results-table').textContent());
    expect(table).toContain('Источник не даёт число голосов');
    expect(normalizeSpaces(await page.getByTestId('poll-caveat').textContent())).toContain('выборкой');
  });

  test('shows the 95% interval where votes and n are known', async () => {
    const { page } = await open();
    const poll = summary.polls.find((candidate) => candidate.id.startsWith('lubyanka_2021_snap_'))!;
    const interval = poll.areas[0].results[0].interval!;
    expect(interval).not.toBeNull();
    await page.goto(`${baseUrl}/polls/${poll.id}/`);

    const range = `${interval.lowerPercent.toFixed(1).replace('.', ',')}–${interval.upperPercent.toFixed(1).replace('.', ',')} %`;
    const chartText = normalizeSpaces(await page.locator('[data-testid="poll-bars"] .chart__svg--wide svg').textContent());
    expect(chartText).toContain(`95 % ДИ ${range}`);
    expect(chartText).toContain(`n = ${poll.areas[0].participants!.toLocaleString('ru-RU').replace(/\s/g, ' ')}`);
    expect(normalizeSpaces(await page.getByTestId('poll-results-table').textContent())).toContain(range);
    // Each bar with an interval gets a line and two end ticks.
    expect(await page.locator('[data-testid="poll-bars"] .chart__svg--wide svg line').count()).toBeGreaterThanOrEqual(3 * poll.areas[0].results.length);
    expect(normalizeSpaces(await page.getByTestId('poll-status').textContent())).toContain('Промежуточные на');
  });

  test('marks houses as the unit', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/polls/renovation_2017/`);

    expect(await page.getByTestId('poll-unit-callout').isVisible()).toBe(true);
    expect(await page.getByTestId('poll-unit').textContent()).toContain('ДОМ');
    expect(await page.locator('[data-testid="poll-bars"] figcaption').textContent()).toContain('ДОМОВ');
  });

  test('says multiple-choice shares do not add to 100', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/en/polls/bkl_most_beautiful_2023/`);

    expect(await page.getByTestId('poll-choice-note').textContent()).toContain('do not add up to 100%');
    expect(await page.getByTestId('poll-participants').textContent()).toContain('«более 170 тыс.»');
  });

  test('shows participation apart from votes', async () => {
    const { page } = await open();
    const poll = summary.polls.find((candidate) => candidate.participation.length > 0)!;
    await page.goto(`${baseUrl}/polls/${poll.id}/`);

    expect(await page.locator('[data-testid="poll-participation"] tbody tr').count()).toBe(poll.participation.length);
    const bars = normalizeSpaces(await page.locator('[data-testid="poll-results"]').textContent());
    for (const row of poll.participation) expect(bars).not.toContain(row.area);
  });

  test('running count has lines and no shares', async () => {
    const { page } = await open();
    const poll = summary.polls.find((candidate) => candidate.series !== null)!;
    await page.goto(`${baseUrl}/polls/${poll.id}/`);

    expect(await page.locator('[data-testid="poll-series-chart"] svg').count()).toBe(2);
    expect(await page.locator('[data-testid="poll-series-table"] tbody tr').count()).toBe(poll.series!.length);
    expect(await page.getByTestId('poll-bars').count()).toBe(0);
    // innerText leaves out the CSS of Plot's <style>, which contains "100%".
    expect(await page.locator('main').innerText()).not.toMatch(/\d\s?%/);
  });

  test('English page keeps the data in Russian', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/en/polls/lubyanka_2021/`);

    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getAttribute('[data-testid="poll-title"]', 'lang')).toBe('ru');
    expect(normalizeSpaces(await page.locator('[data-testid="poll-bars"] .chart__svg--wide svg').textContent())).toContain('n = 319,897');
  });
});

describe('okrug map', () => {
  test('draws the okrugs that have geometry', async () => {
    const session = await open();
    const poll = summary.polls.find((candidate) => candidate.id === DEG_POLL)!;
    const okrugs = new Set(poll.areas.map((area) => Number(area.name)));
    const features = okrugLayer.features.filter((feature) => okrugs.has(Number(feature.properties?.okrug_number)));
    const drawn = features.filter((feature) => feature.geometry !== null);
    expect(drawn.length).toBeGreaterThan(0);

    await session.page.goto(`${baseUrl}/polls/${DEG_POLL}/`);
    const state = await waitForPollMap(session);

    expect(state.error).toBeUndefined();
    expect(state.ready).toBe(true);
    expect(state.renderedAreas).toBe(drawn.length);
    expect(await session.page.getByTestId('poll-map').isVisible()).toBe(true);
  });

  test('lists the okrugs without geometry', async () => {
    const { page } = await open();
    const undrawn = okrugLayer.features.filter((feature) => feature.geometry === null).map((feature) => String(feature.properties?.okrug_number));
    expect(undrawn.length).toBeGreaterThan(0);

    await page.goto(`${baseUrl}/polls/${DEG_POLL}/`);

    const listed = await page.$$eval('[data-testid="poll-map-unplaced"] li[data-okrug]', (items) => items.map((item) => (item as HTMLElement).dataset.okrug));
    expect(listed).toEqual(undrawn);
    for (const okrug of undrawn) {
      expect(normalizeSpaces(await page.locator(`[data-testid="poll-areas-table"] tr[data-area="${okrug}"]`).textContent())).toContain('нет');
    }
  });

  test('has every area and option in a table', async () => {
    const { page } = await open({ javaScriptEnabled: false });
    const poll = summary.polls.find((candidate) => candidate.id === DEG_POLL)!;
    await page.goto(`${baseUrl}/polls/${DEG_POLL}/`);

    expect(await page.locator('[data-testid="poll-areas-table"] tbody tr').count()).toBe(poll.areas.length);
    const optionRows = poll.areas.reduce((sum, area) => sum + area.results.length, 0);
    expect(await page.locator('[data-testid="poll-all-areas"] tbody tr').count()).toBe(optionRows);
    expect(await page.getByTestId('poll-map').isVisible()).toBe(false);
  });

  test('poll pages without a map load no MapLibre', async () => {
    const session = await open();
    const scripts: string[] = [];
    session.page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await session.page.goto(`${baseUrl}/polls/lubyanka_2021/`);

    expect(scripts.filter((url) => url.includes('maplibre'))).toEqual([]);
    expect(await session.page.getByTestId('poll-map').count()).toBe(0);
  });
});

describe('district page', () => {
  test('lists polls covering the district', async () => {
    const session = await open();
    const { snapshot } = await fetchJson<{ snapshot: string }>('/snapshots/latest.json');
    const aggregates = await fetchJson<{ regions: Array<{ id: string; districts: Array<{ district: string; slug: string }> }> }>(
      `/snapshots/${snapshot}/aggregates.json`,
    );
    const region = aggregates.regions[0];
    const district = region.districts[0];
    const expected = findPollsCoveringDistrict(summary, region.id, district.district).map(({ poll }) => `/polls/${poll.id}/`);

    await session.page.goto(`${baseUrl}/districts/${district.slug}/`);

    expect(await session.page.getByTestId('district-polls').isVisible()).toBe(true);
    const links = await session.page.$$eval('[data-testid="district-polls"] a', (anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    expect(links).toEqual(expected);
  });
});

describe('poll pages on a phone', () => {
  test('fit without horizontal scroll', async () => {
    const session = await open({ viewport: VIEWPORTS.phone });
    const paths = ['/polls/', '/polls/lubyanka_2021/', `/polls/${DEG_POLL}/`, '/polls/renovation_2017/', '/polls/fkgs_yakutsk_2025/'];
    for (const path of [...paths, ...paths.map((path) => `/en${path}`)]) {
      await session.page.goto(`${baseUrl}${path}`);
      const scrollWidth = await session.page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, path).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    }
  });
});
