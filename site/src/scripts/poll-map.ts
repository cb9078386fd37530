// Browser module of the poll pages with an okrug map, the only poll module that loads MapLibre. It
// colours each drawn okrug by its leader's margin from the build's data island, numbers the okrugs
// with HTML markers (the style has no glyphs) and shows a tooltip on hover. The style has only a
// background layer and the snapshot's okrug GeoJSON from our own origin: no tiles, glyphs or sprites.

import * as maplibregl from 'maplibre-gl';

import { createDistrictMap } from './district-map.ts';
import type { PollMapArea, PollMapData } from '../lib/poll-map-data.ts';
import type {} from '../lib/poll-test-hook.ts';

const SOURCE_ID = 'okrugs';
const FILL_LAYER = 'okrug-fill';
const ID_PROPERTY = 'okrug_number';
const BACKGROUND_COLOR = '#e8ecef';
const NO_DATA_COLOR = '#bdbdbd';

function readConfig(root: HTMLElement): PollMapData {
  const element = root.querySelector('[data-poll-map-config]');
  if (!element?.textContent) throw new Error('Poll map config script [data-poll-map-config] is missing');
  return JSON.parse(element.textContent) as PollMapData;
}

function createStyle(data: PollMapData): maplibregl.StyleSpecification {
  return {
    version: 8,
    sources: {
      [SOURCE_ID]: { type: 'geojson', data: data.geojsonUrl, promoteId: ID_PROPERTY, attribution: data.strings.attribution },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } },
      {
        id: FILL_LAYER,
        type: 'fill',
        source: SOURCE_ID,
        paint: { 'fill-color': ['to-color', ['coalesce', ['feature-state', 'fill'], NO_DATA_COLOR]] },
      },
      { id: 'okrug-outline', type: 'line', source: SOURCE_ID, paint: { 'line-color': '#ffffff', 'line-width': 1.5 } },
      {
        id: 'okrug-highlight',
        type: 'line',
        source: SOURCE_ID,
        paint: { 'line-color': '#111111', 'line-width': ['case', ['boolean', ['feature-state', 'highlight'], false], 3, 0] },
      },
    ],
  };
}

function publishFailure(root: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  root.querySelector<HTMLElement>('[data-map-failed]')?.removeAttribute('hidden');
  for (const selector of ['[data-map]', '[data-map-hint]']) root.querySelector<HTMLElement>(selector)?.setAttribute('hidden', '');
  window.__openDistrictPollMap = { ready: false, renderedAreas: 0, error: message };
  console.warn(`Poll map not drawn: ${message}`);
}

function start(root: HTMLElement): void {
  const data = readConfig(root);
  const byId = new Map(data.areas.map((area) => [area.id, area]));
  const container = root.querySelector<HTMLElement>('[data-map]')!;
  const tooltip = root.querySelector<HTMLElement>('[data-tooltip]')!;

  let map: maplibregl.Map;
  try {
    map = createDistrictMap({ container, style: createStyle(data), bounds: data.bounds, padding: 16, title: data.strings.mapLabel, strings: data.strings });
  } catch (error) {
    publishFailure(root, error);
    return;
  }

  let highlighted: number | null = null;
  const setHighlight = (id: number | null) => {
    if (highlighted === id) return;
    if (highlighted !== null) map.setFeatureState({ source: SOURCE_ID, id: highlighted }, { highlight: false });
    highlighted = id;
    if (id !== null) map.setFeatureState({ source: SOURCE_ID, id }, { highlight: true });
  };

  const showTooltip = (area: PollMapArea, point: { x: number; y: number }) => {
    const [title, ...rest] = area.lines;
    tooltip.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: title }),
      ...rest.map((line) => Object.assign(document.createElement('span'), { textContent: line })),
    );
    tooltip.hidden = false;
    const frame = container.getBoundingClientRect();
    const left = Math.min(point.x + 12, frame.width - tooltip.offsetWidth - 4);
    const top = point.y + 12 + tooltip.offsetHeight > frame.height ? point.y - tooltip.offsetHeight - 12 : point.y + 12;
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  };

  map.on('mousemove', FILL_LAYER, (event) => {
    const id = Number(event.features?.[0]?.properties?.[ID_PROPERTY]);
    const area = byId.get(id);
    if (!area) return;
    setHighlight(id);
    showTooltip(area, event.point);
  });
  map.on('mouseleave', FILL_LAYER, () => {
    tooltip.hidden = true;
    setHighlight(null);
  });

  map.on('load', () => {
    for (const area of data.areas) {
      map.setFeatureState({ source: SOURCE_ID, id: area.id }, { fill: area.color });
      const marker = Object.assign(document.createElement('span'), { className: 'poll-map__marker', textContent: area.label });
      marker.setAttribute('aria-hidden', 'true');
      new maplibregl.Marker({ element: marker }).setLngLat(area.labelPoint).addTo(map);
    }
    map.getCanvas().setAttribute('aria-label', data.strings.mapLabel);
  });

  map.once('idle', () => {
    const rendered = new Set(map.queryRenderedFeatures({ layers: [FILL_LAYER] }).map((feature) => feature.properties?.[ID_PROPERTY]));
    window.__openDistrictPollMap = { ready: true, renderedAreas: rendered.size };
    root.dataset.mapReady = 'true';
  });

  map.on('error', (event) => {
    console.error('Poll map error:', event.error?.message ?? event);
  });
}

const root = document.querySelector<HTMLElement>('[data-poll-map]');
if (root) start(root);
