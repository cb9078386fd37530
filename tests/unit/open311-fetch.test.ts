import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, test } from 'vitest';

import { ConfigError, InputError } from '../../etl/lib/errors.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { fetchOpen311Requests, fetchOpen311Services, splitRange, type Open311FetchOptions } from '../../etl/sources/open311-fetch.ts';
import type { Open311Row } from '../../etl/sources/open311.ts';

// The test server returns the 21 real Bloomington requests, filtered by start_date and end_date.
// Both bounds are inclusive, so a request on a window boundary comes back twice. Each response is
// cut at a cap.
const SAMPLES = process.env.OPEN_DISTRICT_SAMPLES ?? fileURLToPath(new URL('../fixtures/real/', import.meta.url));
const REQUESTS: Record<string, unknown>[] = JSON.parse(readFileSync(SAMPLES + 'open311_bloomington_2012/bloomington_requests.json', 'utf8'));
const SERVICES_TEXT = readFileSync(SAMPLES + 'open311_bloomington_2012/bloomington_services.json', 'utf8');

const START = Date.parse('2012-05-22T00:00:00Z');
const END = Date.parse('2012-05-24T00:00:00Z');

type Handler = (request: IncomingMessage, response: ServerResponse, count: number) => void;

let server: Server | null = null;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = null;
});

/** Starts a server on 127.0.0.1 and an ephemeral port; returns its base URL and the request log. */
async function startServer(handler: Handler): Promise<{ baseUrl: string; log: string[] }> {
  const log: string[] = [];
  server = createServer((request, response) => {
    log.push(request.url ?? '');
    handler(request, response, log.length);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/open311/v2`, log };
}

function answerWindow(request: IncomingMessage, response: ServerResponse, cap: number): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const start = Date.parse(url.searchParams.get('start_date') ?? '');
  const end = Date.parse(url.searchParams.get('end_date') ?? '');
  const matching = REQUESTS.filter((record) => {
    const at = Date.parse(String(record.requested_datetime));
    return at >= start && at <= end;
  });
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(matching.slice(0, cap)));
}

function options(baseUrl: string, overrides: Partial<Open311FetchOptions> = {}): Open311FetchOptions {
  return {
    baseUrl,
    fetch: globalThis.fetch,
    context: { timeZone: 'America/Indiana/Indianapolis', displayName: 'bloomington' },
    startDate: START,
    endDate: END,
    windowDays: 1,
    pageCap: 5,
    retries: 3,
    backoffMs: 100,
    timeoutMs: 2000,
    sleep: async () => {},
    ...overrides,
  };
}

async function collect(rows: AsyncIterable<Open311Row>): Promise<Open311Row[]> {
  const collected: Open311Row[] = [];
  for await (const row of rows) collected.push(row);
  return collected;
}

async function failure(promise: Promise<unknown>): Promise<Error | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return error as Error;
  }
}

describe('open311 endpoint paging and retries', () => {
  test('reads every request after two 503s', async () => {
    const { baseUrl } = await startServer((request, response, count) => {
      if (count <= 2) {
        response.writeHead(503).end('busy');
        return;
      }
      answerWindow(request, response, 5);
    });
    const rows = await collect(fetchOpen311Requests(options(baseUrl)));
    expect(rows.filter((row) => row.kind === 'appeal')).toHaveLength(21);
  });

  test('yields each request once', async () => {
    const { baseUrl } = await startServer((request, response) => answerWindow(request, response, 5));
    const rows = await collect(fetchOpen311Requests(options(baseUrl)));
    const ids = rows.flatMap((row) => (row.kind === 'appeal' ? [row.draft.appeal_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('splits a window that reaches the cap', async () => {
    const { baseUrl, log } = await startServer((request, response) => answerWindow(request, response, 5));
    await collect(fetchOpen311Requests(options(baseUrl)));
    // 18 of the 21 requests fall on 23 May (UTC), so that day's window is read again in halves.
    expect(log).toContain('/open311/v2/requests.json?start_date=2012-05-23T00%3A00%3A00Z&end_date=2012-05-23T12%3A00%3A00Z');
  });

  test('asks for W3C window bounds', async () => {
    const { baseUrl, log } = await startServer((request, response) => answerWindow(request, response, 1000));
    await collect(fetchOpen311Requests(options(baseUrl)));
    expect(log[0]).toBe('/open311/v2/requests.json?start_date=2012-05-22T00%3A00%3A00Z&end_date=2012-05-23T00%3A00%3A00Z');
  });

  test('backs off exponentially', async () => {
    const waits: number[] = [];
    const { baseUrl } = await startServer((request, response, count) => {
      if (count <= 2) response.writeHead(503).end();
      else answerWindow(request, response, 1000);
    });
    await collect(fetchOpen311Requests(options(baseUrl, { sleep: async (milliseconds) => void waits.push(milliseconds) })));
    expect(waits).toEqual([100, 200]);
  });

  test('logs each retry', async () => {
    const logger = createMemoryLogger();
    const { baseUrl } = await startServer((request, response, count) => {
      if (count <= 2) response.writeHead(503).end();
      else answerWindow(request, response, 1000);
    });
    await collect(fetchOpen311Requests(options(baseUrl, { logger })));
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(2);
  });

  test('gives up after the retries', async () => {
    const { baseUrl } = await startServer((_request, response) => response.writeHead(503).end());
    const error = await failure(collect(fetchOpen311Requests(options(baseUrl, { retries: 2 }))));
    expect(error?.message).toMatch(/failed after 3 attempts \(last error: HTTP 503 Service Unavailable\)/);
  });

  test('raises InputError when giving up', async () => {
    const { baseUrl } = await startServer((_request, response) => response.writeHead(503).end());
    const error = await failure(collect(fetchOpen311Requests(options(baseUrl, { retries: 1 }))));
    expect(error).toBeInstanceOf(InputError);
  });

  test('retries a timed-out request', async () => {
    const { baseUrl } = await startServer((request, response, count) => {
      if (count === 1) return; // never responds, so the client's timeout aborts the request
      answerWindow(request, response, 1000);
    });
    const rows = await collect(fetchOpen311Requests(options(baseUrl, { timeoutMs: 200 })));
    expect(rows).toHaveLength(21);
  });

  test('reports a timeout as the last error', async () => {
    const { baseUrl } = await startServer(() => {});
    const error = await failure(collect(fetchOpen311Requests(options(baseUrl, { timeoutMs: 100, retries: 1 }))));
    expect(error?.message).toContain('timed out after 100 ms');
  });

  test('does not retry a 404', async () => {
    const { baseUrl, log } = await startServer((_request, response) => response.writeHead(404).end('no such endpoint'));
    await failure(collect(fetchOpen311Requests(options(baseUrl))));
    expect(log).toHaveLength(1);
  });

  test('stops when a one-second window reaches the cap', async () => {
    const { baseUrl } = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(REQUESTS.slice(0, 2)));
    });
    const error = await failure(collect(fetchOpen311Requests(options(baseUrl, { startDate: START, endDate: START + 8000, pageCap: 2 }))));
    expect(error?.message).toContain('cannot be split further');
  });

  test('rejects an empty range', async () => {
    const error = await failure(collect(fetchOpen311Requests(options('http://127.0.0.1:9/', { endDate: START }))));
    expect(error).toBeInstanceOf(ConfigError);
  });

  test('reads the service list', async () => {
    const { baseUrl } = await startServer((_request, response) => response.writeHead(200).end(SERVICES_TEXT));
    const services = await fetchOpen311Services({ baseUrl, fetch: globalThis.fetch });
    expect(services.size).toBe(46);
  });
});

describe('open311 window splitting', () => {
  test('covers the range without gaps', () => {
    expect(splitRange(0, 25, 10)).toEqual([
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 20, end: 25 },
    ]);
  });

  test('returns nothing for an empty range', () => {
    expect(splitRange(10, 10, 5)).toEqual([]);
  });
});
