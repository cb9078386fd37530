// The home map's MapLibre layer, imported by scripts/choropleth.ts only after the SVG map has
// painted. It draws the snapshot's boundaries, served by our own origin, in a container hidden over
// the SVG, colours them with the build's classes and hands the map over once MapLibre has rendered.
// The style has only a background layer and our GeoJSON source: no tiles, glyphs or sprites.

import type * as maplibregl from 'maplibre-gl';

import { createDistrictMap } from './district-map.ts';
import type { ChoroplethData, ChoroplethDistrict } from '../lib/choropleth-data.ts';
import type { MapMetric } from '../lib/metrics.ts';

const SOURCE_ID = 'districts';
const FILL_LAYER = 'district-fill';
const BACKGROUND_COLOR = '#e8ecef';

type Point = { x: number; y: number };

/** A drawn map as the home page's script uses it, whether the SVG or MapLibre's. */
export interface MapView {
  /** The district's label point relative to the map container, or null when unknown. */
  project(district: ChoroplethDistrict): Point | null;
  /** The district's label point in viewport coordinates, or null when unknown. */
  screenPoint(district: ChoroplethDistrict): Point | null;
  /** Outlines one district, or none. */
  highlight(district: ChoroplethDistrict | null): void;
}

/** Page state, tooltip and hand-over that scripts/choropleth.ts shares with this module. */
export interface InteractiveMapContext {
  data: ChoroplethData;
  /** The element the SVG map fills. The MapLibre container is added inside it. */
  container: HTMLElement;
  currentMetric(): MapMetric;
  onMetricChange(listener: (metric: MapMetric) => void): void;
  showTooltip(district: ChoroplethDistrict, point: Point): void;
  hideTooltip(): void;
  setHighlight(district: ChoroplethDistrict | null): void;
  /** Shows MapLibre's map in place of the SVG: `reveal` makes the MapLibre container visible. */
  swapIn(view: MapView, renderedDistricts: number, reveal: () => void): void;
  /** Keeps the SVG map and reports why MapLibre's map was not drawn. */
  fail(error: unknown): void;
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
        paint: { 'fill-color': ['to-color', ['coalesce', ['feature-state', 'fill'], data.noDataColor]] },
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

export function mountInteractiveMap(context: InteractiveMapContext): void {
  const { data } = context;
  const byDistrict = new Map(data.districts.map((district) => [district.district, district]));

  const mapContainer = document.createElement('div');
  mapContainer.className = 'choropleth__maplibre';
  context.container.append(mapContainer);

  let map: maplibregl.Map;
  try {
    map = createDistrictMap({
      container: mapContainer,
      style: createStyle(data),
      bounds: data.bounds,
      padding: 12,
      title: data.strings.mapLabels[context.currentMetric()],
      strings: data.strings,
    });
  } catch (error) {
    mapContainer.remove();
    context.fail(error);
    return;
  }

  let highlighted: string | null = null;
  const highlight = (district: ChoroplethDistrict | null) => {
    const name = district?.district ?? null;
    if (highlighted === name) return;
    if (highlighted !== null) map.setFeatureState({ source: SOURCE_ID, id: highlighted }, { highlight: false });
    highlighted = name;
    if (name !== null) map.setFeatureState({ source: SOURCE_ID, id: name }, { highlight: true });
  };

  const applyMetric = (metric: MapMetric) => {
    for (const district of data.districts) {
      map.setFeatureState({ source: SOURCE_ID, id: district.district }, { fill: district.colors[metric] });
    }
    map.getCanvas().setAttribute('aria-label', data.strings.mapLabels[metric]);
  };
  // Feature state needs the source, so a metric picked before the style has loaded waits for `load`.
  let styleLoaded = false;
  context.onMetricChange((metric) => {
    if (styleLoaded) applyMetric(metric);
  });

  const districtAt = (event: maplibregl.MapLayerMouseEvent) => {
    const name = event.features?.[0]?.properties?.district;
    return typeof name === 'string' ? byDistrict.get(name) : undefined;
  };
  map.on('mousemove', FILL_LAYER, (event) => {
    const district = districtAt(event);
    if (!district) return;
    map.getCanvas().style.cursor = 'pointer';
    context.setHighlight(district);
    context.showTooltip(district, event.point);
  });
  map.on('mouseleave', FILL_LAYER, () => {
    map.getCanvas().style.cursor = '';
    context.hideTooltip();
  });
  map.on('click', FILL_LAYER, (event) => {
    const district = districtAt(event);
    if (district) window.location.assign(district.href);
  });

  const project = (district: ChoroplethDistrict) => (district.labelPoint ? map.project(district.labelPoint) : null);
  const view: MapView = {
    project,
    screenPoint(district) {
      const point = project(district);
      if (!point) return null;
      const frame = map.getCanvas().getBoundingClientRect();
      return { x: frame.left + point.x, y: frame.top + point.y };
    },
    highlight,
  };

  map.on('load', () => {
    styleLoaded = true;
    applyMetric(context.currentMetric());
  });

  map.once('idle', () => {
    const rendered = new Set(map.queryRenderedFeatures({ layers: [FILL_LAYER] }).map((feature) => feature.properties?.district));
    context.swapIn(view, rendered.size, () => mapContainer.classList.add('choropleth__maplibre--ready'));
  });

  map.on('error', (event) => {
    console.error('Choropleth map error:', event.error?.message ?? event);
  });
}
