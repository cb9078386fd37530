// The data island of the home map: what the build hands to scripts/choropleth.ts as JSON, so the
// browser needs neither the dictionary nor aggregates.json. Values come formatted and colours
// classified, so the browser's first map script loads no d3 and no number formatting.

import { createFormatters } from './format.ts';
import { classify, DEFAULT_MAP_METRIC, formatMetric, MAP_METRICS, METRIC_KINDS, NO_DATA_COLOR, type MapMetric } from './metrics.ts';
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
  /** Each value formatted with the page's locale, or the "no data" text. */
  formatted: Record<MapMetric, string>;
  /** Fill colour of each metric's class. */
  colors: Record<MapMetric, string>;
}

export interface ChoroplethData {
  locale: Locale;
  metrics: MapMetric[];
  boundariesUrl: string;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  defaultMetric: MapMetric;
  /** Fill of a polygon with no district in `districts`. */
  noDataColor: string;
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
    /** Accessible name of a district on the map, with {name}, {metric} and {value} placeholders. */
    districtTitle: string;
  };
}

export function buildChoroplethData(snapshot: Snapshot, locale: Locale): ChoroplethData {
  const metricLabels = Object.fromEntries(MAP_METRICS.map((metric) => [metric, metricLabel(locale, metric)])) as Record<MapMetric, string>;
  const mapLabels = Object.fromEntries(
    MAP_METRICS.map((metric) => [metric, translate(locale, 'home.mapLabel', { metric: metricLabels[metric] })]),
  ) as Record<MapMetric, string>;

  const formatters = createFormatters(locale, snapshot.region.timeZone);
  const noData = translate(locale, 'noData');
  const { districts: regionDistricts } = snapshot.region;
  const colorOf = Object.fromEntries(
    MAP_METRICS.map((metric) => [metric, classify(metric, regionDistricts.map((district) => district.metrics[metric])).colorOf]),
  ) as Record<MapMetric, (value: number | null) => string>;
  const perMetric = <T,>(value: (metric: MapMetric) => T) => Object.fromEntries(MAP_METRICS.map((metric) => [metric, value(metric)])) as Record<MapMetric, T>;

  const collator = new Intl.Collator(locale);
  const districts = regionDistricts
    .map((district) => ({
      slug: district.slug,
      district: district.district,
      name: districtDisplayName(locale, district),
      href: localizedPath(locale, `/districts/${district.slug}/`),
      labelPoint: snapshot.labelPoints.get(district.district) ?? null,
      values: perMetric((metric) => district.metrics[metric]),
      formatted: perMetric((metric) => formatMetric(district.metrics[metric], METRIC_KINDS[metric], formatters, noData)),
      colors: perMetric((metric) => colorOf[metric](district.metrics[metric])),
    }))
    .sort((a, b) => collator.compare(a.name, b.name));

  return {
    locale,
    metrics: [...MAP_METRICS],
    boundariesUrl: `${import.meta.env.BASE_URL.replace(/\/$/, '')}${snapshot.boundariesPath}`,
    bounds: snapshot.bounds,
    defaultMetric: DEFAULT_MAP_METRIC,
    noDataColor: NO_DATA_COLOR,
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
      districtTitle: translate(locale, 'home.mapDistrictTitle'),
    },
  };
}
