// Browser module of the home page. The map paints first as the build's SVG, and this module gives
// it tooltips on hover and keyboard focus, as it does the table's links. After the
// page has loaded, when the browser is idle or on the first interaction with the map, it imports
// scripts/choropleth-maplibre.ts, which draws the MapLibre map hidden over the SVG, and swaps the
// two once MapLibre has rendered. Without WebGL the SVG stays. This module imports no MapLibre and
// no d3, because the build hands it formatted values and classified colours.

import type { ChoroplethData, ChoroplethDistrict } from '../lib/choropleth-data.ts';
import type { MapMetric } from '../lib/metrics.ts';
import { INTERACTIVE_MAP_READY_MARK, MAP_PAINTED_MARK, type OpenDistrictTestHook } from '../lib/test-hook.ts';
import type { InteractiveMapContext, MapView } from './choropleth-maplibre.ts';
import { setUpTableSorting } from './district-table.ts';

/** Maximum wait for an idle moment before MapLibre loads anyway, in milliseconds. */
const IDLE_TIMEOUT_MS = 2000;

type Point = { x: number; y: number };

function readConfig(root: HTMLElement): ChoroplethData {
  const element = root.querySelector('[data-choropleth-config]');
  if (!element?.textContent) throw new Error('Choropleth config script [data-choropleth-config] is missing');
  return JSON.parse(element.textContent) as ChoroplethData;
}

function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/** Runs `callback` once, after the load event, when the browser is idle or after `IDLE_TIMEOUT_MS`. */
function afterLoadWhenIdle(callback: () => void): void {
  const whenIdle = () => {
    if ('requestIdleCallback' in window) window.requestIdleCallback(callback, { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(callback, 1);
  };
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });
}

/** Wraps the build's SVG as a map view. Label points come from the links' `data-label-point`. */
function createSvgView(svg: SVGSVGElement, container: HTMLElement, links: Map<string, SVGAElement>): MapView {
  // The outline is a copy of the district's path drawn last, so no neighbour covers it.
  const highlight = svg.querySelector<SVGPathElement>('[data-map-highlight]')!;
  const toScreen = (slug: string): Point | null => {
    const [x, y] = (links.get(slug)?.dataset.labelPoint ?? '').split(' ').map(Number);
    const matrix = svg.getScreenCTM();
    if (!matrix || !Number.isFinite(x) || !Number.isFinite(y)) return null;
    return { x: matrix.a * x + matrix.c * y + matrix.e, y: matrix.b * x + matrix.d * y + matrix.f };
  };
  return {
    project(district) {
      const point = toScreen(district.slug);
      if (!point) return null;
      const frame = container.getBoundingClientRect();
      return { x: point.x - frame.left, y: point.y - frame.top };
    },
    screenPoint: (district) => toScreen(district.slug),
    highlight(district) {
      const path = district ? links.get(district.slug)?.querySelector('path')?.getAttribute('d') : null;
      if (path) highlight.setAttribute('d', path);
      else highlight.removeAttribute('d');
    },
  };
}

function start(root: HTMLElement): void {
  const data = readConfig(root);
  const bySlug = new Map(data.districts.map((district) => [district.slug, district]));
  const isMapMetric = (value: unknown): value is MapMetric => (data.metrics as unknown[]).includes(value);
  const checkedMetric = (): MapMetric => {
    const value = root.querySelector<HTMLInputElement>('input[name="metric"]:checked')?.value;
    return isMapMetric(value) ? value : data.defaultMetric;
  };

  const frame = root.querySelector<HTMLElement>('[data-map-column] .choropleth__map-frame')!;
  const container = root.querySelector<HTMLElement>('[data-map]')!;
  const staticLayer = root.querySelector<HTMLElement>('[data-map-static]')!;
  const svg = root.querySelector<SVGSVGElement>('[data-map-svg]')!;
  const tooltip = root.querySelector<HTMLElement>('[data-tooltip]')!;
  const legend = root.querySelector<HTMLElement>('[data-legend]')!;
  const table = root.querySelector<HTMLTableElement>('[data-district-table]')!;
  const svgLinks = new Map([...svg.querySelectorAll<SVGAElement>('a[data-slug]')].map((link) => [link.dataset.slug ?? '', link]));

  let metric = checkedMetric();
  let view = createSvgView(svg, container, svgLinks);
  let highlighted: ChoroplethDistrict | null = null;
  const metricListeners: ((metric: MapMetric) => void)[] = [];

  const setHighlight = (district: ChoroplethDistrict | null) => {
    if (highlighted === district) return;
    highlighted = district;
    view.highlight(district);
  };

  const showTooltip = (district: ChoroplethDistrict, point: Point, hint = data.strings.tooltipOpen) => {
    tooltip.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: district.name }),
      Object.assign(document.createElement('span'), { textContent: `${data.strings.metricLabels[metric]}: ${district.formatted[metric]}` }),
      Object.assign(document.createElement('span'), { className: 'map-tooltip__hint', textContent: hint }),
    );
    tooltip.hidden = false;
    const bounds = container.getBoundingClientRect();
    const left = Math.min(point.x + 12, bounds.width - tooltip.offsetWidth - 4);
    const top = point.y + 12 + tooltip.offsetHeight > bounds.height ? point.y - tooltip.offsetHeight - 12 : point.y + 12;
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  };

  const hideTooltip = () => {
    tooltip.hidden = true;
    setHighlight(null);
  };

  /** Shows the tooltip at the district's label point, for keyboard focus and table rows. */
  const showAtLabel = (district: ChoroplethDistrict, hint: string) => {
    setHighlight(district);
    const point = view.project(district);
    if (point) showTooltip(district, point, hint);
  };

  // With scripts the tooltip shows the value, so each district's <title> gives way to an aria-label
  // that follows the checked metric, and the browser's own title tooltip no longer covers ours.
  const labelSvg = () => {
    svg.setAttribute('aria-label', data.strings.mapLabels[metric]);
    for (const [slug, link] of svgLinks) {
      const district = bySlug.get(slug);
      if (!district) continue;
      const title = fillTemplate(data.strings.districtTitle, { name: district.name, metric: data.strings.metricLabels[metric], value: district.formatted[metric] });
      link.setAttribute('aria-label', title);
    }
  };
  svg.querySelectorAll('a[data-slug] > title').forEach((title) => title.remove());
  labelSvg();

  for (const [slug, link] of svgLinks) {
    const district = bySlug.get(slug);
    if (!district) continue;
    link.addEventListener('pointermove', (event) => {
      setHighlight(district);
      const bounds = container.getBoundingClientRect();
      showTooltip(district, { x: event.clientX - bounds.left, y: event.clientY - bounds.top });
    });
    link.addEventListener('pointerleave', hideTooltip);
    link.addEventListener('focus', () => showAtLabel(district, data.strings.tooltipKeyboard));
    link.addEventListener('blur', hideTooltip);
  }

  table.querySelectorAll<HTMLAnchorElement>('a[data-slug]').forEach((link) => {
    const district = bySlug.get(link.dataset.slug ?? '');
    if (!district) return;
    link.addEventListener('focus', () => showAtLabel(district, data.strings.tooltipKeyboard));
    link.addEventListener('blur', hideTooltip);
    // A row tapped on a phone is below the map, where a tooltip would open out of sight. The row
    // already shows the value, so the tooltip opens only while the map is in view.
    link.closest('tr')?.addEventListener('mouseenter', () => {
      const { top, bottom } = frame.getBoundingClientRect();
      if (bottom > 0 && top < window.innerHeight) showAtLabel(district, data.strings.tooltipOpen);
    });
    link.closest('tr')?.addEventListener('mouseleave', hideTooltip);
  });

  const hook: OpenDistrictTestHook = {
    mapReady: false,
    interactiveMapReady: false,
    renderedDistricts: [...svgLinks.values()].filter((link) => link.querySelector('path')?.getAttribute('d')).length,
    metric,
    districtScreenPoint(slug: string) {
      const district = bySlug.get(slug);
      return district ? view.screenPoint(district) : null;
    },
  };
  window.__openDistrict = hook;

  const resort = setUpTableSorting(table, data.locale, checkedMetric);
  root.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((input) => {
    input.addEventListener('change', () => {
      if (!input.checked || !isMapMetric(input.value)) return;
      metric = input.value;
      resort();
      legend.dataset.metric = metric;
      labelSvg();
      for (const listener of metricListeners) listener(metric);
      hook.metric = metric;
      // The metric goes into the address, so that a copied link and the language switch keep it.
      const url = new URL(window.location.href);
      if (metric === data.defaultMetric) url.searchParams.delete('metric');
      else url.searchParams.set('metric', metric);
      history.replaceState(history.state, '', url);
    });
  });
  const linkedMetric = new URL(window.location.href).searchParams.get('metric');
  if (isMapMetric(linkedMetric) && linkedMetric !== metric) {
    const input = root.querySelector<HTMLInputElement>(`input[name="metric"][value="${linkedMetric}"]`);
    if (input) {
      input.checked = true;
      input.dispatchEvent(new Event('change'));
    }
  }

  // Two frames after the script ran, the SVG from the HTML has been painted.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      performance.mark(MAP_PAINTED_MARK);
      hook.mapReady = true;
      root.dataset.mapReady = 'true';
    }),
  );

  /** Hides the SVG under the MapLibre map, but not while keyboard focus is on one of its links. */
  const swapIn = (next: MapView, renderedDistricts: number, reveal: () => void) => {
    if (staticLayer.contains(document.activeElement)) {
      staticLayer.addEventListener('focusout', function waitForFocusToLeave(event) {
        if (staticLayer.contains(event.relatedTarget as Node | null)) return;
        staticLayer.removeEventListener('focusout', waitForFocusToLeave);
        swapIn(next, renderedDistricts, reveal);
      });
      return;
    }
    hideTooltip();
    reveal();
    staticLayer.hidden = true;
    view = next;
    hook.renderedDistricts = renderedDistricts;
    performance.mark(INTERACTIVE_MAP_READY_MARK);
    hook.interactiveMapReady = true;
    root.dataset.interactiveMapReady = 'true';
  };

  const context: InteractiveMapContext = {
    data,
    container,
    currentMetric: () => metric,
    onMetricChange: (listener) => metricListeners.push(listener),
    showTooltip,
    hideTooltip,
    setHighlight,
    swapIn,
    fail(error) {
      const message = error instanceof Error ? error.message : String(error);
      root.querySelector<HTMLElement>('[data-map-failed]')?.removeAttribute('hidden');
      hook.interactiveMapError = message;
      console.warn(`Interactive map not drawn, the SVG map stays: ${message}`);
    },
  };

  let loading = false;
  const loadInteractiveMap = () => {
    if (loading) return;
    loading = true;
    for (const type of ['pointerenter', 'pointerdown', 'focusin'] as const) frame.removeEventListener(type, loadInteractiveMap);
    import('./choropleth-maplibre.ts').then(
      (module) => module.mountInteractiveMap(context),
      (error: unknown) => context.fail(error),
    );
  };
  for (const type of ['pointerenter', 'pointerdown', 'focusin'] as const) frame.addEventListener(type, loadInteractiveMap);
  afterLoadWhenIdle(loadInteractiveMap);
}

const root = document.querySelector<HTMLElement>('[data-choropleth]');
if (root) start(root);
