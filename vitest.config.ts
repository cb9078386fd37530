import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests of the ETL on real fixtures, and browser tests that build the
// site once and drive it in headless Chromium.
export default defineConfig({
  test: {
    env: { TZ: 'Europe/Moscow', ASTRO_TELEMETRY_DISABLED: '1' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/browser/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
