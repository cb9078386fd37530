// The state the home map exposes on `window.__openDistrict` for the browser tests, and the names of
// its performance marks, which bench/site.ts reads to count the bytes loaded before each map.

import type { MapMetric } from './metrics.ts';

/** `performance.mark` name set when the SVG map has painted, together with `mapReady`. */
export const MAP_PAINTED_MARK = 'open-district:map-painted';
/** `performance.mark` name set when MapLibre's map has replaced the SVG, together with `interactiveMapReady`. */
export const INTERACTIVE_MAP_READY_MARK = 'open-district:interactive-map-ready';

export interface OpenDistrictTestHook {
  /** True once the build's SVG map has been painted, two animation frames after the map script ran. */
  mapReady: boolean;
  /** True once MapLibre's first `idle` event fired and its map replaced the SVG. */
  interactiveMapReady: boolean;
  /**
   * Districts on the map on display: shapes with path data in the SVG, then the distinct districts
   * among the features MapLibre rendered, from `queryRenderedFeatures`.
   */
  renderedDistricts: number;
  metric: MapMetric;
  /** Viewport coordinates of a point inside a district's polygon on the map on display, or null when unknown. */
  districtScreenPoint(slug: string): { x: number; y: number } | null;
  /** Reason MapLibre did not draw its map, e.g. missing WebGL 2; the SVG map stays. */
  interactiveMapError?: string;
}

declare global {
  interface Window {
    __openDistrict?: OpenDistrictTestHook;
  }
}
