// The state the home map exposes on `window.__openDistrict` for the browser tests.

import type { MapMetric } from './metrics.ts';

export interface OpenDistrictTestHook {
  /** True once the map's first `idle` event fired; false when the map could not be drawn. */
  mapReady: boolean;
  /** Distinct districts among the features MapLibre rendered, from `queryRenderedFeatures`. */
  renderedDistricts: number;
  metric: MapMetric;
  /** Viewport coordinates of a point inside a district's polygon, or null when unknown. */
  districtScreenPoint(slug: string): { x: number; y: number } | null;
  /** Reason the map was not drawn, e.g. missing WebGL 2. */
  error?: string;
}

declare global {
  interface Window {
    __openDistrict?: OpenDistrictTestHook;
  }
}
