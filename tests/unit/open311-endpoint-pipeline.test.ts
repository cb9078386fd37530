// An Open311 source read from a live endpoint through the whole pipeline, against a local server
// on 127.0.0.1 that serves the real Bloomington answer filtered by the requested date window.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { SourceConfig } from '../../etl/config.ts';
import { loadRegion } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { endpointInstant, runSource, type SourceResult } from '../../etl/pipeline.ts';
import { ROOT, testConfig } from '../helpers/fixtures.ts';

const REQUESTS = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/real/open311_bloomington_2012/bloomington_requests.json'), 'utf8')) as { requested_datetime: string }[];

let server: Server;
let result: SourceResult;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://127.0.0.1');
    requested.push(url.pathname);
    const start = Date.parse(url.searchParams.get('start_date')!);
    const end = Date.parse(url.searchParams.get('end_date')!);
    const inWindow = REQUESTS.filter((entry) => Date.parse(entry.requested_datetime) >= start && Date.parse(entry.requested_datetime) < end);
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(inWindow));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const config = testConfig();
  const source: SourceConfig = {
    ...config.sources[0],
    id: 'bloomington',
    format: 'open311',
    files: [],
    timeZone: 'America/Indiana/Indianapolis',
    endpoint: { url: `http://127.0.0.1:${port}/open311/v2`, startDate: '2012-05-20', endDate: '2012-05-27', windowDays: 2, pageCap: 1000, retries: 2, timeoutMs: 5000, format: 'json' },
    districtPolicy: { conflict: 'reject', pointMismatch: 'keep', unplaced: 'keep' },
  };
  result = await runSource(config, source, loadRegion(config.regions[0]), createMemoryLogger());
  config.cleanup();
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('open311 endpoint source', () => {
  test('reads every request once', () => {
    expect(result.counts.read).toBe(21);
  });

  test('asks in date windows', () => {
    expect(requested.length).toBeGreaterThanOrEqual(4);
  });

  // The test reads Bloomington's requests into the St Petersburg region: 13 of the 21 requests
  // have a point, which lies far outside that region, and 8 have none.
  test('keeps records without a place by policy', () => {
    expect(result.appeals.filter((appeal) => appeal.district_flag === 'unplaced')).toHaveLength(8);
  });

  test('rejects points outside the region', () => {
    expect(result.reasons).toEqual({ coordinates_out_of_bounds: 13 });
  });

  test('publishes no description', () => {
    expect(JSON.stringify(result.appeals)).not.toContain('Bank of America');
  });
});

describe('endpoint dates (endpointInstant)', () => {
  test('a start date begins at local midnight', () => {
    expect(new Date(endpointInstant('2012-05-22', 'America/Indiana/Indianapolis', 'start')).toISOString()).toBe('2012-05-22T04:00:00.000Z');
  });

  test('an end date includes its whole day', () => {
    expect(new Date(endpointInstant('2012-05-23', 'America/Indiana/Indianapolis', 'end')).toISOString()).toBe('2012-05-24T04:00:00.000Z');
  });

  test('an end date at a month end rolls over', () => {
    expect(new Date(endpointInstant('2021-01-31', 'Europe/Moscow', 'end')).toISOString()).toBe('2021-01-31T21:00:00.000Z');
  });

  test('a time without a zone is local', () => {
    expect(new Date(endpointInstant('2012-05-22T10:30', 'Europe/Moscow', 'start')).toISOString()).toBe('2012-05-22T06:30:00.000Z');
  });

  test('a time with a zone is kept', () => {
    expect(new Date(endpointInstant('2012-05-22T10:30:00Z', 'Europe/Moscow', 'end')).toISOString()).toBe('2012-05-22T10:30:00.000Z');
  });
});
