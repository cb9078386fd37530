// The explorer's district map: MapLibre draws the snapshot's boundaries coloured by a metric of
// the filtered appeals, and a click on a district adds it to the district filter or removes it.
// Like the home map, the style has no tiles, glyphs or sprites, so nothing loads from elsewhere.

import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { ExplorerConfig } from '../lib/explorer-config.ts';
import { fillTemplate } from '../lib/explorer-i18n.ts';
import type { Formatters } from '../lib/format.ts';
import { findLabelPoint, type PolygonGeometry, type Position } from '../lib/geometry.ts';
import { classify, formatClassRange, formatMetric, METRIC_KINDS, NO_DATA_COLOR, type MapMetric } from '../lib/metrics.ts';
import { INTL_LOCALES } from '../lib/format.ts';
import type { Metrics } from './explorer-queries.ts';

const SOURCE_ID = 'districts';
const FILL_LAYER = 'district-fill';

interface BoundaryFeature {
  type: 'Feature';
  properties: { district: string; slug?: string; population?: number | null };
  geometry: PolygonGeometry;
}

interface BoundaryCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
}

export interface DistrictValue {
  district: string;
  name: string;
  value: number | null;
}

/** Computes a map metric from a district's metrics and population. */
export function metricValue(metric: MapMetric, metrics: Metrics | undefined, population: number | null | undefined): number | null {
  const received = metrics?.received ?? 0;
  switch (metric) {
    case 'received':
      return received;
    case 'perThousand':
      return population ? (received / population) * 1000 : null;
    case 'medianDaysToFirstAnswer':
      return metrics?.medianDays ?? null;
    case 'overdueShare':
      return received > 0 ? (metrics?.overdue ?? 0) / received : null;
    case 'resolvedShare':
      return received > 0 ? (metrics?.resolved ?? 0) / received : null;
  }
}

export interface MapController {
  /** Recolours the districts and marks the selected ones. */
  render(metric: MapMetric, districts: Map<string, Metrics>, selected: readonly string[]): void;
  /** District values of the last render, for the map's data download. */
  values(): DistrictValue[];
  /** Viewport coordinates of a point inside a district, for tests. */
  districtScreenPoint(district: string): { x: number; y: number } | null;
  ready: Promise<boolean>;
}

function boundsOf(collection: BoundaryCollection): [number, number, number, number] {
  const bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const feature of collection.features) {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const [x, y] of polygons.flat(2)) {
      bounds[0] = Math.min(bounds[0], x);
      bounds[1] = Math.min(bounds[1], y);
      bounds[2] = Math.max(bounds[2], x);
      bounds[3] = Math.max(bounds[3], y);
    }
  }
  return bounds;
}

export async function setupMap(
  root: HTMLElement,
  config: ExplorerConfig,
  formatters: Formatters,
  boundariesUrl: string,
  onToggleDistrict: (district: string) => void,
  selectedDistricts: () => readonly string[],
): Promise<MapController> {
  const container = root.querySelector<HTMLElement>('[data-map]')!;
  const tooltip = root.querySelector<HTMLElement>('[data-tooltip]')!;
  const legend = root.querySelector<HTMLElement>('[data-legend]')!;

  const response = await fetch(boundariesUrl);
  if (!response.ok) throw new Error(`Boundaries not loaded: ${boundariesUrl} returned HTTP ${response.status}`);
  const boundaries = (await response.json()) as BoundaryCollection;
  const population = new Map(boundaries.features.map((feature) => [feature.properties.district, feature.properties.population ?? null]));
  const labelPoints = new Map<string, Position>(boundaries.features.map((feature) => [feature.properties.district, findLabelPoint(feature.geometry)]));
  const nameOf = (district: string) => config.districtNames[district] ?? district;

  let metric: MapMetric = 'received';
  let current: DistrictValue[] = [];
  let selected = new Set<string>();
  let map: maplibregl.Map | null = null;

  const renderLegend = (values: DistrictValue[]) => {
    const { classes } = classify(metric, values.map((entry) => entry.value));
    const items = classes.map((range) => ({ color: range.color, label: formatClassRange(range, METRIC_KINDS[metric], INTL_LOCALES[config.locale]) }));
    if (values.some((entry) => entry.value === null)) items.push({ color: NO_DATA_COLOR, label: config.common.noData });
    const list = document.createElement('ul');
    list.className = 'legend__items';
    for (const item of items) {
      const swatch = document.createElement('span');
      swatch.className = 'legend__swatch';
      swatch.style.background = item.color;
      const entry = document.createElement('li');
      entry.append(swatch, item.label);
      list.append(entry);
    }
    legend.replaceChildren(Object.assign(document.createElement('p'), { className: 'legend__title', textContent: config.metricLabels[metric] }), list);
  };

  const paint = () => {
    if (!map || !map.isStyleLoaded()) return;
    const { colorOf } = classify(metric, current.map((entry) => entry.value));
    for (const entry of current) {
      map.setFeatureState({ source: SOURCE_ID, id: entry.district }, { fill: colorOf(entry.value), selected: selected.has(entry.district) });
    }
    map.getCanvas().setAttribute('aria-label', fillTemplate(config.strings['map.label'], { metric: config.metricLabels[metric] }));
  };

  const controller: MapController = {
    render(nextMetric, districts, selectedList) {
      metric = nextMetric;
      selected = new Set(selectedList);
      current = boundaries.features.map((feature) => {
        const district = feature.properties.district;
        return { district, name: nameOf(district), value: metricValue(metric, districts.get(district), population.get(district)) };
      });
      renderLegend(current);
      paint();
    },
    values: () => current,
    districtScreenPoint(district) {
      const point = labelPoints.get(district);
      if (!map || !point) return null;
      const projected = map.project(point);
      const frame = map.getCanvas().getBoundingClientRect();
      return { x: frame.left + projected.x, y: frame.top + projected.y };
    },
    ready: Promise.resolve(false),
  };

  try {
    maplibregl.setWorkerUrl(workerUrl);
    map = new maplibregl.Map({
      container,
      style: {
        version: 8,
        sources: { [SOURCE_ID]: { type: 'geojson', data: boundaries as unknown as GeoJSON.FeatureCollection, promoteId: 'district', attribution: config.common.attribution } },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#e8ecef' } },
          { id: FILL_LAYER, type: 'fill', source: SOURCE_ID, paint: { 'fill-color': ['to-color', ['coalesce', ['feature-state', 'fill'], NO_DATA_COLOR]] } },
          { id: 'district-outline', type: 'line', source: SOURCE_ID, paint: { 'line-color': '#ffffff', 'line-width': 1 } },
          {
            id: 'district-selected',
            type: 'line',
            source: SOURCE_ID,
            paint: { 'line-color': '#111111', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 0] },
          },
        ],
      },
      bounds: boundsOf(boundaries),
      fitBoundsOptions: { padding: 8 },
      renderWorldCopies: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      cooperativeGestures: window.matchMedia('(pointer: coarse)').matches,
      attributionControl: { compact: true },
      locale: {
        'NavigationControl.ZoomIn': config.common.zoomIn,
        'NavigationControl.ZoomOut': config.common.zoomOut,
        'AttributionControl.ToggleAttribution': config.common.toggleAttribution,
        'CooperativeGesturesHandler.MobileHelpText': config.common.cooperativeGestures,
      },
    });
  } catch (error) {
    root.querySelector<HTMLElement>('[data-map-failed]')?.removeAttribute('hidden');
    container.hidden = true;
    console.warn(`Explorer map not drawn: ${error instanceof Error ? error.message : String(error)}`);
    return controller;
  }

  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  const loadedMap = map;

  loadedMap.on('mousemove', FILL_LAYER, (event) => {
    const district = event.features?.[0]?.properties?.district;
    if (typeof district !== 'string') return;
    loadedMap.getCanvas().style.cursor = 'pointer';
    const entry = current.find((candidate) => candidate.district === district);
    const value = formatMetric(entry?.value ?? null, METRIC_KINDS[metric], formatters, config.common.noData);
    const hint = selectedDistricts().includes(district) ? config.strings['map.tooltipToggleOff'] : config.strings['map.tooltipToggleOn'];
    tooltip.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: nameOf(district) }),
      Object.assign(document.createElement('span'), { textContent: `${config.metricLabels[metric]}: ${value}` }),
      Object.assign(document.createElement('span'), { className: 'map-tooltip__hint', textContent: hint }),
    );
    tooltip.hidden = false;
    const frame = container.getBoundingClientRect();
    tooltip.style.left = `${Math.max(4, Math.min(event.point.x + 12, frame.width - tooltip.offsetWidth - 4))}px`;
    tooltip.style.top = `${Math.max(4, event.point.y + 12 + tooltip.offsetHeight > frame.height ? event.point.y - tooltip.offsetHeight - 12 : event.point.y + 12)}px`;
  });
  loadedMap.on('mouseleave', FILL_LAYER, () => {
    loadedMap.getCanvas().style.cursor = '';
    tooltip.hidden = true;
  });
  loadedMap.on('click', FILL_LAYER, (event) => {
    const district = event.features?.[0]?.properties?.district;
    if (typeof district === 'string') onToggleDistrict(district);
  });
  loadedMap.on('error', (event) => console.error('Explorer map error:', event.error?.message ?? event));

  controller.ready = new Promise((resolve) => {
    loadedMap.on('load', () => {
      paint();
      loadedMap.once('idle', () => resolve(true));
    });
  });
  return controller;
}
