// The state the explorer exposes on `window.__openDistrictExplorer` for the browser tests and the
// site benchmark.

export interface ExplorerTestHook {
  /** True once the first views have rendered. */
  ready: boolean;
  /** Snapshot id the page shows, once resolved. */
  snapshot: string | null;
  /** Set when the explorer stopped: the reason in words. */
  error?: string;
  /** True when the URL named a snapshot that the site no longer keeps. */
  snapshotGone?: boolean;
  /** Rows matching the filter after the last completed update. */
  count: number | null;
  /** Completed view updates, counting the first. */
  updates: number;
  /** Milliseconds from a filter change to all views updated, one entry per full update. */
  durations: number[];
  /** Milliseconds of the queries alone in each full update, so the rest is rendering. */
  queryDurations: number[];
  /** Milliseconds from the start of the engine's import to the first rendered views. */
  coldStartMs: number | null;
  /** Milliseconds of the engine start alone: worker, WebAssembly, views and facts table. */
  engineStartMs: number | null;
  /** Milliseconds of each step of the engine start. */
  startTimings: { step: string; ms: number }[];
  /** Map is drawn and idle. */
  mapReady: boolean;
  /** Viewport coordinates of a point inside a district on the map. */
  districtScreenPoint(district: string): { x: number; y: number } | null;
  /** Runs a query as the views do and returns its time in milliseconds, for the benchmark. */
  timeQuery(sql: string): Promise<number>;
}

declare global {
  interface Window {
    __openDistrictExplorer?: ExplorerTestHook;
  }
}
