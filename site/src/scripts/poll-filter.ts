// Browser module of the poll list: filters the rows by topic and year and keeps the choice in the
// URL query (`topic`, `year`), so a filtered list can be shared and survives a reload. A query value
// that matches no option of the form is ignored, and the list shows all polls for it.

interface FilterState {
  topic: string;
  year: string;
}

function optionValues(select: HTMLSelectElement): Set<string> {
  return new Set([...select.options].map((option) => option.value));
}

/** Reads the state from a query string, dropping values the form does not offer. */
function readState(search: string, topicSelect: HTMLSelectElement, yearSelect: HTMLSelectElement): FilterState {
  const params = new URLSearchParams(search);
  const topic = params.get('topic') ?? '';
  const year = params.get('year') ?? '';
  return {
    topic: optionValues(topicSelect).has(topic) ? topic : '',
    year: optionValues(yearSelect).has(year) ? year : '',
  };
}

function buildQuery(state: FilterState): string {
  const params = new URLSearchParams();
  if (state.topic) params.set('topic', state.topic);
  if (state.year) params.set('year', state.year);
  const query = params.toString();
  return query ? `?${query}` : '';
}

function start(form: HTMLFormElement): void {
  const topicSelect = form.querySelector<HTMLSelectElement>('select[name="topic"]')!;
  const yearSelect = form.querySelector<HTMLSelectElement>('select[name="year"]')!;
  const count = form.querySelector<HTMLElement>('[data-filter-count]')!;
  const empty = document.querySelector<HTMLElement>('[data-filter-empty]');
  const rows = [...document.querySelectorAll<HTMLTableRowElement>('tr[data-poll-id]')];
  const template = count.dataset.template ?? '{shown} / {total}';

  const apply = (state: FilterState) => {
    topicSelect.value = state.topic;
    yearSelect.value = state.year;
    let visibleCount = 0;
    for (const row of rows) {
      const topics = (row.dataset.topics ?? '').split('|');
      const years = (row.dataset.years ?? '').split('|');
      const visible = (!state.topic || topics.includes(state.topic)) && (!state.year || years.includes(state.year));
      row.hidden = !visible;
      if (visible) visibleCount += 1;
    }
    count.textContent = template.replace('{shown}', String(visibleCount)).replace('{total}', String(rows.length));
    if (empty) empty.hidden = visibleCount > 0;
  };

  const update = (state: FilterState) => {
    apply(state);
    history.replaceState(null, '', `${location.pathname}${buildQuery(state)}${location.hash}`);
  };

  const currentState = (): FilterState => ({ topic: topicSelect.value, year: yearSelect.value });

  topicSelect.addEventListener('change', () => update(currentState()));
  yearSelect.addEventListener('change', () => update(currentState()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    update(currentState());
  });
  form.querySelector<HTMLAnchorElement>('[data-filter-reset]')?.addEventListener('click', (event) => {
    event.preventDefault();
    update({ topic: '', year: '' });
  });
  window.addEventListener('popstate', () => apply(readState(location.search, topicSelect, yearSelect)));

  apply(readState(location.search, topicSelect, yearSelect));
  form.dataset.filterReady = 'true';
}

const form = document.querySelector<HTMLFormElement>('form[data-poll-filter]');
if (form) start(form);
