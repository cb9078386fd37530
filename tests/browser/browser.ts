// Headless Chromium for the browser tests, driven by playwright-core. Every request to a host
// other than 127.0.0.1 is recorded and aborted, and console errors and page errors are collected,
// so a test can assert that the site stays on its own origin and logs no error.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type {} from '../../site/src/lib/test-hook.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Names other than 127.0.0.1 resolve to nothing, so no request can leave the machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export const VIEWPORTS = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 375, height: 740 },
} as const;

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** URLs of requests to any host but 127.0.0.1, all aborted. */
  foreignRequests: string[];
  /** Console messages of type "error" and uncaught page errors. */
  consoleErrors: string[];
  close(): Promise<void>;
}

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1';
}

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  javaScriptEnabled?: boolean;
}

/**
 * Launches Chromium with a fresh profile folder and opens one page. `close` ends the browser and
 * deletes the profile.
 */
export async function openBrowser({ viewport = VIEWPORTS.desktop, javaScriptEnabled = true }: BrowserOptions = {}): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'open-district-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    javaScriptEnabled,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
  });

  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    foreignRequests.push(url);
    return route.abort('blockedbyclient');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));

  return {
    context,
    page,
    foreignRequests,
    consoleErrors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the home page's SVG map has painted and returns the test hook's state. */
export async function waitForMap(page: Page, timeout = 30_000) {
  await page.waitForFunction(() => window.__openDistrict?.mapReady === true, null, { timeout });
  return page.evaluate(() => window.__openDistrict!);
}

/**
 * Waits until MapLibre's map has replaced the home page's SVG map, or has failed and left the SVG,
 * and returns the test hook's state.
 */
export async function waitForInteractiveMap(page: Page, timeout = 30_000) {
  await page.waitForFunction(
    () => window.__openDistrict?.interactiveMapReady === true || window.__openDistrict?.interactiveMapError !== undefined,
    null,
    { timeout },
  );
  return page.evaluate(() => window.__openDistrict!);
}
