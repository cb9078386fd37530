// @ts-check
import { defineConfig } from 'astro/config';
import siteUrl from './site/integrations/site-url.mjs';
import snapshots from './site/integrations/snapshots.mjs';

export default defineConfig({
  srcDir: './site/src',
  publicDir: './site/public',
  outDir: './dist',
  output: 'static',
  // Pages are written as folders and every link ends in a slash; 'ignore' lets the local server
  // serve /en as /en/ too, where 'always' showed a developer's 404 page.
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  integrations: [siteUrl(), snapshots()],
  vite: {
    // Every asset stays a file of its own, because the MapLibre worker must load by URL and no
    // data should be inlined into pages as base64. MapLibre GL JS 6 alone is about 1.1 MB
    // minified, so the warning limit sits above the home page's map chunk, the only page that
    // loads it.
    build: { assetsInlineLimit: 0, chunkSizeWarningLimit: 1400 },
    // DuckDB-WASM loads its own workers and WebAssembly by URL; pre-bundling breaks those paths.
    optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  },
});
