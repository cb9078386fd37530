// Every page type in both languages: the language switch, console errors, requests outside
// 127.0.0.1, pages without JavaScript and the phone layout.

import { afterEach, describe, expect, inject, test } from 'vitest';
import { openBrowser, VIEWPORTS, waitForInteractiveMap, type BrowserSession } from './browser.ts';

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

/** Reads a district slug from the home page's table, so tests do not depend on the data. */
async function firstDistrictSlug(session: BrowserSession): Promise<string> {
  await session.page.goto(`${baseUrl}/`);
  const slug = await session.page.getAttribute('[data-testid="district-link"]', 'data-slug');
  if (!slug) throw new Error('No district link [data-testid="district-link"] on the home page');
  return slug;
}

async function allPaths(session: BrowserSession): Promise<string[]> {
  const slug = await firstDistrictSlug(session);
  const paths = ['/', `/districts/${slug}/`, '/methodology/'];
  return [...paths, ...paths.map((path) => `/en${path}`)];
}

describe('language switch', () => {
  test('home page to English and back', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('ru');

    await page.getByTestId('language-switch').click();
    await page.waitForURL(`${baseUrl}/en/`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    await page.getByTestId('language-switch').click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
  });

  test('district page keeps the district', async () => {
    const session = await open();
    const slug = await firstDistrictSlug(session);
    await session.page.goto(`${baseUrl}/districts/${slug}/`);

    await session.page.getByTestId('language-switch').click();
    await session.page.waitForURL(`${baseUrl}/en/districts/${slug}/`);
    expect(await session.page.getAttribute('html', 'lang')).toBe('en');

    await session.page.getByTestId('language-switch').click();
    await session.page.waitForURL(`${baseUrl}/districts/${slug}/`);
  });

  test('poll list keeps its filter', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/polls/?year=2016`);
    await page.getByTestId('language-switch').click();
    await page.waitForURL(`${baseUrl}/en/polls/?year=2016`);
  });

  test('home page keeps the map metric', async () => {
    const { page } = await open();
    await page.goto(`${baseUrl}/`);
    await waitForInteractiveMap(page);
    await page.check('#metric-perThousand');
    await page.getByTestId('language-switch').click();
    await page.waitForURL(`${baseUrl}/en/?metric=perThousand`);
  });
});

describe('unknown address', () => {
  test("gets the site's page in both languages", async () => {
    const { page } = await open();
    const response = await page.goto(`${baseUrl}/no-such-page/`);
    expect([response?.status(), await page.locator('h1').allTextContents()]).toEqual([404, ['Страница не найдена', 'Page not found']]);
  });

  test('without its closing slash is served', async () => {
    const { page } = await open();
    const response = await page.goto(`${baseUrl}/en`);
    expect(response?.status()).toBe(200);
  });
});

describe('every page', () => {
  test('logs no console errors', async () => {
    const session = await open();
    for (const path of await allPaths(session)) {
      await session.page.goto(`${baseUrl}${path}`);
      if (path === '/' || path === '/en/') await waitForInteractiveMap(session.page);
    }
    expect(session.consoleErrors).toEqual([]);
  });

  test('requests only 127.0.0.1', async () => {
    const session = await open();
    const hosts = new Set<string>();
    session.page.on('request', (request) => hosts.add(new URL(request.url()).host));
    for (const path of await allPaths(session)) {
      await session.page.goto(`${baseUrl}${path}`);
      if (path === '/' || path === '/en/') await waitForInteractiveMap(session.page);
    }
    expect(session.foreignRequests).toEqual([]);
    expect([...hosts].filter((host) => host !== '' && !host.startsWith('127.0.0.1'))).toEqual([]);
  });

  test('fits a phone without horizontal scroll', async () => {
    const session = await open({ viewport: VIEWPORTS.phone });
    for (const path of await allPaths(session)) {
      await session.page.goto(`${baseUrl}${path}`);
      const scrollWidth = await session.page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, path).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    }
  });
});

describe('district page without JavaScript', () => {
  test('shows metrics, charts and tables', async () => {
    const slugSession = await open();
    const slug = await firstDistrictSlug(slugSession);
    const { page } = await open({ javaScriptEnabled: false });

    await page.goto(`${baseUrl}/districts/${slug}/`);

    expect(await page.locator('[data-testid="metrics-table"] tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('[data-testid="weekly-chart"] svg').count()).toBe(2);
    expect(await page.locator('[data-testid="agencies-table"] tbody tr').count()).toBeGreaterThan(0);
  });
});

describe('home page without JavaScript', () => {
  test('table switches metric by CSS', async () => {
    const { page } = await open({ javaScriptEnabled: false });
    await page.goto(`${baseUrl}/`);

    expect(await page.locator('[data-testid="district-link"]').count()).toBe(18);
    expect(await page.locator('td[data-show-for="perThousand"]').first().isVisible()).toBe(false);

    await page.check('#metric-perThousand');

    expect(await page.locator('td[data-show-for="perThousand"]').first().isVisible()).toBe(true);
    expect(await page.locator('td[data-show-for="received"]').first().isVisible()).toBe(false);
  });

  test('SVG map links every district and recolours by CSS', async () => {
    const { page } = await open({ javaScriptEnabled: false });
    await page.goto(`${baseUrl}/`);

    const districts = page.getByTestId('map-district');
    expect(await page.getByTestId('choropleth').isVisible()).toBe(true);
    expect(await districts.count()).toBe(18);
    const first = districts.first();
    const slug = await first.getAttribute('data-slug');
    expect(await first.getAttribute('href')).toBe(`/districts/${slug}/`);
    expect(await first.locator('title').textContent()).toMatch(/\. Поступило обращений: \d/);

    const fills = () => districts.locator('path').evaluateAll((paths) => paths.map((path) => getComputedStyle(path).fill));
    const before = await fills();
    await page.check('#metric-resolvedShare');
    const after = await fills();
    expect(after).not.toEqual(before);
    // The resolved share's scheme is green: each filled district's green channel leads.
    const greens = after.map((fill) => fill.match(/\d+/g)!.map(Number)).filter(([red, green, blue]) => !(red === green && green === blue));
    expect(greens.length).toBeGreaterThan(0);
    expect(greens.every(([red, green, blue]) => green > red && green >= blue)).toBe(true);
  });
});
