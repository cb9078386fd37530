// The explorer's state as a URL: filters, sort, page, map metric, open appeal, SQL query and
// snapshot id live in the query string, and the language in the path (`/explorer/` or
// `/en/explorer/`). `EXPLORER_URL_PARAMETERS` documents every part in Russian and English. The
// page shows that table, and a unit test fails when `serializeState` writes a parameter that the
// table does not list.
//
// Parsing never throws: an unknown parameter is ignored and an invalid value falls back to the
// default, so an edited or truncated link still opens.

import { APPEAL_STATUSES } from '../../../etl/schema.ts';
import { MAP_METRICS, isMapMetric, type MapMetric } from './metrics.ts';
import type { Locale } from './format.ts';

/** Columns the explorer filters by with checkbox lists, in the order the page shows them. */
export const FACETS = ['region', 'district', 'municipality', 'category', 'rubric', 'agency', 'status', 'overdue'] as const;
export type Facet = (typeof FACETS)[number];

/** Columns the results table can be sorted by. */
export const SORT_COLUMNS = [
  'appeal_id',
  'created_at',
  'district',
  'municipality',
  'rubric',
  'agency',
  'status',
  'days_to_first_answer',
  'overdue',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface SortOrder {
  column: SortColumn;
  descending: boolean;
}

export const DEFAULT_SORT: SortOrder = { column: 'created_at', descending: true };

/**
 * In a facet's values, this token stands for an empty (null) value of a nullable column, because
 * a URL cannot carry null. In the URL it is an empty parameter, e.g. `municipality=`.
 */
export const EMPTY_VALUE = '';

/** Longest SQL text kept in a URL, in characters; longer queries are not put into links. */
export const MAX_SQL_LENGTH = 4000;

const SNAPSHOT_ID = /^\d{4}-\d{2}-\d{2}(-\d+)?$/;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ExplorerState {
  locale: Locale;
  /** Snapshot id; null means the current snapshot, resolved from `/snapshots/index.json`. */
  snapshot: string | null;
  /** Selected values per facet; an empty list means no filter on that column. */
  filters: Record<Facet, string[]>;
  /** First and last creation date, inclusive, as "YYYY-MM-DD" in the region's time zone. */
  from: string | null;
  to: string | null;
  sort: SortOrder;
  /** Results page, from 1. */
  page: number;
  metric: MapMetric;
  /** Appeal whose detail view is open. */
  appeal: string | null;
  /** Text of the SQL console's last run query. */
  sql: string | null;
}

type Text = { readonly ru: string; readonly en: string };

export interface UrlParameter {
  readonly name: string;
  /** Location of the part: a query parameter, or a segment of the path. */
  readonly in: 'query' | 'path';
  /** True when the parameter may repeat, one value per occurrence. */
  readonly repeatable: boolean;
  readonly example: string;
  readonly description: Text;
}

const facetDescription = (ru: string, en: string): Text => ({
  ru: `${ru}. Повторяется для нескольких значений (ИЛИ); пустое значение — «не указано».`,
  en: `${en}. Repeat it for several values (OR); an empty value means "not stated".`,
});

/** Every part of an explorer URL, with its meaning in both languages. */
export const EXPLORER_URL_PARAMETERS = [
  {
    name: 'en',
    in: 'path',
    repeatable: false,
    example: '/en/explorer/',
    description: {
      ru: 'Язык: /explorer/ — русская версия, /en/explorer/ — английская. Параметры одинаковы.',
      en: 'Language: /explorer/ is the Russian version, /en/explorer/ the English one. The parameters are the same.',
    },
  },
  {
    name: 'snapshot',
    in: 'query',
    repeatable: false,
    example: 'snapshot=2026-12-04',
    description: {
      ru: 'Идентификатор снимка данных. Ссылка со снимком всегда показывает те же строки; без него открывается текущий снимок.',
      en: 'Data snapshot id. A link with a snapshot always shows the same rows; without it the current snapshot opens.',
    },
  },
  { name: 'region', in: 'query', repeatable: true, example: 'region=spb', description: facetDescription('Регион', 'Region') },
  { name: 'district', in: 'query', repeatable: true, example: 'district=Невский', description: facetDescription('Район', 'District') },
  {
    name: 'municipality',
    in: 'query',
    repeatable: true,
    example: 'municipality=Сенной округ',
    description: facetDescription('Муниципальный округ', 'Municipal okrug'),
  },
  { name: 'category', in: 'query', repeatable: true, example: 'category=Фасад', description: facetDescription('Категория', 'Category') },
  { name: 'rubric', in: 'query', repeatable: true, example: 'rubric=Уборка мусора', description: facetDescription('Рубрика', 'Rubric') },
  { name: 'agency', in: 'query', repeatable: true, example: 'agency=Жилкомсервис', description: facetDescription('Ведомство', 'Agency') },
  {
    name: 'status',
    in: 'query',
    repeatable: true,
    example: 'status=resolved',
    description: facetDescription(`Текущий статус: ${APPEAL_STATUSES.join(', ')}`, `Current status: ${APPEAL_STATUSES.join(', ')}`),
  },
  {
    name: 'overdue',
    in: 'query',
    repeatable: true,
    example: 'overdue=true',
    description: {
      ru: 'Просрочено: true — да, false — нет.',
      en: 'Overdue: true for yes, false for no.',
    },
  },
  {
    name: 'from',
    in: 'query',
    repeatable: false,
    example: 'from=2020-11-01',
    description: {
      ru: 'Первый день создания обращений (ГГГГ-ММ-ДД, по времени региона), включительно.',
      en: "First day of creation (YYYY-MM-DD in the region's time zone), inclusive.",
    },
  },
  {
    name: 'to',
    in: 'query',
    repeatable: false,
    example: 'to=2020-12-31',
    description: {
      ru: 'Последний день создания обращений (ГГГГ-ММ-ДД, по времени региона), включительно.',
      en: "Last day of creation (YYYY-MM-DD in the region's time zone), inclusive.",
    },
  },
  {
    name: 'sort',
    in: 'query',
    repeatable: false,
    example: 'sort=-days_to_first_answer',
    description: {
      ru: `Сортировка таблицы: имя столбца (${SORT_COLUMNS.join(', ')}); минус впереди — по убыванию. По умолчанию -created_at.`,
      en: `Table sort: a column name (${SORT_COLUMNS.join(', ')}); a leading minus sorts descending. Default -created_at.`,
    },
  },
  {
    name: 'page',
    in: 'query',
    repeatable: false,
    example: 'page=3',
    description: { ru: 'Страница таблицы, с 1.', en: 'Table page, from 1.' },
  },
  {
    name: 'metric',
    in: 'query',
    repeatable: false,
    example: 'metric=overdueShare',
    description: {
      ru: `Показатель на карте: ${MAP_METRICS.join(', ')}. По умолчанию received.`,
      en: `Metric on the map: ${MAP_METRICS.join(', ')}. Default received.`,
    },
  },
  {
    name: 'appeal',
    in: 'query',
    repeatable: false,
    example: 'appeal=2969495',
    description: {
      ru: 'Номер обращения, карточка которого открыта.',
      en: 'Id of the appeal whose detail view is open.',
    },
  },
  {
    name: 'sql',
    in: 'query',
    repeatable: false,
    example: 'sql=SELECT count(*) FROM appeals',
    description: {
      ru: `Запрос консоли SQL, выполненный последним (до ${MAX_SQL_LENGTH} знаков).`,
      en: `The SQL console's last run query (up to ${MAX_SQL_LENGTH} characters).`,
    },
  },
] as const satisfies readonly UrlParameter[];

export type UrlParameterName = (typeof EXPLORER_URL_PARAMETERS)[number]['name'];

/** Returns the explorer's path in a locale, without the site's base path. */
export function explorerPath(locale: Locale): string {
  return locale === 'en' ? '/en/explorer/' : '/explorer/';
}

export function emptyFilters(): Record<Facet, string[]> {
  return Object.fromEntries(FACETS.map((facet) => [facet, []])) as unknown as Record<Facet, string[]>;
}

export function defaultState(locale: Locale): ExplorerState {
  return {
    locale,
    snapshot: null,
    filters: emptyFilters(),
    from: null,
    to: null,
    sort: { ...DEFAULT_SORT },
    page: 1,
    metric: 'received',
    appeal: null,
    sql: null,
  };
}

function isValidPlainDate(value: string | null): value is string {
  if (value === null || !PLAIN_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function isSortColumn(value: string): value is SortColumn {
  return (SORT_COLUMNS as readonly string[]).includes(value);
}

function parseSort(value: string | null): SortOrder {
  if (!value) return { ...DEFAULT_SORT };
  const descending = value.startsWith('-');
  const column = descending ? value.slice(1) : value;
  return isSortColumn(column) ? { column, descending } : { ...DEFAULT_SORT };
}

function parseFacetValues(facet: Facet, values: string[]): string[] {
  let kept = values;
  if (facet === 'overdue') kept = values.filter((value) => value === 'true' || value === 'false');
  if (facet === 'status') kept = values.filter((value) => (APPEAL_STATUSES as readonly string[]).includes(value));
  return [...new Set(kept)].sort();
}

/**
 * Lists the parameters of a link that parseState left out as malformed (an unknown status, an
 * impossible date), as "name=value", so that the page can report them as ignored.
 */
export function ignoredParameters(url: URL): string[] {
  const state = parseState(url);
  const ignored: string[] = [];
  for (const facet of ['status', 'overdue'] as const) {
    for (const value of url.searchParams.getAll(facet)) if (!state.filters[facet].includes(value)) ignored.push(`${facet}=${value}`);
  }
  for (const name of ['from', 'to'] as const) {
    const value = url.searchParams.get(name);
    if (value && value !== state.from && value !== state.to) ignored.push(`${name}=${value}`);
  }
  return ignored;
}

/** Reads the locale from a path: `/en/` before `explorer/` means English. */
export function localeFromPath(pathname: string): Locale {
  return /\/en\/explorer\/?$/.test(pathname) ? 'en' : 'ru';
}

/** Reads the state from a URL's path and query string. */
export function parseState(url: URL): ExplorerState {
  const params = url.searchParams;
  const state = defaultState(localeFromPath(url.pathname));

  const snapshot = params.get('snapshot');
  state.snapshot = snapshot && SNAPSHOT_ID.test(snapshot) ? snapshot : null;
  for (const facet of FACETS) state.filters[facet] = parseFacetValues(facet, params.getAll(facet));

  const from = params.get('from');
  const to = params.get('to');
  state.from = isValidPlainDate(from) ? from : null;
  state.to = isValidPlainDate(to) ? to : null;
  if (state.from && state.to && state.from > state.to) [state.from, state.to] = [state.to, state.from];

  state.sort = parseSort(params.get('sort'));
  const page = Number(params.get('page'));
  state.page = Number.isInteger(page) && page >= 1 ? page : 1;
  const metric = params.get('metric');
  state.metric = isMapMetric(metric) ? metric : 'received';
  state.appeal = params.get('appeal') || null;
  const sql = params.get('sql');
  state.sql = sql && sql.trim() !== '' && sql.length <= MAX_SQL_LENGTH ? sql : null;
  return state;
}

/**
 * Writes the state as a query string (with a leading "?", or empty) in a fixed parameter order,
 * leaving out defaults, so one state always gives one URL.
 */
export function serializeState(state: ExplorerState): string {
  const params = new URLSearchParams();
  if (state.snapshot) params.set('snapshot', state.snapshot);
  for (const facet of FACETS) {
    for (const value of [...state.filters[facet]].sort()) params.append(facet, value);
  }
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.sort.column !== DEFAULT_SORT.column || state.sort.descending !== DEFAULT_SORT.descending) {
    params.set('sort', `${state.sort.descending ? '-' : ''}${state.sort.column}`);
  }
  if (state.page > 1) params.set('page', String(state.page));
  if (state.metric !== 'received') params.set('metric', state.metric);
  if (state.appeal) params.set('appeal', state.appeal);
  if (state.sql && state.sql.length <= MAX_SQL_LENGTH) params.set('sql', state.sql);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Returns the explorer URL of a state: base path, locale path and query string. */
export function stateToPath(state: ExplorerState, basePath = ''): string {
  return `${basePath.replace(/\/$/, '')}${explorerPath(state.locale)}${serializeState(state)}`;
}

/** True when two states select the same rows (filters, dates and snapshot). */
export function sameSelection(a: ExplorerState, b: ExplorerState): boolean {
  if (a.snapshot !== b.snapshot || a.from !== b.from || a.to !== b.to) return false;
  return FACETS.every((facet) => a.filters[facet].join('\u0000') === b.filters[facet].join('\u0000'));
}

/** Number of active filters: selected facet values plus one for a date range. */
export function countActiveFilters(state: ExplorerState): number {
  const values = FACETS.reduce((sum, facet) => sum + state.filters[facet].length, 0);
  return values + (state.from || state.to ? 1 : 0);
}

export function cloneState(state: ExplorerState): ExplorerState {
  return {
    ...state,
    filters: Object.fromEntries(FACETS.map((facet) => [facet, [...state.filters[facet]]])) as unknown as Record<Facet, string[]>,
    sort: { ...state.sort },
  };
}
