// The explorer's data island: what the build hands to the browser as JSON, so the page's scripts
// need neither the dictionaries nor the snapshot's build-time files. `buildExplorerConfig` runs
// in Node during `astro build`; browser code imports only the types of this module.

import { APPEAL_COLUMNS, APPEAL_STATUSES, EVENT_KINDS, STATUS_EVENT_COLUMNS, type AppealStatus, type EventKind } from '../../../etl/schema.ts';
import { EXPLORER_DICTIONARY, fillTemplate, type ExplorerMessageKey } from './explorer-i18n.ts';
import { timeZoneOffsetMs } from './explorer-sql.ts';
import { districtDisplayName, metricLabel, translate, type Locale } from './i18n.ts';
import { MAP_METRICS, type MapMetric } from './metrics.ts';
import type { Snapshot } from './snapshot.ts';

export interface SchemaColumn {
  name: string;
  type: string;
  description: string;
  unit: string | null;
}

export interface ExampleQuery {
  title: string;
  sql: string;
}

export interface ExplorerConfig {
  locale: Locale;
  /** Site base path without a trailing slash, "" at the root. */
  basePath: string;
  /** Snapshot the page was built with, opened when the snapshot list cannot be read. */
  buildSnapshot: string;
  timeZone: string;
  /** Display names of region ids, e.g. "spb" → "Санкт-Петербург". */
  regionNames: Record<string, string>;
  /** Display names of districts by their name in the data; English spells them from slugs. */
  districtNames: Record<string, string>;
  strings: Record<ExplorerMessageKey, string>;
  statusLabels: Record<AppealStatus, string>;
  eventLabels: Record<EventKind, string>;
  metricLabels: Record<MapMetric, string>;
  /** Short labels of site-wide terms the scripts need. */
  common: { noData: string; attribution: string; zoomIn: string; zoomOut: string; toggleAttribution: string; cooperativeGestures: string };
  schema: { appeals: SchemaColumn[]; status_events: SchemaColumn[] };
  /** The console's note on its scope and on local time, with the region's offset filled in. */
  consoleScope: string;
  examples: ExampleQuery[];
}

const EXAMPLE_SQL = {
  count: `SELECT district, count(*) AS appeals,
  round(100.0 * count(*) FILTER (WHERE overdue) / count(*), 1) AS overdue_percent
FROM appeals
GROUP BY district
ORDER BY appeals DESC`,
  agencies: `SELECT agency, count(*) AS appeals,
  round(100.0 * count(*) FILTER (WHERE overdue) / count(*), 1) AS overdue_percent,
  round(median(days_to_first_answer), 1) AS median_days
FROM appeals
GROUP BY agency
HAVING count(*) >= 50
ORDER BY overdue_percent DESC
LIMIT 20`,
  weekly: `SELECT date_trunc('week', created_at::TIMESTAMP)::DATE AS week_utc,
  count(*) AS created,
  count(first_answer_at) AS answered
FROM appeals
GROUP BY 1
ORDER BY 1`,
  events: `SELECT kind, count(*) AS events, count(DISTINCT appeal_id) AS appeals
FROM status_events
GROUP BY kind
ORDER BY events DESC`,
  describe: 'DESCRIBE appeals',
} as const;

function schemaColumns(locale: Locale, columns: typeof APPEAL_COLUMNS): SchemaColumn[] {
  return columns.map((column) => ({
    name: column.name,
    type: column.type,
    description: column.description[locale],
    unit: column.unit ? column.unit[locale] : null,
  }));
}

export function buildExplorerConfig(snapshot: Snapshot, locale: Locale): ExplorerConfig {
  const strings = EXPLORER_DICTIONARY[locale];
  const districtNames = Object.fromEntries(snapshot.region.districts.map((district) => [district.district, districtDisplayName(locale, district)]));
  const regionNames = Object.fromEntries(snapshot.aggregates.regions.map((region) => [region.id, region.name[locale]]));

  return {
    locale,
    basePath: import.meta.env.BASE_URL.replace(/\/$/, ''),
    buildSnapshot: snapshot.id,
    timeZone: snapshot.region.timeZone,
    regionNames,
    districtNames,
    strings,
    statusLabels: Object.fromEntries(APPEAL_STATUSES.map((status) => [status, translate(locale, `status.${status}`)])) as Record<AppealStatus, string>,
    eventLabels: Object.fromEntries(EVENT_KINDS.map((kind) => [kind, strings[`event.${kind}`]])) as Record<EventKind, string>,
    metricLabels: Object.fromEntries(MAP_METRICS.map((metric) => [metric, metricLabel(locale, metric)])) as Record<MapMetric, string>,
    common: {
      noData: translate(locale, 'noData'),
      attribution: translate(locale, 'map.attribution'),
      zoomIn: translate(locale, 'map.zoomIn'),
      zoomOut: translate(locale, 'map.zoomOut'),
      toggleAttribution: translate(locale, 'map.toggleAttribution'),
      cooperativeGestures: translate(locale, 'map.cooperativeGestures'),
    },
    schema: { appeals: schemaColumns(locale, APPEAL_COLUMNS), status_events: schemaColumns(locale, STATUS_EVENT_COLUMNS) },
    consoleScope: consoleScope(strings['sql.scope'], snapshot.region.timeZone, Date.parse(snapshot.manifest.createdAt)),
    examples: (Object.keys(EXAMPLE_SQL) as (keyof typeof EXAMPLE_SQL)[]).map((key) => ({
      title: strings[`sql.example.${key}`],
      sql: EXAMPLE_SQL[key],
    })),
  };
}

/**
 * Fills the console's note on scope and times with the region's UTC offset when the snapshot was
 * made: in hours for the SQL, or in minutes where the offset is not whole hours (Asia/Kolkata).
 */
export function consoleScope(template: string, timeZone: string, at: number): string {
  const minutes = Math.round(timeZoneOffsetMs(at, timeZone) / 60_000);
  const whole = minutes % 60 === 0;
  const amount = whole ? minutes / 60 : minutes;
  const interval = `${amount < 0 ? `(${amount})` : amount} ${whole ? 'HOUR' : 'MINUTE'}`;
  const hours = `${Math.trunc(Math.abs(minutes) / 60)}${whole ? '' : `:${String(Math.abs(minutes) % 60).padStart(2, '0')}`}`;
  return fillTemplate(template, { interval, zone: timeZone, sign: minutes < 0 ? '−' : '+', hours });
}

/**
 * The explorer's Content-Security-Policy. The page and its workers reach only the site's own
 * origin. `wasm-unsafe-eval` lets DuckDB-WASM compile its WebAssembly; a `blob:` worker is how
 * DuckDB-WASM starts its worker under this policy; inline styles are needed by stylesheets that
 * Astro inlines and by style attributes in SVG and MapLibre markup. A server can send the same
 * text as a header (see the NOTE on serving below).
 *
 * NOTE: a <meta> policy cannot carry frame-ancestors. Served by nginx, the same policy as a header:
 *   location ~ ^/(en/)?explorer/ {
 *     add_header Content-Security-Policy "<EXPLORER_CSP> ; frame-ancestors 'self'" always;
 *   }
 * and keep Range requests on for /snapshots/ (nginx serves them for static files by default).
 */
export const EXPLORER_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');
