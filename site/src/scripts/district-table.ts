// Sorting of the home page's district table by name or by the value of the checked metric.
// Header buttons toggle the order, and `aria-sort` on the header cells gives screen readers the state.

import type { Locale } from '../lib/format.ts';
import type { MapMetric } from '../lib/metrics.ts';

type SortColumn = 'name' | 'value';
type SortDirection = 'ascending' | 'descending';

/**
 * Makes the table's header buttons sort its rows and returns a function that sorts again, for
 * when the metric changes. Rows without a value stay at the end in both directions.
 */
export function setUpTableSorting(table: HTMLTableElement, locale: Locale, currentMetric: () => MapMetric): () => void {
  const body = table.tBodies[0];
  const collator = new Intl.Collator(locale);
  let column: SortColumn = 'name';
  let direction: SortDirection = 'ascending';

  const nameOf = (row: HTMLTableRowElement) => row.querySelector('th')?.textContent?.trim() ?? '';
  const valueOf = (row: HTMLTableRowElement) => {
    const raw = row.querySelector<HTMLElement>(`td[data-show-for="${currentMetric()}"]`)?.dataset.value ?? '';
    return raw === '' ? null : Number(raw);
  };

  const compare = (a: HTMLTableRowElement, b: HTMLTableRowElement) => {
    const sign = direction === 'ascending' ? 1 : -1;
    if (column === 'name') return sign * collator.compare(nameOf(a), nameOf(b));
    const valueA = valueOf(a);
    const valueB = valueOf(b);
    if (valueA === null && valueB === null) return 0;
    if (valueA === null) return 1;
    if (valueB === null) return -1;
    return sign * (valueA - valueB) || collator.compare(nameOf(a), nameOf(b));
  };

  const sort = () => {
    const rows = [...body.rows].sort(compare);
    body.append(...rows);
    table.querySelectorAll<HTMLElement>('th[data-sort-column]').forEach((header) => {
      const active = header.dataset.sortColumn === column;
      header.setAttribute('aria-sort', active ? direction : 'none');
      const button = header.querySelector<HTMLButtonElement>('button');
      if (button) button.dataset.direction = active ? direction : '';
    });
    table.dataset.sortColumn = column;
    table.dataset.sortDirection = direction;
  };

  table.querySelectorAll<HTMLButtonElement>('button[data-sort]').forEach((button) => {
    button.addEventListener('click', () => {
      const next = button.dataset.sort === 'value' ? 'value' : 'name';
      if (next === column) {
        direction = direction === 'ascending' ? 'descending' : 'ascending';
      } else {
        column = next;
        direction = next === 'value' ? 'descending' : 'ascending';
      }
      sort();
    });
  });

  sort();
  return () => {
    if (column === 'value') sort();
  };
}
