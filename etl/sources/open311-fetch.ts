// Reads service requests from a live Open311 GeoReport v2 endpoint. The spec has no paging, and
// servers cap each response (often at 1,000 requests), so the date range is read in start_date /
// end_date windows. A window whose response reaches the cap is split in two and read again.
// Each HTTP request has a timeout and is retried with exponential backoff on 5xx, 408, 429,
// network errors and timeouts. Other 4xx statuses fail at once because a retry cannot fix them.

import { setTimeout as delay } from 'node:timers/promises';

import { ConfigError, InputError } from '../lib/errors.ts';
import type { Logger, Message } from '../lib/log.ts';
import type { AppealStatus } from '../schema.ts';
import { Open311Converter, readOpen311Document, parseOpen311Services, type Open311Row, type ServiceCatalog } from './open311.ts';
import type { Bounds, WarningHandler } from './row-helpers.ts';
import type { AdapterContext } from './types.ts';

const MILLISECONDS_PER_DAY = 86_400_000;

/** The narrowest window: Open311 timestamps have whole seconds, so a finer split cannot help. */
const MIN_WINDOW_MS = 1000;

export interface Open311HttpOptions {
  /** Endpoint root, e.g. `https://city.example/open311/v2`; `requests.json` is added to it. */
  readonly baseUrl: string;
  readonly fetch: typeof globalThis.fetch;
  /** Extra query parameters, such as jurisdiction_id. */
  readonly query?: Readonly<Record<string, string>>;
  /** Response format asked for: `json` (default) or `xml`. */
  readonly format?: 'json' | 'xml';
  /** Retries after the first try of each HTTP request; default 3. */
  readonly retries?: number;
  /** Wait before the first retry in milliseconds, doubled for each next one; default 1000. */
  readonly backoffMs?: number;
  /** Maximum wait between retries in milliseconds, also for a server's Retry-After; default 60,000. */
  readonly maxBackoffMs?: number;
  /** Time allowed for one HTTP request including its body, in milliseconds; default 30,000. */
  readonly timeoutMs?: number;
  /** Waits between retries; tests pass a function that only records the delay. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
  readonly logger?: Logger;
}

export interface Open311FetchOptions extends Open311HttpOptions {
  readonly context: AdapterContext;
  /** Start of the range, epoch milliseconds, inclusive. */
  readonly startDate: number;
  /** End of the range, epoch milliseconds, exclusive. */
  readonly endDate: number;
  /** Width of the first windows in days; default 7. */
  readonly windowDays?: number;
  /** Maximum requests the server returns in one response; a response this long splits the window. Default 1000. */
  readonly pageCap?: number;
  readonly services?: ServiceCatalog | null;
  readonly statusMap?: Readonly<Record<string, AppealStatus>>;
  readonly bounds?: Bounds | null;
  readonly onWarning?: WarningHandler;
}

interface Window {
  readonly start: number;
  readonly end: number;
}

/**
 * Yields one row per service request created in [startDate, endDate). A request that two windows
 * both return (servers differ on whether end_date is inclusive) is yielded once. Throws InputError
 * when an HTTP request still fails after all retries, or when a one-second window still reaches
 * the cap.
 */
export async function* fetchOpen311Requests(options: Open311FetchOptions): AsyncGenerator<Open311Row> {
  const pageCap = options.pageCap ?? 1000;
  if (!(options.endDate > options.startDate) || !(pageCap >= 1)) {
    throw new ConfigError({
      ru: `Open311: нужен непустой период (startDate < endDate) и pageCap ≥ 1; получено ${formatInstant(options.startDate)}…${formatInstant(options.endDate)}, pageCap ${pageCap}`,
      en: `Open311: expected a non-empty range (startDate < endDate) and pageCap ≥ 1; got ${formatInstant(options.startDate)}…${formatInstant(options.endDate)}, pageCap ${pageCap}`,
    });
  }
  const windowMs = Math.max(MIN_WINDOW_MS, Math.round((options.windowDays ?? 7) * MILLISECONDS_PER_DAY));
  const converter = new Open311Converter(options.context, options);
  const pending: Window[] = splitRange(options.startDate, options.endDate, windowMs).reverse();
  let row = 0;
  let skippedRepeats = 0;
  const earlierIds = new Set<string>();

  while (pending.length > 0) {
    const window = pending.pop()!;
    const url = buildUrl(options, 'requests', { start_date: formatInstant(window.start), end_date: formatInstant(window.end) });
    const text = await getWithRetries(url, options);
    const document = readOpen311Document(text, `${options.context.displayName} ${formatInstant(window.start)}…${formatInstant(window.end)}`);

    if (document.records.length >= pageCap) {
      if (window.end - window.start <= MIN_WINDOW_MS) {
        throw new InputError({
          ru: `Open311: за одну секунду ${formatInstant(window.start)} сервер вернул ${document.records.length} заявок — это его предел (pageCap); разбить окно дальше нельзя, проверьте pageCap`,
          en: `Open311: the one-second window at ${formatInstant(window.start)} returned ${document.records.length} requests, the server's cap (pageCap); it cannot be split further, check pageCap`,
        });
      }
      const middle = window.start + Math.floor((window.end - window.start) / 2 / MIN_WINDOW_MS) * MIN_WINDOW_MS;
      options.logger?.info('open311', {
        ru: `окно ${formatInstant(window.start)}…${formatInstant(window.end)} вернуло заявок: ${document.records.length} (предел ${pageCap}), делю его надвое`,
        en: `window ${formatInstant(window.start)}…${formatInstant(window.end)} returned ${document.records.length} requests (cap ${pageCap}), splitting it in two`,
      });
      pending.push({ start: middle, end: window.end }, { start: window.start, end: middle });
      continue;
    }

    for (const warning of document.warnings) options.onWarning?.(warning);
    const windowIds: string[] = [];
    for (const record of document.records) {
      const recordId = readId(record.fields);
      if (recordId !== null && earlierIds.has(recordId)) {
        skippedRepeats += 1;
        continue;
      }
      if (recordId !== null) windowIds.push(recordId);
      row += 1;
      yield converter.convert(record, row);
    }
    // The converter rejects repeats inside one response as duplicate ids. Only repeats across
    // windows are boundary overlaps.
    for (const recordId of windowIds) earlierIds.add(recordId);
  }

  if (skippedRepeats > 0) {
    options.logger?.info('open311', {
      ru: `пропущено повторов на границах окон: ${skippedRepeats}`,
      en: `requests repeated at window boundaries skipped: ${skippedRepeats}`,
    }, { skippedRepeats });
  }
}

/** Reads the endpoint's service list (`GET services`) with the same retries and timeout. */
export async function fetchOpen311Services(options: Open311HttpOptions): Promise<ServiceCatalog> {
  const url = buildUrl(options, 'services', {});
  return parseOpen311Services(await getWithRetries(url, options), displayUrl(url));
}

/** Splits [start, end) into windows of at most `width` milliseconds. */
export function splitRange(start: number, end: number, width: number): Window[] {
  const windows: Window[] = [];
  for (let from = start; from < end; from += width) windows.push({ start: from, end: Math.min(end, from + width) });
  return windows;
}

class RetryableFailure extends Error {
  constructor(
    readonly bilingual: Message,
    readonly retryAfterMs: number | null = null,
  ) {
    super(bilingual.en);
  }
}

/** Sends a GET with a timeout, retrying transient failures with exponential backoff. */
async function getWithRetries(url: URL, options: Open311HttpOptions): Promise<string> {
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const sleep = options.sleep ?? ((milliseconds: number) => delay(milliseconds));
  const shownUrl = displayUrl(url);

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await getOnce(url, options);
    } catch (error) {
      if (!(error instanceof RetryableFailure)) throw error;
      if (attempt > retries) {
        throw new InputError({
          ru: `Open311: запрос ${shownUrl} не удался после ${attempt} попыток (последняя ошибка: ${error.bilingual.ru}); проверьте, что сервер работает, или увеличьте retries`,
          en: `Open311: request ${shownUrl} failed after ${attempt} attempts (last error: ${error.bilingual.en}); check that the server is up, or raise retries`,
        });
      }
      const wait = Math.min(maxBackoffMs, Math.max(backoffMs * 2 ** (attempt - 1), error.retryAfterMs ?? 0));
      options.logger?.warn('open311', {
        ru: `запрос ${shownUrl} не удался (${error.bilingual.ru}), попытка ${attempt} из ${retries + 1}; повтор через ${wait} мс`,
        en: `request ${shownUrl} failed (${error.bilingual.en}), attempt ${attempt} of ${retries + 1}; retrying in ${wait} ms`,
      });
      await sleep(wait);
    }
  }
}

async function getOnce(url: URL, options: Open311HttpOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await options.fetch(url, { signal: controller.signal, headers: { accept: options.format === 'xml' ? 'application/xml' : 'application/json' } });
    const body = await response.text();
    if (response.ok) return body;

    const status = `HTTP ${response.status} ${response.statusText}`.trim();
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new RetryableFailure({ ru: `ответ ${status}`, en: status }, readRetryAfter(response.headers.get('retry-after')));
    }
    throw new InputError({
      ru: `Open311: запрос ${displayUrl(url)} отклонён сервером (${status}: ${cutBody(body)}); проверьте адрес и параметры`,
      en: `Open311: request ${displayUrl(url)} was rejected by the server (${status}: ${cutBody(body)}); check the URL and the parameters`,
    });
  } catch (error) {
    if (error instanceof RetryableFailure || error instanceof InputError) throw error;
    if (controller.signal.aborted) throw new RetryableFailure({ ru: `нет ответа за ${timeoutMs} мс`, en: `timed out after ${timeoutMs} ms` });
    throw new RetryableFailure({ ru: `ошибка сети: ${(error as Error).message}`, en: `network error: ${(error as Error).message}` });
  } finally {
    clearTimeout(timer);
  }
}

function buildUrl(options: Open311HttpOptions, resource: 'requests' | 'services', parameters: Record<string, string>): URL {
  const base = new URL(options.baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL(`${resource}.${options.format ?? 'json'}`, base);
  for (const [key, value] of Object.entries({ ...options.query, ...parameters })) url.searchParams.set(key, value);
  return url;
}

/** Returns the URL for messages: origin, path and the date window, without other parameters. */
function displayUrl(url: URL): string {
  const window = ['start_date', 'end_date'].flatMap((key) => (url.searchParams.has(key) ? [`${key}=${url.searchParams.get(key)}`] : []));
  return `${url.origin}${url.pathname}${window.length > 0 ? '?' + window.join('&') : ''}`;
}

/** Formats an instant as the W3C timestamp Open311 expects, `2012-05-23T00:00:00Z`. */
function formatInstant(instant: number): string {
  const date = new Date(instant);
  return Number.isNaN(date.getTime()) ? String(instant) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function readId(fields: unknown): string | null {
  if (fields === null || typeof fields !== 'object') return null;
  const value = (fields as Record<string, unknown>).service_request_id;
  if (typeof value === 'number' || typeof value === 'string') return String(value).trim() || null;
  return null;
}

function cutBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}
