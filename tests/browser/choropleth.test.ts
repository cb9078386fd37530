// The home page's choropleth: it draws every district, the metric switch changes the legend, and
// a district page opens from the map and from the table.

import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { openBrowser, waitForMap, type BrowserSession } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: BrowserSession;

beforeEach(async () => {
  session = await openBrowser();
});

afterEach(async () => {
  const { foreignRequests, consoleErrors } = session;
  await session.close();
  expect(foreignRequests).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

/** Slugs of the districts in the table, in table order. */
async function tableSlugs(session: BrowserSession): Promise<string[]> {
  return session.page.$$eval('[data-testid="district-link"]', (links) => links.map((link) => (link as HTMLElement).dataset.slug ?? ''));
}

describe('choropleth', () => {
  test('draws all 18 districts', async () => {
    await session.page.goto(`${baseUrl}/`);
    const state = await waitForMap(session.page);

    expect(state.error).toBeUndefined();
    expect(state.mapReady).toBe(true);
    expect(state.renderedDistricts).toBe(18);
    expect(await tableSlugs(session)).toHaveLength(18);
  });

  test('metric switch changes legend', async () => {
    await session.page.goto(`${baseUrl}/`);
    await waitForMap(session.page);
    const legend = session.page.getByTestId('legend');
    const titleBefore = await legend.locator('.legend__title:visible').textContent();

    await session.page.check('#metric-perThousand');

    await expect.poll(() => legend.getAttribute('data-metric')).toBe('perThousand');
    const titleAfter = await legend.locator('.legend__title:visible').textContent();
    const switchLabel = await session.page.locator('label:has(#metric-perThousand)').textContent();
    expect(titleAfter).not.toBe(titleBefore);
    expect(titleAfter?.trim()).toBe(switchLabel?.trim());
    expect(await session.page.evaluate(() => window.__openDistrict?.metric)).toBe('perThousand');
  });

  test('map click opens district page', async () => {
    await session.page.goto(`${baseUrl}/`);
    await waitForMap(session.page);
    await session.page.getByTestId('choropleth').scrollIntoViewIfNeeded();
    // The district whose inner point is nearest the map's centre, far from the map's controls.
    const target = await session.page.evaluate((slugs) => {
      const canvas = document.querySelector('[data-testid="choropleth"] canvas')!.getBoundingClientRect();
      const centre = { x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 };
      const points = slugs
        .map((slug) => ({ slug, point: window.__openDistrict!.districtScreenPoint(slug) }))
        .filter((entry): entry is { slug: string; point: { x: number; y: number } } => entry.point !== null);
      points.sort((a, b) => Math.hypot(a.point.x - centre.x, a.point.y - centre.y) - Math.hypot(b.point.x - centre.x, b.point.y - centre.y));
      return points[0];
    }, await tableSlugs(session));
    expect(target).toBeDefined();

    await session.page.mouse.move(target.point.x, target.point.y);
    await session.page.mouse.click(target.point.x, target.point.y);

    await session.page.waitForURL(`${baseUrl}/districts/${target.slug}/`);
    expect(await session.page.locator('h1').textContent()).toBeTruthy();
  });

  test('table link opens district page by keyboard', async () => {
    await session.page.goto(`${baseUrl}/`);
    await waitForMap(session.page);

    let focused: string | null = null;
    for (let presses = 0; presses < 80 && focused === null; presses++) {
      await session.page.keyboard.press('Tab');
      focused = await session.page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return element?.matches('[data-testid="district-link"]') ? (element.dataset.slug ?? '') : null;
      });
    }
    expect(focused).not.toBeNull();
    await expect.poll(() => session.page.locator('[data-tooltip]').isVisible()).toBe(true);

    await session.page.keyboard.press('Enter');

    await session.page.waitForURL(`${baseUrl}/districts/${focused}/`);
  });
});
