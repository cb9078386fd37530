// The explorer's facet lists: a checkbox per value with its live count and a bar of its share.
// Each list keeps the order of its first render (largest count first), so values do not jump
// under the pointer or the keyboard focus when counts change; updates only change text, widths
// and states of existing elements.

import { APPEAL_STATUSES } from '../../../etl/schema.ts';
import type { ExplorerConfig } from '../lib/explorer-config.ts';
import { fillTemplate } from '../lib/explorer-i18n.ts';
import type { Formatters } from '../lib/format.ts';
import { EMPTY_VALUE, FACETS, type ExplorerState, type Facet } from '../lib/url-state.ts';
import type { ViewData } from './explorer-queries.ts';

/** Values a collapsed list shows, besides the selected ones. */
const COLLAPSED_SIZE = 8;

export type FacetLabeler = (facet: Facet, value: string) => string;

interface OptionElements {
  item: HTMLLIElement;
  input: HTMLInputElement;
  count: HTMLElement;
  bar: HTMLElement;
  label: string;
}

interface FacetList {
  facet: Facet;
  root: HTMLElement;
  list: HTMLUListElement;
  search: HTMLInputElement | null;
  more: HTMLButtonElement;
  empty: HTMLElement;
  selected: HTMLElement;
  options: Map<string, OptionElements>;
  expanded: boolean;
}

export function createLabeler(config: ExplorerConfig): FacetLabeler {
  return (facet, value) => {
    if (value === EMPTY_VALUE) return config.strings['filters.empty'];
    switch (facet) {
      case 'district':
        return config.districtNames[value] ?? value;
      case 'region':
        return config.regionNames[value] ?? value;
      case 'status':
        return config.statusLabels[value as keyof ExplorerConfig['statusLabels']] ?? value;
      case 'overdue':
        return value === 'true' ? config.strings['overdue.true'] : config.strings['overdue.false'];
      default:
        return value;
    }
  };
}

export interface FacetController {
  render(state: ExplorerState, data: ViewData): void;
}

export function setupFacets(
  root: HTMLElement,
  config: ExplorerConfig,
  formatters: Formatters,
  labelOf: FacetLabeler,
  onToggle: (facet: Facet, value: string, checked: boolean) => void,
): FacetController {
  const lists = new Map<Facet, FacetList>();
  for (const facet of FACETS) {
    const element = root.querySelector<HTMLElement>(`[data-facet="${facet}"]`)!;
    lists.set(facet, {
      facet,
      root: element,
      list: element.querySelector<HTMLUListElement>('[data-facet-options]')!,
      search: element.querySelector<HTMLInputElement>('[data-facet-search]'),
      more: element.querySelector<HTMLButtonElement>('[data-facet-more]')!,
      empty: element.querySelector<HTMLElement>('[data-facet-empty]')!,
      selected: element.querySelector<HTMLElement>('[data-facet-selected]')!,
      options: new Map(),
      expanded: false,
    });
  }

  let lastState: ExplorerState | null = null;
  let lastData: ViewData | null = null;

  function createOption(list: FacetList, value: string): OptionElements {
    const label = labelOf(list.facet, value);
    const item = document.createElement('li');
    item.className = 'facet__option';
    const labelElement = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = value;
    input.name = list.facet;
    input.addEventListener('change', () => onToggle(list.facet, value, input.checked));
    const text = Object.assign(document.createElement('span'), { className: 'facet__label', textContent: label });
    const count = Object.assign(document.createElement('span'), { className: 'facet__count' });
    const bar = Object.assign(document.createElement('span'), { className: 'facet__bar' });
    bar.setAttribute('aria-hidden', 'true');
    labelElement.append(input, text, count, bar);
    item.append(labelElement);
    return { item, input, count, bar, label };
  }

  /** Fixes the order of a list's values on its first render: largest count first. */
  function orderValues(facet: Facet, counts: Map<string, number>, selected: readonly string[]): string[] {
    const values = new Set([...counts.keys(), ...selected]);
    if (facet === 'status') return [...APPEAL_STATUSES.filter((status) => values.has(status)), ...[...values].filter((value) => !(APPEAL_STATUSES as readonly string[]).includes(value))];
    if (facet === 'overdue') return ['true', 'false'];
    const collator = new Intl.Collator(config.locale);
    return [...values].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || collator.compare(labelOf(facet, a), labelOf(facet, b)));
  }

  function renderList(list: FacetList, state: ExplorerState, data: ViewData): void {
    const counts = data.facets[list.facet];
    const selected = state.filters[list.facet];
    if (list.options.size === 0) {
      for (const value of orderValues(list.facet, counts, selected)) {
        const option = createOption(list, value);
        list.options.set(value, option);
        list.list.append(option.item);
      }
    }
    // Values new to this list (from a URL or a later snapshot) go to the end.
    for (const value of [...counts.keys(), ...selected]) {
      if (list.options.has(value)) continue;
      const option = createOption(list, value);
      list.options.set(value, option);
      list.list.append(option.item);
    }

    const max = Math.max(1, ...counts.values());
    const query = list.search?.value.trim().toLocaleLowerCase(config.locale) ?? '';
    let shown = 0;
    let matching = 0;
    for (const [value, option] of list.options) {
      const count = counts.get(value) ?? 0;
      const checked = selected.includes(value);
      option.input.checked = checked;
      option.count.textContent = formatters.integer(count);
      option.bar.style.width = `${(100 * count) / max}%`;
      option.item.classList.toggle('facet__option--empty', count === 0);
      const matches = query === '' || option.label.toLocaleLowerCase(config.locale).includes(query);
      if (matches) matching += 1;
      const visible = matches && (checked || list.expanded || query !== '' || shown < COLLAPSED_SIZE);
      if (visible) shown += 1;
      option.item.hidden = !visible;
    }

    list.empty.hidden = matching > 0;
    // "Nothing found" is the result of a search; without a query the list has no values at all.
    list.empty.textContent = query === '' ? config.strings['filters.noValues'] : config.strings['filters.noMatches'];
    const collapsible = query === '' && list.options.size > COLLAPSED_SIZE;
    list.more.hidden = !collapsible;
    list.more.textContent = list.expanded ? config.strings['filters.showFewer'] : fillTemplate(config.strings['filters.showAll'], { count: list.options.size });
    list.more.setAttribute('aria-expanded', String(list.expanded));
    list.selected.textContent = selected.length > 0 ? `(${fillTemplate(config.strings['filters.selected'], { count: selected.length })})` : '';
  }

  for (const list of lists.values()) {
    list.more.addEventListener('click', () => {
      list.expanded = !list.expanded;
      if (lastState && lastData) renderList(list, lastState, lastData);
    });
    list.search?.addEventListener('input', () => {
      if (lastState && lastData) renderList(list, lastState, lastData);
    });
  }

  return {
    render(state, data) {
      lastState = state;
      lastData = data;
      for (const list of lists.values()) renderList(list, state, data);
    },
  };
}
