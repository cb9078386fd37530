// The explorer's results table (sortable by header buttons, paged) and the detail view of one
// appeal: every published field with its meaning, and the appeal's status events on a timeline.

import type { ExplorerConfig } from '../lib/explorer-config.ts';
import type { Row } from '../lib/duckdb-client.ts';
import { fillTemplate } from '../lib/explorer-i18n.ts';
import type { Formatters } from '../lib/format.ts';
import { TABLE_COLUMNS } from '../lib/explorer-sql.ts';
import { isSortColumn, type ExplorerState, type SortColumn } from '../lib/url-state.ts';
import type { FacetLabeler } from './explorer-facets.ts';
import { PAGE_SIZE } from './explorer-queries.ts';

export interface TableController {
  render(state: ExplorerState, rows: Row[], count: number): void;
  pageCount(count: number): number;
}

export interface TableCallbacks {
  onSort(column: SortColumn): void;
  /** Sets the column and direction at once, from the sort menu that phones show. */
  onSortOrder(column: SortColumn, descending: boolean): void;
  onPage(page: number): void;
  onOpen(appealId: string): void;
}

const SOURCE_TEXT_COLUMNS = new Set(['municipality', 'rubric', 'agency']);

export function setupTable(root: HTMLElement, config: ExplorerConfig, formatters: Formatters, labelOf: FacetLabeler, callbacks: TableCallbacks): TableController {
  const table = root.querySelector<HTMLTableElement>('[data-table]')!;
  const body = root.querySelector<HTMLElement>('[data-table-body]')!;
  const caption = root.querySelector<HTMLElement>('[data-table-caption]')!;
  const position = root.querySelector<HTMLElement>('[data-page-position]')!;
  const previous = root.querySelector<HTMLButtonElement>('[data-page="previous"]')!;
  const next = root.querySelector<HTMLButtonElement>('[data-page="next"]')!;
  const s = config.strings;
  let currentPage = 1;

  table.querySelectorAll<HTMLButtonElement>('button[data-sort]').forEach((button) => {
    const column = button.dataset.sort ?? '';
    button.setAttribute('aria-label', fillTemplate(s['table.sortBy'], { column: button.textContent?.trim() ?? column }));
    button.addEventListener('click', () => {
      if (isSortColumn(column)) callbacks.onSort(column);
    });
  });
  const zoneNote = root.querySelector<HTMLElement>('[data-table-zone]')!;
  const sortSelect = root.querySelector<HTMLSelectElement>('[data-sort-select]')!;
  const scrollHint = root.querySelector<HTMLElement>('[data-scroll-hint]')!;
  const scroller = root.querySelector<HTMLElement>('[data-table-scroll]')!;
  const labels = new Map([...table.querySelectorAll<HTMLElement>('th[data-column]')].map((header) => [header.dataset.column!, header.textContent?.trim() ?? '']));

  sortSelect.addEventListener('change', () => {
    const [column, direction] = sortSelect.value.split(':');
    if (isSortColumn(column)) callbacks.onSortOrder(column, direction === 'desc');
  });
  // The hint shows only while the table is wider than its box; on phones the rows stack instead.
  const updateScrollHint = () => {
    scrollHint.hidden = scroller.scrollWidth <= scroller.clientWidth + 1;
  };
  window.addEventListener('resize', updateScrollHint);

  previous.addEventListener('click', () => callbacks.onPage(currentPage - 1));
  next.addEventListener('click', () => callbacks.onPage(currentPage + 1));

  const pageCount = (count: number) => Math.max(1, Math.ceil(count / PAGE_SIZE));

  function cell(column: (typeof TABLE_COLUMNS)[number], row: Row): HTMLTableCellElement {
    const value = row[column];
    const element = document.createElement('td');
    element.dataset.label = labels.get(column) ?? column;
    if (column === 'appeal_id') {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link-button';
      button.textContent = String(value);
      button.setAttribute('aria-label', fillTemplate(s['table.open'], { id: String(value) }));
      button.dataset.appeal = String(value);
      button.addEventListener('click', () => callbacks.onOpen(String(value)));
      element.append(button);
      return element;
    }
    if (value === null || value === undefined) {
      element.textContent = '—';
    } else if (column === 'created_at') {
      // The note above the table names the time zone once, so the cells carry the short form.
      element.textContent = formatters.shortDateTime(new Date(Number(value)).toISOString());
      element.className = 'nowrap';
    } else if (column === 'days_to_first_answer') {
      element.textContent = formatters.decimal(Number(value));
      element.className = 'numeric';
    } else if (column === 'overdue') {
      element.textContent = value ? s.yes : s.no;
    } else if (column === 'district' || column === 'status') {
      element.textContent = labelOf(column, String(value));
    } else {
      element.textContent = String(value);
      if (SOURCE_TEXT_COLUMNS.has(column) && config.locale !== 'ru') element.lang = 'ru';
      if (column === 'rubric' || column === 'agency') element.classList.add('stack-wide');
    }
    return element;
  }

  return {
    pageCount,
    render(state, rows, count) {
      const pages = pageCount(count);
      currentPage = Math.min(state.page, pages);
      caption.textContent = fillTemplate(s['table.caption'], { page: formatters.integer(currentPage), pages: formatters.integer(pages) });
      const firstDated = rows.find((row) => row.created_at !== null && row.created_at !== undefined);
      const zone = formatters.zoneAt(firstDated ? new Date(Number(firstDated.created_at)).toISOString() : new Date().toISOString());
      zoneNote.textContent = fillTemplate(s['table.zone'], { zone });
      sortSelect.value = `${state.sort.column}:${state.sort.descending ? 'desc' : 'asc'}`;

      const direction = state.sort.descending ? 'descending' : 'ascending';
      table.querySelectorAll<HTMLElement>('th[data-column]').forEach((header) => {
        const sorted = header.dataset.column === state.sort.column;
        header.setAttribute('aria-sort', sorted ? direction : 'none');
        header.querySelector('button')?.setAttribute('data-direction', sorted ? direction : '');
      });

      const fragment = document.createDocumentFragment();
      for (const row of rows) {
        const tr = document.createElement('tr');
        for (const column of TABLE_COLUMNS) tr.append(cell(column, row));
        fragment.append(tr);
      }
      if (rows.length === 0) {
        const tr = document.createElement('tr');
        const td = Object.assign(document.createElement('td'), { textContent: s['table.empty'], colSpan: TABLE_COLUMNS.length });
        tr.append(td);
        fragment.append(tr);
      }
      body.replaceChildren(fragment);
      updateScrollHint();

      const first = count === 0 ? 0 : (currentPage - 1) * PAGE_SIZE + 1;
      const last = Math.min(count, currentPage * PAGE_SIZE);
      // An empty selection is reported once, in the table, instead of "rows 0–0 of 0" under it.
      position.textContent =
        count === 0
          ? ''
          : fillTemplate(s['table.position'], {
              first: formatters.integer(first),
              last: formatters.integer(last),
              count: formatters.integer(count),
            });
      previous.disabled = currentPage <= 1;
      next.disabled = currentPage >= pages;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Detail view

export interface AppealDetail {
  appeal: Row | null;
  events: Row[];
}

export interface DetailController {
  open(appealId: string, load: () => Promise<AppealDetail>, snapshot: string): void;
  close(): void;
  isOpen(): boolean;
}

function formatField(name: string, value: unknown, kind: string, config: ExplorerConfig, formatters: Formatters, labelOf: FacetLabeler): string {
  if (value === null || value === undefined) return '—';
  if (kind === 'TIMESTAMPTZ') return formatters.dateTime(new Date(Number(value)).toISOString());
  if (kind === 'BOOLEAN') return value ? config.strings.yes : config.strings.no;
  if (kind === 'DOUBLE' && (name === 'latitude' || name === 'longitude')) return String(value);
  if (kind === 'DOUBLE') return formatters.decimal(Number(value));
  if (name === 'status') return `${labelOf('status', String(value))} (${String(value)})`;
  if (name === 'district') return labelOf('district', String(value));
  return String(value);
}

export function setupDetail(root: HTMLElement, config: ExplorerConfig, formatters: Formatters, labelOf: FacetLabeler, onClose: () => void): DetailController {
  const dialog = root.querySelector<HTMLDialogElement>('[data-appeal-dialog]')!;
  const title = dialog.querySelector<HTMLElement>('[data-appeal-title]')!;
  const body = dialog.querySelector<HTMLElement>('[data-appeal-body]')!;
  const closeButton = dialog.querySelector<HTMLButtonElement>('[data-appeal-close]')!;
  const s = config.strings;
  let openId: string | null = null;
  let returnFocus: HTMLElement | null = null;

  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (openId === null) return;
    openId = null;
    returnFocus?.focus();
    onClose();
  });
  // A click on the backdrop, outside the dialog's box, closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });

  function renderFields(appeal: Row): HTMLElement {
    const section = document.createElement('section');
    section.append(Object.assign(document.createElement('h3'), { textContent: s['detail.fields'] }));
    const list = document.createElement('dl');
    list.className = 'appeal-fields';
    // Columns of the schema this page was built with, then any others the snapshot has.
    const known = config.schema.appeals.filter((column) => column.name in appeal);
    const others = Object.keys(appeal)
      .filter((name) => !known.some((column) => column.name === name))
      .map((name) => ({ name, type: 'VARCHAR', description: '', unit: null }));
    for (const column of [...known, ...others]) {
      const term = document.createElement('dt');
      term.append(Object.assign(document.createElement('code'), { textContent: column.name }));
      term.append(Object.assign(document.createElement('span'), { className: 'hint', textContent: ` ${column.description}` }));
      const value = document.createElement('dd');
      value.textContent = formatField(column.name, appeal[column.name], column.type, config, formatters, labelOf);
      if (config.locale !== 'ru' && ['status_original', 'category', 'rubric', 'object_type', 'agency', 'municipality'].includes(column.name)) value.lang = 'ru';
      list.append(term, value);
    }
    section.append(list);
    return section;
  }

  function renderTimeline(events: Row[]): HTMLElement {
    const section = document.createElement('section');
    section.append(Object.assign(document.createElement('h3'), { textContent: s['detail.progress'] }));
    if (events.length === 0) {
      section.append(Object.assign(document.createElement('p'), { textContent: s['detail.noEvents'] }));
      return section;
    }
    const list = document.createElement('ol');
    list.className = 'timeline';
    list.dataset.testid = 'appeal-timeline';
    for (const event of events) {
      const item = document.createElement('li');
      item.className = `timeline__event timeline__event--${String(event.kind)}`;
      const at = new Date(Number(event.at)).toISOString();
      const time = Object.assign(document.createElement('time'), { dateTime: at, textContent: formatters.dateTime(at) });
      const kind = config.eventLabels[String(event.kind) as keyof ExplorerConfig['eventLabels']] ?? String(event.kind);
      item.append(time, Object.assign(document.createElement('strong'), { textContent: kind }));
      if (event.status) {
        const status = Object.assign(document.createElement('span'), { textContent: labelOf('status', String(event.status)) });
        if (event.status_original) status.title = String(event.status_original);
        item.append(status);
      }
      list.append(item);
    }
    section.append(list);
    return section;
  }

  return {
    open(appealId, load, snapshot) {
      openId = appealId;
      title.textContent = fillTemplate(s['detail.title'], { id: appealId });
      body.replaceChildren(Object.assign(document.createElement('p'), { textContent: s['detail.loading'] }));
      if (document.activeElement instanceof HTMLElement && !dialog.contains(document.activeElement)) returnFocus = document.activeElement;
      if (!dialog.open) dialog.showModal();
      closeButton.focus();
      load()
        .then(({ appeal, events }) => {
          if (openId !== appealId) return;
          if (!appeal) {
            body.replaceChildren(Object.assign(document.createElement('p'), { textContent: fillTemplate(s['detail.notFound'], { id: appealId, snapshot }) }));
            return;
          }
          body.replaceChildren(renderTimeline(events), renderFields(appeal));
          dialog.dataset.loaded = appealId;
        })
        .catch((error: unknown) => {
          if (openId !== appealId) return;
          body.replaceChildren(
            Object.assign(document.createElement('p'), { textContent: fillTemplate(s['status.queryFailed'], { message: error instanceof Error ? error.message : String(error) }) }),
          );
        });
    },
    close() {
      if (!dialog.open) return;
      openId = null;
      dialog.close();
    },
    isOpen: () => dialog.open,
  };
}
