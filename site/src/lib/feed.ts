// Atom feeds (RFC 4287) of the kept snapshots, one per language: `/feed.xml` in Russian and
// `/en/feed.xml` in English. Each entry announces one snapshot with its date, counts, changes and
// the state of its sources, and links to its archive entry and manifest.
//
// Atom needs absolute URLs, so the site's origin comes from OPEN_DISTRICT_SITE_URL, else from
// Astro's `site` setting, else DEFAULT_SITE_URL, the address of `npm run serve`.

import { readSnapshotIndex, snapshotAnchor } from './archive.ts';
import { describeChanges, describeCounts, describeSourceReason, describeSourceStatus } from './archive-text.ts';
import { createFormatters } from './format.ts';
import { localizedPath, translate, type Locale } from './i18n.ts';
import { loadSnapshot } from './snapshot.ts';
import { DEFAULT_SITE_URL } from '../../integrations/site-url.mjs';
import { resolveSnapshotsDir } from '../../integrations/snapshots-dir.mjs';

/** Returns the site's origin, e.g. "https://example.org", with no trailing slash. */
export function siteOrigin(): string {
  // The build warns once when neither is set (site/integrations/site-url.mjs).
  const configured = process.env.OPEN_DISTRICT_SITE_URL?.trim() || import.meta.env.SITE;
  const value = configured || DEFAULT_SITE_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`OPEN_DISTRICT_SITE_URL is not a valid URL: "${value}". Expected an absolute http or https address such as https://example.org.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`OPEN_DISTRICT_SITE_URL must use http or https, got "${value}".`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`OPEN_DISTRICT_SITE_URL must be an origin such as https://example.org, got "${value}". To serve the site under a path, set Astro's base option instead.`);
  }
  return url.origin;
}

/**
 * Escapes text for XML element content and attribute values. Control characters that XML 1.0
 * forbids (they may come with an error message in a stale reason) are dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Builds the Atom document of one language. */
export function buildFeed(locale: Locale): string {
  const snapshot = loadSnapshot();
  const index = readSnapshotIndex(resolveSnapshotsDir(), snapshot.id);
  const formatters = createFormatters(locale, snapshot.region.timeZone);
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(locale, key, params);

  // localizedPath already carries Astro's base path, so only the origin is prefixed.
  const origin = siteOrigin();
  const absolute = (sitePath: string) => `${origin}${sitePath}`;
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  const feedUrl = absolute(localizedPath(locale, '/feed.xml'));
  const archiveUrl = absolute(localizedPath(locale, '/archive/'));
  const updated = index.snapshots.map((entry) => entry.createdAt).sort().at(-1) ?? snapshot.manifest.createdAt;

  const entries = index.snapshots.map((entry) => {
    const sources = entry.sources
      .map((source) => [`${source.title[locale]} — ${describeSourceStatus(source, locale, formatters)}`, describeSourceReason(source, locale)].filter(Boolean).join('. '))
      .join('; ');
    const summary = [describeCounts(entry, locale, formatters), describeChanges(entry, locale, formatters), t('feed.sources', { list: sources })].join(' ');
    const link = `${archiveUrl}#${snapshotAnchor(entry.id)}`;
    return [
      '  <entry>',
      `    <id>${escapeXml(link)}</id>`,
      `    <title>${escapeXml(t('feed.entryTitle', { id: entry.id }))}</title>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`,
      `    <link rel="related" type="application/json" href="${escapeXml(absolute(`${base}/snapshots/${entry.id}/manifest.json`))}"/>`,
      `    <published>${escapeXml(entry.createdAt)}</published>`,
      `    <updated>${escapeXml(entry.createdAt)}</updated>`,
      `    <summary type="text">${escapeXml(summary)}</summary>`,
      '  </entry>',
    ].join('\n');
  });

  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">`,
    `  <id>${escapeXml(feedUrl)}</id>`,
    `  <title>${escapeXml(t('feed.title'))}</title>`,
    `  <subtitle>${escapeXml(t('feed.subtitle'))}</subtitle>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(archiveUrl)}"/>`,
    `  <updated>${escapeXml(updated)}</updated>`,
    `  <author><name>${escapeXml(t('product'))}</name></author>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** Returns the feed as an HTTP response for a static endpoint. */
export function feedResponse(locale: Locale): Response {
  return new Response(buildFeed(locale), { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
