// The home page's choropleth. The SVG map paints first, and MapLibre's map replaces it in the same
// place with every district drawn. The metric switch changes the legend, and a district page opens
// from either map and from the table. Without WebGL the SVG map stays, with its tooltips.

import AxeBuilder from '@axe-core/playwright';
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { openBrowser, waitForInteractiveMap, waitForMap, type BrowserSession } from './browser.ts';

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

/** Viewport boxes of the map, legend and table, to compare the layout before and after the swap. */
async function layoutBoxes(session: BrowserSession) {
  return session.page.evaluate(() =>
    ['[data-testid="choropleth"]', '[data-legend]', '[data-district-table]'].map((selector) => {
      const { x, y, width, height } = document.querySelector(selector)!.getBoundingClientRect();
      return { selector, x, y, width, height };
    }),
  );
}

/** Screen points of every district's label point on the map on display. */
async function screenPoints(session: BrowserSession, slugs: string[]) {
  return session.page.evaluate((list) => list.map((slug) => window.__openDistrict!.districtScreenPoint(slug)), slugs);
}

describe('choropleth', () => {
  test('draws all 18 districts', async () => {
    await session.page.goto(`${baseUrl}/`);
    const painted = await waitForMap(session.page);
    expect(painted.renderedDistricts).toBe(18);

    const state = await waitForInteractiveMap(session.page);

    expect(state.interactiveMapError).toBeUndefined();
    expect(state.interactiveMapReady).toBe(true);
    expect(state.renderedDistricts).toBe(18);
    expect(await tableSlugs(session)).toHaveLength(18);
    expect(await session.page.locator('[data-map-svg]').isVisible()).toBe(false);
    expect(await session.page.locator('[data-testid="choropleth"] canvas').isVisible()).toBe(true);
  });

  test('MapLibre replaces the SVG map in the same place', async () => {
    // Hold MapLibre's chunk back until the SVG map has been measured.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await session.page.route('**/_astro/choropleth-maplibre.*.js', async (route) => {
      await released;
      await route.continue();
    });
    await session.page.goto(`${baseUrl}/`);
    await waitForMap(session.page);
    const slugs = await tableSlugs(session);
    const layoutBefore = await layoutBoxes(session);
    const pointsBefore = await screenPoints(session, slugs);
    expect(await session.page.locator('[data-map-svg]').isVisible()).toBe(true);

    release();
    await waitForInteractiveMap(session.page);

    expect(await layoutBoxes(session)).toEqual(layoutBefore);
    const pointsAfter = await screenPoints(session, slugs);
    pointsAfter.forEach((point, index) => {
      const before = pointsBefore[index]!;
      expect(point, slugs[index]).not.toBeNull();
      // Both maps are Mercator views of the same bounds, so a district stays within a few pixels.
      expect(Math.hypot(point!.x - before.x, point!.y - before.y), slugs[index]).toBeLessThan(3);
    });
  });

  test('SVG map has accessible district links and keyboard tooltips', async () => {
    // MapLibre's chunk never arrives, so the SVG map is the one on display.
    await session.page.route('**/_astro/choropleth-maplibre.*.js', () => new Promise(() => {}));
    await session.page.goto(`${baseUrl}/`);
    await waitForMap(session.page);

    const link = session.page.getByTestId('map-district').first();
    expect(await link.getAttribute('aria-label')).toMatch(/\. Поступило обращений: \d/);
    await session.page.check('#metric-resolvedShare');
    expect(await link.getAttribute('aria-label')).toMatch(/\. Доля решённых: \d/);

    let focused: string | null = null;
    for (let presses = 0; presses < 40 && focused === null; presses++) {
      await session.page.keyboard.press('Tab');
      focused = await session.page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return element?.matches('[data-testid="map-district"]') ? (element.dataset.slug ?? '') : null;
      });
    }
    expect(focused).not.toBeNull();
    await expect.poll(() => session.page.locator('[data-tooltip]').textContent()).toContain('Enter');

    const results = await new AxeBuilder({ page: session.page }).include('[data-choropleth]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  test('metric switch changes legend', async () => {
    await session.page.goto(`${baseUrl}/`);
    await waitForInteractiveMap(session.page);
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
    await waitForInteractiveMap(session.page);
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
    await waitForInteractiveMap(session.page);

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

  test('without WebGL the SVG map stays with tooltips and links', async () => {
    await session.page.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        return type.startsWith('webgl') ? null : getContext.call(this, type as '2d', ...(rest as []));
      } as typeof getContext;
    });
    await session.page.goto(`${baseUrl}/`);
    await waitForMap(session.page);
    const map = session.page.getByTestId('choropleth');
    await map.scrollIntoViewIfNeeded();
    await map.hover();
    const state = await waitForInteractiveMap(session.page);

    expect(state.interactiveMapReady).toBe(false);
    expect(state.interactiveMapError).toBeTruthy();
    expect(await session.page.locator('[data-map-svg]').isVisible()).toBe(true);
    expect(await session.page.locator('[data-map-failed]').isVisible()).toBe(true);

    const [slug] = await tableSlugs(session);
    const point = (await screenPoints(session, [slug]))[0]!;
    await session.page.mouse.move(point.x, point.y);
    const tooltip = session.page.locator('[data-tooltip]');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    const name = await session.page.locator(`[data-testid="district-link"][data-slug="${slug}"]`).textContent();
    expect(await tooltip.textContent()).toContain(name!.trim());
    // The outline drawn over the hovered district is an unfilled copy of its path.
    const outline = session.page.locator('[data-map-highlight]');
    expect(await outline.getAttribute('d')).toBe(await session.page.locator(`[data-testid="map-district"][data-slug="${slug}"] path`).getAttribute('d'));
    expect(await outline.evaluate((element) => getComputedStyle(element).fill)).toBe('none');

    await session.page.mouse.click(point.x, point.y);
    await session.page.waitForURL(`${baseUrl}/districts/${slug}/`);
  });
});
