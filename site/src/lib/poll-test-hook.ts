// The state a poll page's okrug map exposes on `window.__openDistrictPollMap` for the browser tests.

export interface OpenDistrictPollMapTestHook {
  /** True once the map's first `idle` event fired; false when the map could not be drawn. */
  ready: boolean;
  /** Distinct okrugs among the features MapLibre rendered, from `queryRenderedFeatures`. */
  renderedAreas: number;
  /** Reason the map was not drawn, e.g. missing WebGL 2. */
  error?: string;
}

declare global {
  interface Window {
    __openDistrictPollMap?: OpenDistrictPollMapTestHook;
  }
}
