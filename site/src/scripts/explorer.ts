// Browser entry of the explorer page. It reads the state from the URL, resolves the snapshot,
// imports the query engine lazily (this page is the only one that loads DuckDB-WASM), and keeps
// every view (facets, map, histogram, bars, table, detail view) in step with one state. Each user
// action writes the state to the URL with pushState; Back and Forward replay it through popstate.

import { APPEAL_STATUSES } from '../../../etl/schema.ts';
import type { ExplorerConfig } from '../lib/explorer-config.ts';
import type { ExplorerDatabase, Row } from '../lib/duckdb-client.ts';
import type { ExplorerTestHook } from '../lib/explorer-hook.ts';
import { fillTemplate } from '../lib/explorer-i18n.ts';
import {
  appealLocationQuery,
  eventsQuery,
  locatedAppealQuery,
  setupStatements,
  deferredSetupStatements,
  decodeValue,
  usesFactsFile,
  EXPLORER_FACTS_FILE,
  type SetupOptions,
  APPEALS_FILE,
  EVENTS_FILE,
  TEXT_FACETS,
  type FacetDictionary,
  type FilterContext,
} from '../lib/explorer-sql.ts';
import { createFormatters, type Formatters } from '../lib/format.ts';
import { isMapMetric } from '../lib/metrics.ts';
import {
  cloneState,
  countActiveFilters,
  EMPTY_VALUE,
  explorerPath,
  FACETS,
  ignoredParameters,
  parseState,
  sameSelection,
  serializeState,
  stateToPath,
  type ExplorerState,
  type Facet,
  type SortColumn,
} from '../lib/url-state.ts';
import { createLabeler, setupFacets, type FacetLabeler } from './explorer-facets.ts';
import { setupHistogram } from './explorer-histogram.ts';
import { loadDictionary, queryDistrictMedians, queryPage, queryViews, type ViewData } from './explorer-queries.ts';
import { setupDetail, setupTable } from './explorer-table.ts';
import { setupConsole } from './explorer-console.ts';
import { citationText, downloadChartTable, downloadRows, type ChartTable, type DownloadContext, type RowFormat } from './explorer-downloads.ts';
import { readFacetValues, resolveSnapshot, type ResolvedSnapshot } from './explorer-snapshots.ts';
import type { MapController } from './explorer-map.ts';

/** Columns sorted descending on their first click: times, durations and flags. */
const DESCENDING_FIRST: readonly SortColumn[] = ['created_at', 'days_to_first_answer', 'overdue'];

function readConfig(root: HTMLElement): ExplorerConfig {
  const element = root.querySelector('[data-explorer-config]');
  if (!element?.textContent) throw new Error('Explorer config script [data-explorer-config] is missing');
  return JSON.parse(element.textContent) as ExplorerConfig;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function createHook(): ExplorerTestHook {
  const hook: ExplorerTestHook = {
    ready: false,
    snapshot: null,
    count: null,
    updates: 0,
    durations: [],
    queryDurations: [],
    coldStartMs: null,
    engineStartMs: null,
    startTimings: [],
    mapReady: false,
    districtScreenPoint: () => null,
    timeQuery: () => Promise.reject(new Error('The query engine has not started')),
  };
  window.__openDistrictExplorer = hook;
  return hook;
}

/**
 * Draws a bar per value. Like the facet lists, a chart counts under every filter but its own
 * column's, so while that column is filtered the selected values are marked and the others dimmed.
 */
function renderBars(list: HTMLElement, entries: [string, number][], selected: readonly string[], labelOf: (value: string) => string, formatters: Formatters): void {
  const max = Math.max(1, ...entries.map(([, count]) => count));
  const items = entries.map(([value, count]) => {
    const item = document.createElement('li');
    if (selected.length > 0) item.className = selected.includes(value) ? 'bars__item--selected' : 'bars__item--other';
    const bar = Object.assign(document.createElement('span'), { className: 'bars__bar' });
    bar.style.width = `${(100 * count) / max}%`;
    bar.setAttribute('aria-hidden', 'true');
    item.append(
      // The label may be cut to one line; its title keeps the whole text within reach.
      Object.assign(document.createElement('span'), { className: 'bars__label', textContent: labelOf(value), title: labelOf(value) }),
      Object.assign(document.createElement('span'), { className: 'bars__value', textContent: formatters.integer(count) }),
      bar,
    );
    return item;
  });
  list.replaceChildren(...items);
}

async function start(root: HTMLElement): Promise<void> {
  const config = readConfig(root);
  const s = config.strings;
  const formatters = createFormatters(config.locale, config.timeZone);
  const labelOf: FacetLabeler = createLabeler(config);
  const hook = createHook();

  const statusLine = root.querySelector<HTMLElement>('[data-status]')!;
  const snapshotNotice = root.querySelector<HTMLElement>('[data-snapshot-notice]')!;
  const countLine = root.querySelector<HTMLElement>('[data-count]')!;
  const chips = root.querySelector<HTMLElement>('[data-chips]')!;
  const totalsList = root.querySelector<HTMLElement>('[data-totals]')!;
  const resetButton = root.querySelector<HTMLButtonElement>('[data-reset]')!;
  const metricSelect = root.querySelector<HTMLSelectElement>('[data-metric]')!;
  const dateInputs = { from: root.querySelector<HTMLInputElement>('[data-date="from"]')!, to: root.querySelector<HTMLInputElement>('[data-date="to"]')! };
  const downloadStatus = root.querySelector<HTMLElement>('[data-download-status]')!;
  const languageLink = document.querySelector<HTMLAnchorElement>('[data-testid="language-switch"]');
  const filtersDetails = root.querySelector<HTMLDetailsElement>('[data-filters-details]')!;
  const filtersCount = root.querySelector<HTMLElement>('[data-filters-count]')!;
  // On a phone the filters start folded, so the results are one screen away, not three.
  if (window.matchMedia('(max-width: 59.99rem)').matches) filtersDetails.open = false;

  let state = parseState(new URL(window.location.href));
  state.locale = config.locale;
  let db: ExplorerDatabase | null = null;
  let context: FilterContext | null = null;
  let view: ViewData | null = null;
  let map: MapController | null = null;
  let snapshot: ResolvedSnapshot | null = null;
  let updateSequence = 0;
  let total = 0;

  const setStatus = (text: string) => {
    statusLine.textContent = text;
  };

  const fail = (text: string) => {
    setStatus(text);
    statusLine.classList.add('explorer__status--error');
    hook.error = text;
  };

  const updateLanguageLink = () => {
    if (!languageLink) return;
    const other = config.locale === 'ru' ? 'en' : 'ru';
    languageLink.href = `${config.basePath}${explorerPath(other)}${serializeState(state)}`;
  };

  // ---- History ---------------------------------------------------------------------------

  const commit = (next: ExplorerState, mode: 'push' | 'replace' = 'push') => {
    const previous = state;
    state = next;
    const url = stateToPath(state, config.basePath);
    if (url !== window.location.pathname + window.location.search) {
      if (mode === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    }
    updateLanguageLink();
    apply(previous, next);
  };

  window.addEventListener('popstate', () => {
    const next = parseState(new URL(window.location.href));
    next.locale = config.locale;
    if (next.snapshot !== null && next.snapshot !== state.snapshot) {
      // Another snapshot needs another engine and facts table; a fresh page load gives both.
      window.location.reload();
      return;
    }
    next.snapshot = state.snapshot;
    const previous = state;
    state = next;
    updateLanguageLink();
    apply(previous, next);
  });

  // ---- Views -------------------------------------------------------------------------------

  const facets = setupFacets(root, config, formatters, labelOf, (facet, value, checked) => toggleFilter(facet, value, checked));
  const histogram = setupHistogram(root.querySelector<HTMLElement>('[data-histogram]')!, config, formatters, (from, to) => {
    const next = cloneState(state);
    next.from = from;
    next.to = to;
    next.page = 1;
    commit(next);
  });
  const table = setupTable(root, config, formatters, labelOf, {
    onSort(column) {
      const next = cloneState(state);
      next.sort = column === state.sort.column ? { column, descending: !state.sort.descending } : { column, descending: DESCENDING_FIRST.includes(column) };
      next.page = 1;
      commit(next);
    },
    onSortOrder(column, descending) {
      const next = cloneState(state);
      next.sort = { column, descending };
      next.page = 1;
      commit(next);
    },
    onPage(page) {
      const next = cloneState(state);
      next.page = Math.max(1, page);
      commit(next);
    },
    onOpen(appealId) {
      const next = cloneState(state);
      next.appeal = appealId;
      commit(next);
    },
  });
  const detail = setupDetail(root, config, formatters, labelOf, () => {
    if (state.appeal === null) return;
    const next = cloneState(state);
    next.appeal = null;
    commit(next);
  });
  const sqlConsole = setupConsole(root, config, formatters, (sql) => {
    const next = cloneState(state);
    next.sql = sql;
    commit(next, 'replace');
  });

  function toggleFilter(facet: Facet, value: string, checked: boolean): void {
    const next = cloneState(state);
    const values = new Set(next.filters[facet]);
    if (checked) values.add(value);
    else values.delete(value);
    next.filters[facet] = [...values].sort();
    next.page = 1;
    commit(next);
  }

  function renderChips(): void {
    const items: HTMLElement[] = [];
    const addChip = (label: string, remove: () => void) => {
      const button = Object.assign(document.createElement('button'), { type: 'button', className: 'chip', textContent: `${label} ×` });
      button.setAttribute('aria-label', fillTemplate(s['summary.remove'], { label }));
      button.addEventListener('click', remove);
      const item = document.createElement('li');
      item.append(button);
      items.push(item);
    };
    for (const facet of FACETS) {
      for (const value of state.filters[facet]) addChip(`${s[`facet.${facet}`]}: ${labelOf(facet, value)}`, () => toggleFilter(facet, value, false));
    }
    if (state.from || state.to) {
      const label = fillTemplate(s['dates.chip'], { from: state.from ? formatters.plainDate(state.from) : '…', to: state.to ? formatters.plainDate(state.to) : '…' });
      addChip(label, () => {
        const next = cloneState(state);
        next.from = null;
        next.to = null;
        next.page = 1;
        commit(next);
      });
    }
    chips.replaceChildren(...items);
    resetButton.disabled = countActiveFilters(state) === 0;
  }

  function renderTotals(data: ViewData): void {
    const totals = data.totals;
    countLine.textContent = fillTemplate(s['summary.count'], { count: formatters.integer(totals.received), total: formatters.integer(total) });
    countLine.dataset.count = String(totals.received);
    const entries: [string, string][] = [
      [s['summary.overdue'], totals.received > 0 ? formatters.percent(totals.overdue / totals.received) : config.common.noData],
      [s['summary.resolved'], totals.received > 0 ? formatters.percent(totals.resolved / totals.received) : config.common.noData],
      [s['summary.median'], totals.medianDays === null ? config.common.noData : formatters.days(totals.medianDays)],
    ];
    totalsList.replaceChildren(
      ...entries.map(([term, value]) => {
        const item = document.createElement('div');
        item.append(Object.assign(document.createElement('dt'), { textContent: term }), Object.assign(document.createElement('dd'), { textContent: value }));
        return item;
      }),
    );
  }

  function renderViews(data: ViewData): void {
    facets.render(state, data);
    renderTotals(data);
    renderChips();
    histogram.render(data.histogram, state.from, state.to);
    const statusOrder = (value: string) => (APPEAL_STATUSES as readonly string[]).indexOf(value);
    const statusEntries = [...data.facets.status].filter(([, count]) => count > 0).sort((a, b) => statusOrder(a[0]) - statusOrder(b[0]));
    renderBars(root.querySelector<HTMLElement>('[data-bars="status"]')!, statusEntries, state.filters.status, (value) => labelOf('status', value), formatters);
    const rubricEntries = [...data.facets.rubric].filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]).slice(0, 10);
    renderBars(root.querySelector<HTMLElement>('[data-bars="rubric"]')!, rubricEntries, state.filters.rubric, (value) => labelOf('rubric', value), formatters);
    filtersCount.textContent = countActiveFilters(state) > 0 ? `(${countActiveFilters(state)})` : '';
    map?.render(state.metric, data.districts, state.filters.district);
    table.render(state, data.page, data.totals.received);
    dateInputs.from.value = state.from ?? '';
    dateInputs.to.value = state.to ?? '';
    metricSelect.value = state.metric;
  }

  /** Re-runs the queries of a state; a newer call makes an older one's results stale. */
  async function refresh(scope: 'all' | 'page'): Promise<void> {
    if (!db || !context) return;
    const sequence = ++updateSequence;
    const started = performance.now();
    const queried = cloneState(state);
    root.setAttribute('aria-busy', 'true');
    try {
      if (scope === 'all' || !view) {
        const data = await queryViews(db, queried, context);
        if (sequence !== updateSequence) return;
        hook.queryDurations.push(performance.now() - started);
        const pages = table.pageCount(data.totals.received);
        if (state.page > pages) {
          // A page past the end (after a narrower filter or an edited link) shows the last one.
          state = { ...cloneState(state), page: pages };
          window.history.replaceState(null, '', stateToPath(state, config.basePath));
          data.page = await queryPage(db, state, context, data.histogram);
          if (sequence !== updateSequence) return;
        }
        view = data;
        renderViews(data);
      } else {
        const rows = await queryPage(db, queried, context, view.histogram);
        if (sequence !== updateSequence) return;
        view.page = rows;
        table.render(state, rows, view.totals.received);
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (scope === 'all') hook.durations.push(performance.now() - started);
      hook.updates += 1;
      hook.count = view?.totals.received ?? null;
      setStatus(fillTemplate(s['status.ready'], { count: formatters.integer(view?.totals.received ?? 0) }));
    } catch (error) {
      if (sequence === updateSequence) fail(fillTemplate(s['status.queryFailed'], { message: message(error) }));
    } finally {
      if (sequence === updateSequence) root.removeAttribute('aria-busy');
    }
  }

  async function loadAppeal(appealId: string): Promise<{ appeal: Row | null; events: Row[] }> {
    if (!db) throw new Error(s['sql.notReady']);
    const [located] = await db.queryObjects(appealLocationQuery(appealId));
    if (!located) return { appeal: null, events: [] };
    const dictionary = context!.dictionary!;
    const location = {
      source: String(located.source),
      region: String(decodeValue(dictionary, 'region', located.region)),
      district: String(decodeValue(dictionary, 'district', located.district)),
      createdAtMs: Number(located.created_at),
    };
    const [appeal] = await db.queryObjects(locatedAppealQuery(appealId, location));
    const events = await db.queryObjects(eventsQuery(appealId, String(located.source)));
    return { appeal: appeal ?? null, events };
  }

  function apply(previous: ExplorerState, next: ExplorerState): void {
    if (!sameSelection(previous, next)) void refresh('all');
    else if (previous.page !== next.page || previous.sort.column !== next.sort.column || previous.sort.descending !== next.sort.descending) void refresh('page');
    if (previous.metric !== next.metric && view) {
      metricSelect.value = next.metric;
      if (next.metric === 'medianDaysToFirstAnswer' && !view.districtMedians) void refresh('all');
      else map?.render(next.metric, view.districts, next.filters.district);
    }
    if (next.appeal !== previous.appeal || (next.appeal && !detail.isOpen())) {
      if (next.appeal && db) detail.open(next.appeal, () => loadAppeal(next.appeal!), snapshot?.info.id ?? '');
      else if (!next.appeal) detail.close();
    }
  }

  // ---- Controls ------------------------------------------------------------------------------

  resetButton.addEventListener('click', () => {
    const next = cloneState(state);
    for (const facet of FACETS) next.filters[facet] = [];
    next.from = null;
    next.to = null;
    next.page = 1;
    commit(next);
  });
  for (const key of ['from', 'to'] as const) {
    dateInputs[key].addEventListener('change', () => {
      const value = dateInputs[key].value;
      const next = cloneState(state);
      next[key] = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
      // A start typed after the end (or an end before the start) begins a new period: the other
      // end is cleared rather than swapped in, which would select months that were never asked for.
      if (next.from && next.to && next.from > next.to) next[key === 'from' ? 'to' : 'from'] = null;
      next.page = 1;
      commit(next);
    });
  }
  root.querySelector('[data-dates-clear]')?.addEventListener('click', () => {
    const next = cloneState(state);
    next.from = null;
    next.to = null;
    next.page = 1;
    commit(next);
  });
  metricSelect.addEventListener('change', () => {
    if (!isMapMetric(metricSelect.value)) return;
    const next = cloneState(state);
    next.metric = metricSelect.value;
    commit(next);
  });

  const downloadContext = (): DownloadContext | null =>
    db && view && snapshot ? { db, state, snapshot: snapshot.info, timeZone: config.timeZone, view, districtValues: map?.values() ?? [] } : null;

  root.querySelectorAll<HTMLButtonElement>('[data-download]').forEach((button) => {
    button.addEventListener('click', async () => {
      const downloadContextValue = downloadContext();
      if (!downloadContextValue) return;
      button.disabled = true;
      downloadStatus.textContent = fillTemplate(s['downloads.preparing'], { name: button.textContent?.trim() ?? '' });
      try {
        downloadStatus.textContent = await downloadRows(button.dataset.download as RowFormat, downloadContextValue, config);
      } catch (error) {
        downloadStatus.textContent = fillTemplate(s['downloads.failed'], { message: message(error) });
      } finally {
        button.disabled = false;
      }
    });
  });
  root.querySelectorAll<HTMLButtonElement>('[data-chart-download]').forEach((button) => {
    button.addEventListener('click', async () => {
      const downloadContextValue = downloadContext();
      if (!downloadContextValue) return;
      const table = button.dataset.chartDownload as ChartTable;
      try {
        const medians = table === 'by-district' && !downloadContextValue.view.districtMedians && context ? await queryDistrictMedians(downloadContextValue.db, downloadContextValue.state, context) : null;
        const name = downloadChartTable(table, downloadContextValue, labelOf, medians);
        downloadStatus.textContent = fillTemplate(s['downloads.doneTable'], { name });
      } catch (error) {
        downloadStatus.textContent = fillTemplate(s['downloads.failed'], { message: message(error) });
      }
    });
  });

  const citeButton = root.querySelector<HTMLButtonElement>('[data-cite]')!;
  citeButton.addEventListener('click', async () => {
    const downloadContextValue = downloadContext();
    if (!downloadContextValue) return;
    const text = citationText(downloadContextValue, config, formatters, labelOf, window.location.href);
    const box = root.querySelector<HTMLElement>('[data-cite-box]')!;
    const area = root.querySelector<HTMLTextAreaElement>('[data-cite-text]')!;
    const citeStatus = root.querySelector<HTMLElement>('[data-cite-status]')!;
    area.value = text;
    box.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      citeStatus.textContent = s['citation.copied'];
    } catch {
      citeStatus.textContent = s['citation.copyFailed'];
      area.focus();
      area.select();
    }
  });

  // ---- Start -------------------------------------------------------------------------------

  updateLanguageLink();
  sqlConsole.load(state.sql);

  let resolved: Awaited<ReturnType<typeof resolveSnapshot>>;
  try {
    resolved = await resolveSnapshot(config, state.snapshot);
  } catch (error) {
    fail(fillTemplate(s['snapshot.indexFailed'], { message: message(error) }));
    return;
  }
  if (resolved.kind === 'gone') {
    const current = cloneState(state);
    current.snapshot = resolved.current;
    snapshotNotice.replaceChildren(
      Object.assign(document.createElement('p'), { textContent: fillTemplate(s['snapshot.gone'], { snapshot: state.snapshot ?? '', kept: resolved.kept.join(', ') }) }),
      Object.assign(document.createElement('a'), { href: stateToPath(current, config.basePath), textContent: s['snapshot.openCurrent'] }),
    );
    snapshotNotice.hidden = false;
    snapshotNotice.dataset.testid = 'snapshot-gone';
    hook.snapshotGone = true;
    fail(fillTemplate(s['snapshot.gone'], { snapshot: state.snapshot ?? '', kept: resolved.kept.join(', ') }));
    return;
  }
  snapshot = resolved;
  hook.snapshot = resolved.info.id;
  if (resolved.info.id !== resolved.current) {
    const current = cloneState(state);
    current.snapshot = resolved.current;
    snapshotNotice.replaceChildren(
      Object.assign(document.createElement('p'), {
        textContent: fillTemplate(s['snapshot.archived'], { snapshot: resolved.info.id, created: formatters.date(resolved.info.createdAt), current: resolved.current }),
      }),
      Object.assign(document.createElement('a'), { href: stateToPath(current, config.basePath), textContent: s['snapshot.openCurrent'] }),
    );
    snapshotNotice.hidden = false;
  }
  if (state.snapshot === null) {
    // Pin the snapshot, so the address bar is a permalink from the first moment.
    commit({ ...cloneState(state), snapshot: resolved.info.id }, 'replace');
  }

  const folder = `${config.basePath}/snapshots/${resolved.info.id}`;
  // The map starts after the first views: it cannot show counts before the first query, and
  // loading MapLibre while the engine starts slows both, since the worker's messages wait for the
  // page's thread.
  let mapStart: Promise<void> | null = null;
  const startMap = () => {
    mapStart = import('./explorer-map.ts')
      .then(({ setupMap }) =>
        setupMap(
          root,
          config,
          formatters,
          `${folder}/${resolved.boundaries}`,
          (district) => toggleFilter('district', district, !state.filters.district.includes(district)),
          () => state.filters.district,
        ),
      )
      .then((controller) => {
        map = controller;
        hook.districtScreenPoint = (district) => controller.districtScreenPoint(district);
        if (view) controller.render(state.metric, view.districts, state.filters.district);
        void controller.ready.then((ready) => {
          hook.mapReady = ready;
          if (view) controller.render(state.metric, view.districts, state.filters.district);
        });
      })
      .catch((error: unknown) => {
        root.querySelector<HTMLElement>('[data-map-failed]')?.removeAttribute('hidden');
        console.warn(`Explorer map not drawn: ${message(error)}`);
      });
  };

  const engineStarted = performance.now();
  try {
    const [{ ExplorerDatabase }, facetValues] = await Promise.all([import('../lib/duckdb-client.ts'), resolved.facetValues ? readFacetValues(folder) : null]);
    setStatus(fillTemplate(s['status.loadingData'], { snapshot: resolved.info.id }));
    const setup: SetupOptions = { timeZone: config.timeZone, facetValues, factsFile: resolved.explorerFacts, snapshotCreatedMs: Date.parse(resolved.info.createdAt) };
    db = await ExplorerDatabase.open({
      files: [
        { name: APPEALS_FILE, url: `${folder}/${APPEALS_FILE}` },
        { name: EVENTS_FILE, url: `${folder}/${EVENTS_FILE}` },
        ...(usesFactsFile(setup) ? [{ name: EXPLORER_FACTS_FILE, url: `${folder}/${EXPLORER_FACTS_FILE}` }] : []),
      ],
      setup: setupStatements(setup),
      deferredSetup: deferredSetupStatements(setup),
    });
    hook.engineStartMs = performance.now() - engineStarted;
    hook.startTimings = db.startTimings;
    const dictionary: FacetDictionary = await loadDictionary(db, facetValues);
    context = { target: 'facts', timeZone: config.timeZone, dictionary };
    const openDb = db;
    hook.timeQuery = async (sql) => {
      const queryStarted = performance.now();
      await openDb.query(sql);
      return performance.now() - queryStarted;
    };
  } catch (error) {
    fail(fillTemplate(s['status.failed'], { message: message(error) }));
    return;
  }

  // Values in the link that this snapshot does not have match no row, and the notice lists them.
  const unknown = TEXT_FACETS.flatMap((facet) => state.filters[facet].filter((value) => value !== EMPTY_VALUE && !context!.dictionary![facet].codes.has(value)));
  if (unknown.length > 0) {
    snapshotNotice.append(Object.assign(document.createElement('p'), { textContent: fillTemplate(s['snapshot.unknownValues'], { values: unknown.join(', ') }) }));
    snapshotNotice.hidden = false;
  }
  const ignored = ignoredParameters(new URL(window.location.href));
  if (ignored.length > 0) {
    snapshotNotice.append(Object.assign(document.createElement('p'), { textContent: fillTemplate(s['snapshot.ignoredParameters'], { parameters: ignored.join(', ') }) }));
    snapshotNotice.hidden = false;
  }

  const [all] = await db.queryObjects('SELECT count(*) AS received FROM explorer_facts');
  total = Number(all?.received ?? 0);
  root.querySelector('[data-filters-loading]')?.setAttribute('hidden', '');
  await refresh('all');
  startMap();
  hook.coldStartMs = performance.now() - engineStarted;
  hook.ready = true;
  root.dataset.ready = 'true';
  void db.runDeferredSetup().catch((error: unknown) => console.warn(`Explorer: status_events view not created: ${message(error)}`));
  sqlConsole.setDatabase(db);
  if (state.appeal) detail.open(state.appeal, () => loadAppeal(state.appeal!), resolved.info.id);
  await mapStart;
}

const root = document.querySelector<HTMLElement>('[data-explorer]');
if (root) {
  start(root).catch((error: unknown) => {
    console.error('Explorer failed to start:', error);
  });
}

