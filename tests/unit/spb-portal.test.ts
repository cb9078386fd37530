import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, test } from 'vitest';

import { loadRegion, regionBounds } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { runSource, type SourceResult } from '../../etl/pipeline.ts';
import { parseLine } from '../../etl/sources/spb-portal.ts';
import type { ParsedRow, RowReject } from '../../etl/sources/types.ts';
import { SPB_SLICE, testConfig } from '../helpers/fixtures.ts';
import { rejectMessage, splitRejectMessage } from '../../etl/reasons.ts';
import { boundsHint } from '../../etl/sources/row-helpers.ts';
import { messageHalves } from '../helpers/messages.ts';

/** Returns the median, averaging the two middle values of an even count. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Expected values were computed once, independently, with a Python script over the same file:
// json.loads per line, created = earliest public.petition dt, first answer = earliest
// public.answer dt, status = latest public.status, as-of = latest event of any kind.
const EXPECTED_DISTRICTS = {
  Невский: 307, Выборгский: 254, Центральный: 186, Калининский: 148, Адмиралтейский: 146, Московский: 142,
  Кировский: 139, Приморский: 104, Пушкинский: 100, Фрунзенский: 89, Красносельский: 83, Красногвардейский: 76,
  Василеостровский: 68, Петроградский: 56, Колпинский: 43, Петродворцовый: 41, Курортный: 12, Кронштадтский: 6,
};

let result: SourceResult;

beforeAll(async () => {
  const config = testConfig();
  result = await runSource(config, config.sources[0], loadRegion(config.regions[0]), createMemoryLogger());
  config.cleanup();
});

describe('spb-portal adapter on the 2,000-record slice', () => {
  test('reads every record', () => {
    expect(result.counts.read).toBe(2000);
  });

  test('accepts every record', () => {
    expect(result.counts.accepted).toBe(2000);
  });

  test('counts appeals per district', () => {
    const counts: Record<string, number> = {};
    for (const appeal of result.appeals) counts[String(appeal.district)] = (counts[String(appeal.district)] ?? 0) + 1;
    expect(counts).toEqual(EXPECTED_DISTRICTS);
  });

  test('maps final statuses to the canonical set', () => {
    const counts: Record<string, number> = {};
    for (const appeal of result.appeals) counts[appeal.status] = (counts[appeal.status] ?? 0) + 1;
    expect(counts).toEqual({ resolved: 989, closed_without_confirmation: 717, interim_answer: 178, answered: 94, in_progress: 22 });
  });

  test('keeps the original status name', () => {
    const automatic = result.appeals.filter((appeal) => appeal.status_original === 'Завершено: Автоматически');
    expect(automatic).toHaveLength(717);
  });

  test('counts answered appeals', () => {
    expect(result.appeals.filter((appeal) => appeal.first_answer_at !== null)).toHaveLength(1981);
  });

  test('computes the median days to first answer', () => {
    const days = result.appeals.flatMap((appeal) => (appeal.days_to_first_answer === null ? [] : [appeal.days_to_first_answer]));
    expect(median(days)).toBeCloseTo(8.683219, 5);
  });

  test('counts overdue appeals against the as-of time', () => {
    expect(result.appeals.filter((appeal) => appeal.overdue)).toHaveLength(349);
  });

  test('takes the as-of time from the latest event', () => {
    expect(new Date(result.asOf!).toISOString()).toBe('2021-04-24T22:30:41.393Z');
  });

  test('counts repeat messages', () => {
    expect(result.appeals.reduce((sum, appeal) => sum + appeal.repeat_messages, 0)).toBe(59);
  });

  test('stores creation as a UTC instant from Moscow time', () => {
    const first = result.appeals.find((appeal) => appeal.appeal_id === '2947909')!;
    expect(new Date(first.created_at).toISOString()).toBe('2020-10-18T11:50:40.817Z');
  });

  test('keeps the agency of an appeal in progress', () => {
    const inProgress = result.appeals.filter((appeal) => appeal.status === 'in_progress');
    expect(inProgress.every((appeal) => appeal.agency !== null)).toBe(true);
  });

  test('publishes status events without text', () => {
    const first = result.events.filter((event) => event.appeal_id === '2947909').map((event) => [event.kind, event.status]);
    expect(first).toEqual([
      ['petition', null],
      ['status', 'moderation'],
      ['status', 'in_progress'],
      ['answer', null],
      ['status', 'answered'],
      ['status', 'closed_without_confirmation'],
    ]);
  });

  test('coarsens points to grid cell centres', () => {
    const first = result.appeals.find((appeal) => appeal.appeal_id === '2947909')!;
    expect([first.latitude, first.longitude]).toEqual([59.995, 30.19]);
  });

  test('names the okrug by its short name', () => {
    const first = result.appeals.find((appeal) => appeal.appeal_id === '2947909')!;
    expect(first.municipality).toBe('№65');
  });
});

/** A portal line cut inside its petition's text. */
const CUT_LINE = '{"id": 2947909, "feed": [{"widget": "public.petition", "payload": {"body": "Житель квартиры';

/** Returns the reject a parsed line gave, and fails the test when the line was accepted. */
function rejectOf(parsed: ParsedRow): RowReject {
  if (parsed.kind !== 'reject') throw new Error(`expected a reject, got an appeal in row ${parsed.row}`);
  return parsed.reject;
}

describe('spb-portal line parser', () => {
  const context = { timeZone: 'Europe/Moscow', displayName: 'test.jsonl' };

  test('rejects invalid JSON', () => {
    const parsed = parseLine('{"id": 1, "feed": [', 7, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(parsed.reject.reason).toBe('invalid_json');
  });

  test('names a cut line by its id', () => {
    const reject = rejectOf(parseLine(CUT_LINE, 7, context));
    expect(reject.record_id).toBe('2947909');
  });

  test('quotes no text of a cut line', () => {
    const reject = rejectOf(parseLine(CUT_LINE, 7, context));
    expect(reject.value).toBeNull();
  });

  test('keeps the text of a cut line out of the message', () => {
    const reject = rejectOf(parseLine(CUT_LINE, 7, context));
    expect(reject.message).not.toMatch(/Житель/);
  });

  test('names the rest of a cut line as such', () => {
    const reject = rejectOf(parseLine('"body":[{"text":"2й подъезд, 8 этаж"}]}', 8, context));
    expect(splitRejectMessage(reject.message).en).toMatch(/end of the line before it/);
  });

  test('rejects a record without a petition', () => {
    const parsed = parseLine(JSON.stringify({ id: 5, district_name: 'Невский', feed: [], sidebar: {} }), 3, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(parsed.reject.reason).toBe('missing_petition');
  });

  test('rejects an impossible event time', () => {
    const feed = [{ widget: 'public.petition', payload: { dt: '2021-02-31T10:00:00' } }];
    const parsed = parseLine(JSON.stringify({ id: 5, feed, sidebar: {} }), 3, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(parsed.reject).toMatchObject({ row: 3, record_id: '5', field: 'feed[public.petition].payload.dt', reason: 'impossible_date' });
  });

  test('rejects an event time of another shape', () => {
    const feed = [{ widget: 'public.petition', key: 'petition_7', payload: { dt: '01.02.2021 10:00' } }];
    const reject = rejectOf(parseLine(JSON.stringify({ id: 5, feed, sidebar: {} }), 3, context));
    expect(reject.field).toBe('feed[public.petition, petition_7].payload.dt');
    expect(reject.reason).toBe('invalid_time');
  });

  test('rejects an empty event time as missing', () => {
    const feed = [{ widget: 'public.petition', payload: { dt: '' } }];
    const reject = rejectOf(parseLine(JSON.stringify({ id: 5, feed, sidebar: {} }), 3, context));
    expect(reject.reason).toBe('missing_time');
  });

  describe.each([
    ['an answer before the petition', [['public.petition', '2021-02-01T10:00:00'], ['public.answer', '2021-01-01T10:00:00']], 'answer_before_created', 'public.answer'],
    ['a closing status before the petition', [['public.petition', '2021-02-01T10:00:00'], ['public.status', '2021-01-01T10:00:00', 'Завершено: Автоматически']], 'closed_before_created', 'public.status'],
    ['a petition in the future', [['public.petition', '2099-02-01T10:00:00']], 'time_in_future', 'public.petition'],
    ['a petition in the future before its answer', [['public.answer', '2021-01-01T10:00:00'], ['public.petition', '2099-02-01T10:00:00']], 'time_in_future', 'public.petition'],
    ['a status in the future', [['public.petition', '2021-02-01T10:00:00'], ['public.status', '2099-01-01T10:00:00', 'Рассмотрение']], 'time_in_future', 'public.status'],
  ])('timeline with %s', (_name, events, reason, widget) => {
    const feed = events.map(([name, dt, status]) => ({ widget: name, key: `${name}_1`, payload: { dt, status_name: status } }));
    const parsed = parseLine(JSON.stringify({ id: 5, feed, sidebar: {} }), 3, { ...context, now: Date.parse('2026-12-04T00:00:00Z') });

    test('is rejected for its reason', () => {
      expect(rejectOf(parsed).reason).toBe(reason);
    });

    test('names the entry at fault', () => {
      expect(rejectOf(parsed).field).toBe(`feed[${widget}, ${widget}_1].payload.dt`);
    });
  });

  test('rejects an unknown status name', () => {
    const feed = [
      { widget: 'public.petition', payload: { dt: '2021-02-01T10:00:00' } },
      { widget: 'public.status', payload: { dt: '2021-02-01T10:00:01', status_name: 'Отложено' } },
    ];
    const parsed = parseLine(JSON.stringify({ id: 5, feed, sidebar: {} }), 3, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(parsed.reject.value).toBe('Отложено');
  });

  test('reads a blank point as no point', () => {
    const record = JSON.parse(readFileSync(SPB_SLICE, 'utf8').split('\n')[0]);
    record.sidebar.latitude = '';
    record.sidebar.longitude = '';
    const parsed = parseLine(JSON.stringify(record), 1, context);
    expect(parsed).toMatchObject({ kind: 'appeal', draft: { latitude: null, longitude: null } });
  });

  /** Parses the first real record moved to Sydney, with the region's bounds. */
  function farPoint(): ParsedRow {
    const record = JSON.parse(readFileSync(SPB_SLICE, 'utf8').split('\n')[0]);
    record.sidebar.latitude = -33.865;
    record.sidebar.longitude = 151.21;
    const config = testConfig();
    const bounds = regionBounds(loadRegion(config.regions[0]));
    config.cleanup();
    return parseLine(JSON.stringify(record), 1, { ...context, bounds });
  }

  test('rejects a point outside the region', () => {
    expect(farPoint()).toMatchObject({ kind: 'reject', reject: { reason: 'coordinates_out_of_bounds' } });
  });

  test('names the region of a far point in Russian', () => {
    const parsed = farPoint();
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(splitRejectMessage(parsed.reject.message).ru).toContain('точка лежит вне территории региона spb с полосой 1° вокруг неё (58,633° с. ш. … 61,245° с. ш., 28,429° в. д. … 31,76° в. д.)');
  });

  test('names western longitudes as west', () => {
    const bounds = { south: 40.4, west: -74.3, north: 41, east: -73.6 };
    expect(splitRejectMessage(rejectMessage(boundsHint(bounds))).en).toContain('(40.4° N … 41° N, 74.3° W … 73.6° W)');
  });

  test('names the id of a cut-off line', () => {
    const line = readFileSync(SPB_SLICE, 'utf8').split('\n')[0];
    const parsed = parseLine(line.slice(0, 500), 1, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(parsed.reject.record_id).toBe('2947909');
  });

  test('explains invalid JSON in Russian', () => {
    const parsed = parseLine('{"id": 1, "feed": [', 7, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(splitRejectMessage(parsed.reject.message).ru).toBe('JSON: текст кончается посреди записи; выгрузите эту запись заново');
  });

  test('explains an impossible event time in Russian', () => {
    const feed = [{ widget: 'public.petition', payload: { dt: '2021-02-31T10:00:00' } }];
    const parsed = parseLine(JSON.stringify({ id: 5, feed, sidebar: {} }), 3, context);
    expect(parsed.kind).toBe('reject');
    if (parsed.kind !== 'reject') return;
    expect(messageHalves(parsed.reject.message).russian).toBe(true);
  });
});
