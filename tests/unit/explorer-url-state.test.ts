// The explorer's pure parts. Every URL parameter is documented and survives a round trip. The
// filter selects the same rows from the in-memory facts table as from the Parquet view. Also the
// SQL console's read-only check, and the download formats and file names.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../etl/lib/duckdb.ts';
import {
  ignoredParameters,
  cloneState,
  defaultState,
  EXPLORER_URL_PARAMETERS,
  FACETS,
  parseState,
  serializeState,
  stateToPath,
  type ExplorerState,
} from '../../site/src/lib/url-state.ts';
import {
  checkReadOnly,
  CUBE_TABLE,
  dateToDay,
  deferredSetupStatements,
  dictionaryFromLists,
  enumValuesQuery,
  exportQuery,
  facetQuery,
  FACTS_TABLE,
  filterConditions,
  histogramQuery,
  localMidnightMs,
  offsetSpans,
  pageQuery,
  pageWindow,
  setupStatements,
  TEXT_FACETS,
  timeZoneOffsetMs,
  whereClause,
  type FacetDictionary,
} from '../../site/src/lib/explorer-sql.ts';
import { CSV_DIALECT, downloadName, EXCEL_CSV_DIALECT, filterSlug, toCsv, toGeoJsonFeatures, transliterate } from '../../site/src/lib/explorer-export.ts';
import { buildTestSnapshot } from '../helpers/snapshot.ts';

/** Returns a state with every part set, so serializing it writes every query parameter there is. */
function fullState(): ExplorerState {
  const state = defaultState('en');
  state.snapshot = '2026-12-04-2';
  for (const facet of FACETS) state.filters[facet] = ['A', ''];
  state.filters.overdue = ['true'];
  state.filters.status = ['resolved'];
  state.from = '2020-11-01';
  state.to = '2020-12-31';
  state.sort = { column: 'agency', descending: false };
  state.page = 3;
  state.metric = 'overdueShare';
  state.appeal = '2969495';
  state.sql = 'SELECT 1';
  return state;
}

describe('ignored link parameters', () => {
  test('lists an unknown status and an impossible date', () => {
    expect(ignoredParameters(new URL('https://site.test/explorer/?status=bogus&from=2021-13-45&to=2021-03-01'))).toEqual(['status=bogus', 'from=2021-13-45']);
  });

  test('keeps quiet about swapped dates', () => {
    expect(ignoredParameters(new URL('https://site.test/explorer/?from=2021-03-31&to=2021-03-01'))).toEqual([]);
  });
});

describe('explorer URL parameters', () => {
  test('every written parameter is documented', () => {
    const documented = new Set(EXPLORER_URL_PARAMETERS.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
    const written = new Set(new URLSearchParams(serializeState(fullState())).keys());

    for (const name of written) expect(documented, `parameter "${name}" is written but not in EXPLORER_URL_PARAMETERS`).toContain(name);
  });

  test('every documented parameter is read', () => {
    const defaults = parseState(new URL('https://site.test/explorer/'));
    for (const parameter of EXPLORER_URL_PARAMETERS) {
      const url = parameter.in === 'path' ? new URL(`https://site.test${parameter.example}`) : new URL(`https://site.test/explorer/?${parameter.example}`);
      expect(parseState(url), `example of "${parameter.name}" changes nothing`).not.toEqual(defaults);
    }
  });

  test('every parameter has both languages', () => {
    for (const parameter of EXPLORER_URL_PARAMETERS) {
      expect(parameter.description.ru.length, parameter.name).toBeGreaterThan(5);
      expect(parameter.description.en.length, parameter.name).toBeGreaterThan(5);
    }
  });

  test('state survives a round trip', () => {
    const state = fullState();
    const parsed = parseState(new URL(`https://site.test${stateToPath(state)}`));

    expect(parsed).toEqual({ ...state, filters: Object.fromEntries(FACETS.map((facet) => [facet, [...state.filters[facet]].sort()])) });
  });

  test('defaults write an empty query', () => {
    expect(serializeState(defaultState('ru'))).toBe('');
    expect(stateToPath(defaultState('en'), '/base/')).toBe('/base/en/explorer/');
  });

  test('invalid values fall back to defaults', () => {
    const state = parseState(new URL('https://site.test/explorer/?snapshot=../x&status=open&overdue=maybe&from=2020-02-30&page=-2&sort=-secret&metric=x'));

    expect(state.snapshot).toBeNull();
    expect(state.filters.status).toEqual([]);
    expect(state.filters.overdue).toEqual([]);
    expect(state.from).toBeNull();
    expect(state.page).toBe(1);
    expect(state.sort).toEqual({ column: 'created_at', descending: true });
    expect(state.metric).toBe('received');
  });

  test('reversed dates are swapped', () => {
    const state = parseState(new URL('https://site.test/explorer/?from=2021-01-31&to=2020-12-01'));

    expect([state.from, state.to]).toEqual(['2020-12-01', '2021-01-31']);
  });
});

describe('explorer filter SQL', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let dictionary: FacetDictionary;
  let cleanup: () => void = () => {};
  const timeZone = 'Europe/Moscow';

  beforeAll(async () => {
    const { snapshot, config } = await buildTestSnapshot();
    ({ instance, connection } = await openDatabase());
    // The site registers the files under their bare names; here the search path finds them.
    await connection.run(`SET file_search_path = '${snapshot.directory}'`);
    const facetValues = JSON.parse(readFileSync(join(snapshot.directory, 'facet_values.json'), 'utf8'));
    for (const statement of [...setupStatements({ timeZone, facetValues, factsFile: true, snapshotCreatedMs: Date.now() }), ...deferredSetupStatements({ timeZone, facetValues, factsFile: true, snapshotCreatedMs: Date.now() })]) {
      await connection.run(statement);
    }
    dictionary = dictionaryFromLists(facetValues.facets);
    cleanup = config.cleanup;
  });

  afterAll(() => {
    connection?.closeSync();
    instance?.closeSync();
    cleanup();
  });

  async function count(sql: string): Promise<number> {
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    return Number(rows[0].n);
  }

  async function countBoth(state: ExplorerState): Promise<[number, number]> {
    const facts = await count(`SELECT count(*) AS n FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, { target: 'facts', timeZone, dictionary }))}`);
    const appeals = await count(`SELECT count(*) AS n FROM (${exportQuery(state, timeZone)})`);
    return [facts, appeals];
  }

  test('facts and Parquet select the same rows', async () => {
    const district = dictionary.district.values[0];
    const rubric = dictionary.rubric.values[1];
    const states: ExplorerState[] = [];
    const base = defaultState('ru');
    states.push(base);
    const byDistrict = cloneState(base);
    byDistrict.filters.district = [district];
    states.push(byDistrict);
    const mixed = cloneState(byDistrict);
    mixed.filters.status = ['resolved', 'answered'];
    mixed.filters.overdue = ['false'];
    mixed.filters.rubric = [rubric, "O'Brien, not in the data"];
    states.push(mixed);
    const dated = cloneState(base);
    dated.from = '2020-10-26';
    dated.to = '2020-10-31';
    states.push(dated);

    for (const state of states) {
      const [facts, appeals] = await countBoth(state);
      expect(facts, serializeState(state)).toBe(appeals);
    }
    expect((await countBoth(byDistrict))[0]).toBeGreaterThan(0);
    expect((await countBoth(byDistrict))[0]).toBeLessThan((await countBoth(base))[0]);
  });

  test('cube counts equal the facts counts', async () => {
    const state = defaultState('ru');
    state.filters.status = ['resolved', 'answered'];
    state.from = '2020-11-01';
    state.to = '2020-11-30';
    const context = { target: 'facts' as const, timeZone, dictionary };
    const fromCube = (await connection.runAndReadAll(facetQuery(state, 'district', context))).getRowObjectsJS();
    const fromFacts = (await connection.runAndReadAll(
      `SELECT district AS value, count(*) AS received FROM ${FACTS_TABLE} ${whereClause(filterConditions(state, context, 'district'))} GROUP BY 1`,
    )).getRowObjectsJS();
    const byDistrict = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((row) => [String(row.value), Number(row.received)]));

    expect(byDistrict(fromCube)).toEqual(byDistrict(fromFacts));
    expect(fromCube.length).toBeGreaterThan(0);
  });

  test('setup without facet_values.json reads the same values', async () => {
    const { instance: other, connection: fallback } = await openDatabase();
    try {
      const directory = (await connection.runAndReadAll("SELECT current_setting('file_search_path') AS path")).getRowObjectsJS()[0].path as string;
      await fallback.run(`SET file_search_path = '${directory}'`);
      for (const statement of setupStatements({ timeZone, facetValues: null, factsFile: false, snapshotCreatedMs: Date.now() })) await fallback.run(statement);
      const values = (await fallback.runAndReadAll(enumValuesQuery())).getRowObjectsJS().map((row) => `${row.facet}:${row.value}`);
      const table = async (db: DuckDBConnection) => (await db.runAndReadAll(`SELECT * FROM ${FACTS_TABLE} ORDER BY rowid`)).getRowsJS();

      expect(values).toEqual(TEXT_FACETS.flatMap((facet) => dictionary[facet].values.map((value) => `${facet}:${value}`)));
      expect(await table(fallback)).toEqual(await table(connection));
    } finally {
      fallback.closeSync();
      other.closeSync();
    }
  });

  test('cube is smaller than the facts', async () => {
    expect(await count(`SELECT count(*) AS n FROM ${CUBE_TABLE}`)).toBeLessThan(await count(`SELECT count(*) AS n FROM ${FACTS_TABLE}`));
  });

  test('windowed page equals the full sort', async () => {
    const context = { target: 'facts' as const, timeZone, dictionary };
    const rowsOf = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map((row) => `${row.source}/${row.appeal_id}`);
    for (const [descending, page] of [[true, 1], [true, 7], [false, 3]] as const) {
      const state = defaultState('ru');
      state.filters.overdue = ['false'];
      state.sort = { column: 'created_at', descending };
      state.page = page;
      const days = (await connection.runAndReadAll(histogramQuery(state, context))).getRowObjectsJS().map((row) => ({ day: Number(row.day), received: Number(row.received) }));
      const window = pageWindow(state, days, 50);

      expect(window, `page ${page}`).not.toBeNull();
      expect(await rowsOf(pageQuery(state, context, 50, window)), `page ${page}, descending ${descending}`).toEqual(await rowsOf(pageQuery(state, context, 50)));
    }
  });

  test('unknown value alone matches nothing', async () => {
    const state = defaultState('ru');
    state.filters.agency = ['No such agency'];

    expect(await countBoth(state)).toEqual([0, 0]);
  });

  test('both overdue values mean no filter', async () => {
    const state = defaultState('ru');
    state.filters.overdue = ['false', 'true'];

    expect(filterConditions(state, { target: 'appeals', timeZone })).toEqual([]);
  });

  test('page window spans the page days', () => {
    const state = defaultState('ru');
    state.page = 2;
    const days = [
      { day: 10, received: 30 },
      { day: 11, received: 40 },
      { day: 12, received: 50 },
    ];

    expect(pageWindow(state, days, 50)).toEqual({ fromDay: 10, toDay: 11, offset: 0 });
    state.sort = { column: 'created_at', descending: false };
    expect(pageWindow(state, days, 50)).toEqual({ fromDay: 11, toDay: 12, offset: 20 });
    state.page = 3;
    expect(pageWindow(state, days, 50)).toEqual({ fromDay: 12, toDay: 12, offset: 30 });
    state.page = 4;
    expect(pageWindow(state, days, 50)).toBeNull();
    state.sort = { column: 'district', descending: false };
    expect(pageWindow({ ...state, page: 1 }, days, 50)).toBeNull();
  });

  test('offset spans find daylight saving changes', () => {
    const spans = offsetSpans('Europe/Berlin', Date.parse('2021-01-01T00:00:00Z'), Date.parse('2021-12-31T00:00:00Z'));

    expect(spans.map((span) => span.offsetMs)).toEqual([3_600_000, 7_200_000, 3_600_000]);
    expect(new Date(spans[1].fromMs).toISOString()).toBe('2021-03-28T01:00:00.000Z');
    expect(new Date(spans[2].fromMs).toISOString()).toBe('2021-10-31T01:00:00.000Z');
  });

  test('Moscow has one offset span', () => {
    expect(offsetSpans('Europe/Moscow', Date.parse('2020-01-01T00:00:00Z'), Date.parse('2021-12-31T00:00:00Z'))).toHaveLength(1);
  });

  test('day numbers are UTC dates', () => {
    expect(dateToDay('1970-01-02')).toBe(1);
  });

  test('dates are local midnights', () => {
    expect(new Date(localMidnightMs('2020-12-01', timeZone)).toISOString()).toBe('2020-11-30T21:00:00.000Z');
    expect(timeZoneOffsetMs(Date.parse('2021-01-01T00:00:00Z'), timeZone)).toBe(3 * 3_600_000);
    expect(new Date(localMidnightMs('2021-03-28', 'Europe/Berlin')).toISOString()).toBe('2021-03-27T23:00:00.000Z');
    expect(new Date(localMidnightMs('2021-03-29', 'Europe/Berlin')).toISOString()).toBe('2021-03-28T22:00:00.000Z');
  });
});

describe('SQL console check', () => {
  test.each([
    'SELECT count(*) FROM appeals',
    'select * from appeals limit 5;',
    'WITH x AS (SELECT 1 AS a) SELECT * FROM x',
    'EXPLAIN SELECT * FROM appeals',
    'DESCRIBE appeals',
    'SUMMARIZE status_events',
    "PRAGMA table_info('appeals')",
    'FROM appeals LIMIT 3',
    "SELECT 'drop table; copy' AS text",
    'SELECT "update" FROM (SELECT 1 AS "update")',
    '-- comment\nSELECT 1',
  ])('accepts %s', (sql) => {
    expect(checkReadOnly(sql)).toMatchObject({ ok: true });
  });

  test.each([
    ['', 'empty'],
    ['DROP TABLE appeals', 'statement'],
    ['INSERT INTO appeals VALUES (1)', 'statement'],
    ["COPY appeals TO 'x.csv'", 'statement'],
    ["ATTACH 'x.db'", 'statement'],
    ['INSTALL httpfs', 'statement'],
    ['PRAGMA version', 'pragma'],
    ['SELECT 1; DROP TABLE appeals', 'multiple'],
    ['SELECT * FROM appeals WHERE 1 = (SELECT 1) UNION SELECT * FROM (DELETE FROM appeals)', 'word'],
    ["SELECT * FROM read_csv('http://example.org/x.csv')", 'function'],
    ["SELECT * FROM read_parquet('appeals.parquet')", 'function'],
    ['SELECT * FROM "parquet_scan"(\'x\')', 'function'],
    ["SELECT * FROM 'https://example.org/data.parquet'", 'file'],
    ["SELECT * FROM 'appeals.parquet'", 'file'],
    ["SELECT 'unterminated", 'unterminated'],
    ['SELECT 1 /* open comment', 'unterminated'],
  ])('rejects %s', (sql, reason) => {
    expect(checkReadOnly(sql)).toMatchObject({ ok: false, reason });
  });
});

describe('explorer downloads', () => {
  const columns = [
    { name: 'appeal_id', kind: 'text' },
    { name: 'created_at', kind: 'timestamp' },
    { name: 'rubric', kind: 'text' },
    { name: 'days_open', kind: 'number' },
    { name: 'overdue', kind: 'boolean' },
    { name: 'latitude', kind: 'number' },
    { name: 'longitude', kind: 'number' },
  ] as const;
  const rows = [
    ['1', Date.parse('2020-10-25T18:51:43.145Z'), 'Уборка; вывоз "мусора"', 15.25, false, 59.925, 30.31],
    ['2', Date.parse('2020-10-26T05:47:12Z'), '=HYPERLINK("x")', 3, true, null, null],
  ];

  test('CSV is RFC 4180 with ISO instants', () => {
    expect(toCsv(columns, rows, CSV_DIALECT)).toBe(
      'appeal_id,created_at,rubric,days_open,overdue,latitude,longitude\n' +
        '1,2020-10-25T18:51:43.145Z,"Уборка; вывоз ""мусора""",15.25,false,59.925,30.31\n' +
        '2,2020-10-26T05:47:12.000Z,"=HYPERLINK(""x"")",3,true,,\n',
    );
  });

  test('Excel CSV has BOM, semicolons, decimal commas and CRLF', () => {
    expect(toCsv(columns, rows, EXCEL_CSV_DIALECT)).toBe(
      '\ufeffappeal_id;created_at;rubric;days_open;overdue;latitude;longitude\r\n' +
        '1;2020-10-25 18:51:43;"Уборка; вывоз ""мусора""";15,25;false;59,925;30,31\r\n' +
        '2;2020-10-26 05:47:12;"\'=HYPERLINK(""x"")";3;true;;\r\n',
    );
  });

  test('GeoJSON skips rows without coordinates', () => {
    const features = toGeoJsonFeatures(columns, rows);

    expect(features).toHaveLength(1);
    expect(features[0].geometry.coordinates).toEqual([30.31, 59.925]);
    expect(features[0].properties).toMatchObject({ appeal_id: '1', created_at: '2020-10-25T18:51:43.145Z' });
  });

  test('file name states snapshot and filter', () => {
    const state = defaultState('ru');
    state.filters.district = ['Невский'];
    state.filters.status = ['resolved'];

    expect(downloadName('appeals', '2026-12-04', state, 'csv')).toBe('appeals_2026-12-04_district-Nevskiy_status-resolved.csv');
    expect(downloadName('appeals', '2026-12-04', defaultState('ru'), 'parquet')).toBe('appeals_2026-12-04_all.parquet');
  });

  test('long filters are cut with a hash', () => {
    const state = defaultState('ru');
    state.filters.rubric = ['Очень длинная рубрика '.repeat(20), 'Другая длинная рубрика '.repeat(20)];
    const other = cloneState(state);
    other.filters.rubric = ['Очень длинная рубрика '.repeat(20), 'Третья длинная рубрика '.repeat(20)];

    expect(filterSlug(state).length).toBeLessThanOrEqual(120);
    expect(filterSlug(state)).not.toBe(filterSlug(other));
    expect(filterSlug(state)).toMatch(/^[A-Za-z0-9.+_-]+$/);
  });

  test('transliteration keeps capitals', () => {
    expect(transliterate('Петроградский')).toBe('Petrogradskiy');
    expect(transliterate('Щучье озеро')).toBe('Shchuche ozero');
  });
});
