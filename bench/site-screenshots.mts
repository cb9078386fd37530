// Screenshots of the explorer with a filter applied and an appeal's detail view open, on a desktop
// and a phone viewport in both languages, for a person to look at. Usage:
//   npx tsx bench/site-screenshots.ts BASE_URL [OUT_DIR]
// BASE_URL is a running `astro preview` of a build on 127.0.0.1; OUT_DIR defaults to
// /tmp/screens-explorer.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type {} from '../site/src/lib/explorer-hook.ts';

const baseUrl = process.argv[2];
const outDir = process.argv[3] ?? '/tmp/screens-explorer';
if (!baseUrl || !/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) {
  process.stderr.write('Usage: npx tsx bench/site-screenshots.ts http://127.0.0.1:PORT [OUT_DIR]\n');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const VIEWPORTS = { desktop: { width: 1366, height: 900 }, phone: { width: 375, height: 740 } } as const;
const QUERY = '?district=Невский&status=resolved&status=answered&from=2020-12-01&to=2021-02-28';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
try {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    for (const locale of ['ru', 'en']) {
      const page = await browser.newPage({ viewport, locale: locale === 'ru' ? 'ru-RU' : 'en-GB', timezoneId: 'Europe/Moscow' });
      await page.goto(`${baseUrl}${locale === 'en' ? '/en' : ''}/explorer/${QUERY}`);
      await page.waitForFunction(() => window.__openDistrictExplorer?.ready || window.__openDistrictExplorer?.error, null, { timeout: 120_000 });
      await page.waitForFunction(() => window.__openDistrictExplorer?.mapReady, null, { timeout: 30_000 }).catch(() => undefined);
      await page.screenshot({ path: path.join(outDir, `explorer-${device}-${locale}.png`), fullPage: true });
      // The first screens, at a size a person can read without zooming into the full page.
      const height = device === 'phone' ? 2200 : 1500;
      await page.screenshot({ path: path.join(outDir, `explorer-${device}-${locale}-top.png`), fullPage: true, clip: { x: 0, y: 0, width: viewport.width, height } });
      await page.click('[data-table-body] button[data-appeal]');
      await page.waitForSelector('[data-appeal-dialog][data-loaded]', { timeout: 30_000 });
      await page.screenshot({ path: path.join(outDir, `explorer-${device}-${locale}-detail.png`) });
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(`Screenshots written to ${outDir}\n`);
