// The data island of the home map: what the build hands to scripts/choropleth.ts as JSON, so the
// browser needs neither the dictionary nor aggregates.json.

import { DEFAULT_MAP_METRIC, MAP_METRICS, type MapMetric } from './metrics.ts';
import { districtDisplayName, localizedPath, metricLabel, translate, type Locale } from './i18n.ts';
import type { Position } from './geometry.ts';
import type { Snapshot } from './snapshot.ts';

export interface ChoroplethDistrict {
  slug: string;
  /** Name as in the boundaries' `district` property, the join key. */
  district: string;
  /** Name shown in this locale. */
  name: string;
  href: string;
  labelPoint: Position | null;
  values: Record<MapMetric, number | null>;
}

export interface ChoroplethData {
  locale: Locale;
  timeZone: string;
  boundariesUrl: string;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  defaultMetric: MapMetric;
  districts: ChoroplethDistrict[];
  strings: {
    noData: string;
    tooltipOpen: string;
    tooltipKeyboard: string;
    attribution: string;
    cooperativeGestures: string;
    zoomIn: string;
    zoomOut: string;
    toggleAttribution: string;
    metricLabels: Record<MapMetric, string>;
    mapLabels: Record<MapMetric, string>;
  };
}

export function buildChoroplethData(snapshot: Snapshot, locale: Locale): ChoroplethData {
  const metricLabels = Object.fromEntries(MAP_METRICS.map((metric) => [metric, metricLabel(locale, metric)])) as Record<MapMetric, string>;
  const mapLabels = Object.fromEntries(
    MAP_METRICS.map((metric) => [metric, translate(locale, 'home.mapLabel', { metric: metricLabels[metric] })]),
  ) as Record<MapMetric, string>;

  const collator = new Intl.Collator(locale);
  const districts = snapshot.region.districts
    .map((district) => ({
      slug: district.slug,
      district: district.district,
      name: districtDisplayName(locale, district),
      href: localizedPath(locale, `/districts/${district.slug}/`),
      labelPoint: snapshot.labelPoints.get(district.district) ?? null,
      values: Object.fromEntries(MAP_METRICS.map((metric) => [metric, district.metrics[metric]])) as Record<MapMetric, number | null>,
    }))
    .sort((a, b) => collator.compare(a.name, b.name));

  return {
    locale,
    timeZone: snapshot.region.timeZone,
    boundariesUrl: `${import.meta.env.BASE_URL.replace(/\/$/, '')}${snapshot.boundariesPath}`,
    bounds: snapshot.bounds,
    defaultMetric: DEFAULT_MAP_METRIC,
    districts,
    strings: {
      noData: translate(locale, 'noData'),
      tooltipOpen: translate(locale, 'home.tooltipOpen'),
      tooltipKeyboard: translate(locale, 'home.tooltipKeyboard'),
      attribution: translate(locale, 'map.attribution'),
      cooperativeGestures: translate(locale, 'map.cooperativeGestures'),
      zoomIn: translate(locale, 'map.zoomIn'),
      zoomOut: translate(locale, 'map.zoomOut'),
      toggleAttribution: translate(locale, 'map.toggleAttribution'),
      metricLabels,
      mapLabels,
    },
  };
}
