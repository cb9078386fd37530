// Browser module of the home page. It draws the district choropleth with MapLibre from the
// snapshot's boundaries, served by our own origin, and recolours it when the metric switch changes.
// Tooltips show on hover and on keyboard focus of the table's links. The style has only a
// background layer and our GeoJSON source: no tiles, glyphs or sprites.

import type * as maplibregl from 'maplibre-gl';

import { createDistrictMap } from './district-map.ts';
import type { ChoroplethData, ChoroplethDistrict } from '../lib/choropleth-data.ts';
import { createFormatters } from '../lib/format.ts';
import { classify, formatMetric, isMapMetric, METRIC_KINDS, NO_DATA_COLOR, type MapMetric } from '../lib/metrics.ts';
import { setUpTableSorting } from './district-table.ts';
import type {} from '../lib/test-hook.ts';

const SOURCE_ID = 'districts';
const FILL_LAYER = 'district-fill';
const BACKGROUND_COLOR = '#e8ecef';

function readConfig(root: HTMLElement): ChoroplethData {
  const element = root.querySelector('[data-choropleth-config]');
  if (!element?.textContent) throw new Error('Choropleth config script [data-choropleth-config] is missing');
  return JSON.parse(element.textContent) as ChoroplethData;
}

function checkedMetric(root: HTMLElement, fallback: MapMetric): MapMetric {
  const value = root.querySelector<HTMLInputElement>('input[name="metric"]:checked')?.value;
  return isMapMetric(value) ? value : fallback;
}

function createStyle(data: ChoroplethData): maplibregl.StyleSpecification {
  return {
    version: 8,
    sources: {
      [SOURCE_ID]: {
        type: 'geojson',
        data: data.boundariesUrl,
        promoteId: 'district',
        attribution: data.strings.attribution,
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } },
      {
        id: FILL_LAYER,
        type: 'fill',
        source: SOURCE_ID,
        paint: { 'fill-color': ['to-color', ['coalesce', ['feature-state', 'fill'], NO_DATA_COLOR]] },
      },
      {
        id: 'district-outline',
        type: 'line',
        source: SOURCE_ID,
        paint: { 'line-color': '#ffffff', 'line-width': 1 },
      },
      {
        id: 'district-highlight',
        type: 'line',
        source: SOURCE_ID,
        paint: {
          'line-color': '#111111',
          'line-width': ['case', ['boolean', ['feature-state', 'highlight'], false], 3, 0],
        },
      },
    ],
  };
}

function start(root: HTMLElement): void {
  const data = readConfig(root);
  const formatters = createFormatters(data.locale, data.timeZone);
  const byDistrict = new Map(data.districts.map((district) => [district.district, district]));
  const bySlug = new Map(data.districts.map((district) => [district.slug, district]));

  const container = root.querySelector<HTMLElement>('[data-map]')!;
  const tooltip = root.querySelector<HTMLElement>('[data-tooltip]')!;
  const legend = root.querySelector<HTMLElement>('[data-legend]')!;
  const table = root.querySelector<HTMLTableElement>('[data-district-table]')!;

  let metric = checkedMetric(root, data.defaultMetric);
  const resort = setUpTableSorting(table, data.locale, () => checkedMetric(root, data.defaultMetric));
  root.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((input) => input.addEventListener('change', resort));

  let map: maplibregl.Map;
  try {
    map = createDistrictMap({ container, style: createStyle(data), bounds: data.bounds, padding: 12, title: data.strings.mapLabels[metric], strings: data.strings });
  } catch (error) {
    showMapFailure(root, error);
    return;
  }

  let highlighted: string | null = null;
  const setHighlight = (district: string | null) => {
    if (highlighted === district) return;
    if (highlighted !== null) map.setFeatureState({ source: SOURCE_ID, id: highlighted }, { highlight: false });
    highlighted = district;
    if (district !== null) map.setFeatureState({ source: SOURCE_ID, id: district }, { highlight: true });
  };

  const showTooltip = (district: ChoroplethDistrict, point: { x: number; y: number }, hint = data.strings.tooltipOpen) => {
    const value = formatMetric(district.values[metric], METRIC_KINDS[metric], formatters, data.strings.noData);
    tooltip.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: district.name }),
      Object.assign(document.createElement('span'), { textContent: `${data.strings.metricLabels[metric]}: ${value}` }),
      Object.assign(document.createElement('span'), { className: 'map-tooltip__hint', textContent: hint }),
    );
    tooltip.hidden = false;
    const frame = container.getBoundingClientRect();
    const left = Math.min(point.x + 12, frame.width - tooltip.offsetWidth - 4);
    const top = point.y + 12 + tooltip.offsetHeight > frame.height ? point.y - tooltip.offsetHeight - 12 : point.y + 12;
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  };

  const hideTooltip = () => {
    tooltip.hidden = true;
    setHighlight(null);
  };

  const applyMetric = (next: MapMetric) => {
    metric = next;
    const { colorOf } = classify(metric, data.districts.map((district) => district.values[metric]));
    for (const district of data.districts) {
      map.setFeatureState({ source: SOURCE_ID, id: district.district }, { fill: colorOf(district.values[metric]) });
    }
    legend.dataset.metric = metric;
    map.getCanvas().setAttribute('aria-label', data.strings.mapLabels[metric]);
    if (window.__openDistrict) window.__openDistrict.metric = metric;
  };

  root.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((input) => {
    input.addEventListener('change', () => {
      if (input.checked && isMapMetric(input.value)) applyMetric(input.value);
    });
  });

  map.on('mousemove', FILL_LAYER, (event) => {
    const name = event.features?.[0]?.properties?.district;
    const district = typeof name === 'string' ? byDistrict.get(name) : undefined;
    if (!district) return;
    map.getCanvas().style.cursor = 'pointer';
    setHighlight(district.district);
    showTooltip(district, event.point);
  });
  map.on('mouseleave', FILL_LAYER, () => {
    map.getCanvas().style.cursor = '';
    hideTooltip();
  });
  map.on('click', FILL_LAYER, (event) => {
    const name = event.features?.[0]?.properties?.district;
    const district = typeof name === 'string' ? byDistrict.get(name) : undefined;
    if (district) window.location.assign(district.href);
  });

  // Keyboard and pointer users of the table see the same tooltip at the district's label point.
  const projectDistrict = (district: ChoroplethDistrict) => (district.labelPoint ? map.project(district.labelPoint) : null);
  table.querySelectorAll<HTMLAnchorElement>('a[data-slug]').forEach((link) => {
    const district = bySlug.get(link.dataset.slug ?? '');
    if (!district) return;
    const show = (hint: string) => {
      const point = projectDistrict(district);
      setHighlight(district.district);
      if (point) showTooltip(district, point, hint);
    };
    link.addEventListener('focus', () => show(data.strings.tooltipKeyboard));
    link.addEventListener('blur', hideTooltip);
    link.closest('tr')?.addEventListener('mouseenter', () => show(data.strings.tooltipOpen));
    link.closest('tr')?.addEventListener('mouseleave', hideTooltip);
  });

  map.on('load', () => applyMetric(metric));

  map.once('idle', () => {
    const rendered = new Set(map.queryRenderedFeatures({ layers: [FILL_LAYER] }).map((feature) => feature.properties?.district));
    window.__openDistrict = {
      mapReady: true,
      renderedDistricts: rendered.size,
      metric,
      districtScreenPoint(slug) {
        const district = bySlug.get(slug);
        const point = district ? projectDistrict(district) : null;
        if (!point) return null;
        const frame = map.getCanvas().getBoundingClientRect();
        return { x: frame.left + point.x, y: frame.top + point.y };
      },
    };
    root.dataset.mapReady = 'true';
  });

  map.on('error', (event) => {
    console.error('Choropleth map error:', event.error?.message ?? event);
  });
}

function showMapFailure(root: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  root.querySelector<HTMLElement>('[data-map-failed]')?.removeAttribute('hidden');
  for (const selector of ['[data-map]', '[data-legend]', '[data-map-hint]']) {
    root.querySelector<HTMLElement>(selector)?.setAttribute('hidden', '');
  }
  window.__openDistrict = {
    mapReady: false,
    renderedDistricts: 0,
    metric: checkedMetric(root, 'received'),
    districtScreenPoint: () => null,
    error: message,
  };
  console.warn(`Choropleth map not drawn: ${message}`);
}

const root = document.querySelector<HTMLElement>('[data-choropleth]');
if (root) start(root);
