// The poll datasets the product ships, with the facts each adapter needs and the files can't give:
// region, title, dates, licence and attribution. Paths are relative to the data folder. The
// provenance of every file is described in data/polls/SOURCES.md.

import type { Message } from '../lib/log.ts';

export interface DatasetInfo {
  readonly id: string;
  readonly region: string;
  readonly title: Message;
  /** Origin of the data, used as the poll's `source_url` when the file gives none. */
  readonly originUrl: string;
  readonly licence: string;
  readonly attribution: Message;
}

export const AG_MOS_POLLS = {
  id: 'ag-mos-polls',
  format: 'transcribed-polls-csv',
  file: 'polls/ag_mos_polls/polls.csv',
  region: 'moscow',
  cityName: 'Москва',
  title: {
    ru: '«Активный гражданин»: итоги опросов по публикациям СМИ (набрано вручную)',
    en: 'Active Citizen (Aktivny Grazhdanin) poll results as reported by the press (typed in by hand)',
  },
  originUrl: 'https://ag.mos.ru',
  licence: 'facts reported by the press and the city; no personal data',
  attribution: {
    ru: 'По данным проекта «Активный гражданин» в изложении СМИ (источник указан у каждого опроса)',
    en: 'Data of the Active Citizen (Aktivny Grazhdanin) project as reported by the press (each poll names its outlet)',
  },
  // The file is a verbatim copy, so facts that its source pages state but its rows leave out go here.
  pollFacts: {
    // The 2016 article quotes the results of the previous year's vote («в прошлом году»).
    gazon_2015: { endedYear: 2015 },
  },
} as const satisfies DatasetInfo & Record<string, unknown>;

export const MOSCOW_DEG_2021 = {
  id: 'moscow-deg-2021-duma',
  format: 'deg-okrug-csv',
  file: 'polls/moscow_deg_2021_duma/results_with_names.csv',
  region: 'moscow',
  title: {
    ru: 'ДЭГ в Москве, выборы в Госдуму 2021: голоса по одномандатным округам',
    en: 'Moscow remote e-voting, 2021 State Duma election: votes per single-member okrug',
  },
  originUrl: 'https://github.com/gltronred/observer2020',
  licence: 'CC0-1.0',
  attribution: {
    ru: 'Подсчёт расшифрованных бюллетеней по дампу узла наблюдателя ДЭГ: репозиторий gltronred/observer2020 (CC0 1.0)',
    en: 'Count of decrypted ballots from the e-voting observer node dump: repository gltronred/observer2020 (CC0 1.0)',
  },
  poll: {
    poll_id: 'moscow_deg_2021_duma',
    title: 'Выборы депутатов Государственной думы 2021, одномандатные округа Москвы: дистанционное электронное голосование (расшифрованные бюллетени)',
    topic: 'выборы',
    // Voting days of the 2021 State Duma election.
    started_on: '2021-09-17',
    ended_on: '2021-09-19',
    // Date of the observer node dump (observer-20210920_060000.sql.gz) that the counts come from.
    snapshot_at: '2021-09-20',
    participants_as_given: null,
    note: 'Partial: only decrypted ballots are counted (1,318,977 decrypted, one of them spoiled, of 1,987,373 received in the dump). Okrug totals are sums of the candidates\' votes; the file gives no turnout and no registered voters.',
  },
} as const satisfies DatasetInfo & Record<string, unknown>;

export const PABULIB_CZESTOCHOWA_2020 = {
  id: 'pabulib-czestochowa-2020',
  format: 'pabulib',
  folder: 'polls/pabulib_czestochowa_2020',
  region: 'czestochowa',
  title: {
    ru: 'Ченстохова (Польша): гражданский бюджет, 6-й выпуск (голосование 2019 года), по районам',
    en: 'Częstochowa (Poland): participatory budget, edition 6 (2019 vote), per district',
  },
  originUrl: 'https://pabulib.org',
  licence: 'Pabulib open research data; the dataset states no licence',
  attribution: {
    ru: 'Pabulib (pabulib.org): гражданский бюджет Ченстоховы, копия из репозитория robinsonaisaac/PB',
    en: 'Pabulib (pabulib.org): Częstochowa participatory budget, copy from repository robinsonaisaac/PB',
  },
  topic: 'гражданский бюджет',
} as const satisfies DatasetInfo & Record<string, unknown>;

export const FKGS_YAKUTSK_2025 = {
  id: 'fkgs-yakutsk-2025',
  format: 'running-count-csv',
  file: 'polls/fkgs_yakutsk_2025/votes_data.csv',
  region: 'yakutsk',
  title: {
    ru: 'Якутск, голосование за объекты благоустройства 2025 (ФКГС): нарастающий итог по проектам',
    en: 'Yakutsk, 2025 vote on public spaces to improve (the federal Comfortable Urban Environment programme): running count per project',
  },
  originUrl: 'https://github.com/VasSpirit/zagorodsreda-monitor',
  licence: 'no licence stated; counts as shown on the public vote page, published as totals with the source named',
  attribution: {
    ru: 'Счётчик голосов на pos.gosuslugi.ru, записанный монитором VasSpirit/zagorodsreda-monitor',
    en: 'Vote counter of pos.gosuslugi.ru as recorded by the VasSpirit/zagorodsreda-monitor scraper',
  },
  timeZone: 'Asia/Yakutsk',
  area: 'Якутск',
  poll: {
    poll_id: 'fkgs_yakutsk_2025',
    title: 'Якутск: за какие общественные пространства голосуют в 2025 году (ФКГС, Госуслуги), нарастающий итог',
    topic: 'благоустройство / общественные пространства',
    scope: 'city',
    started_on: null,
    ended_on: null,
    choice_type: 'unknown',
    participants_as_given: null,
    note: 'Running count read from the public vote page every few minutes from 25 to 29 April 2025; the vote went on after that, so these are not the results. No turnout figure.',
  },
  // Project ids of the vote page (pos.gosuslugi.ru/lkp/fkgs/16455/<id>/), from the monitor's log.
  optionIds: [
    { titleStart: 'Сквер им. Ю.А. Гагарина', id: '94145' },
    { titleStart: 'Сквер "Вечная память воинам-якутянам', id: '94201' },
    { titleStart: 'Набережная озера Теплое', id: '94152' },
    { titleStart: 'Набережная озера Щорса', id: '94160' },
    { titleStart: 'Набережная Белое Озеро', id: '94451' },
    { titleStart: 'Сквер Строителей', id: '94180' },
    { titleStart: 'Набережная озера Сэргэллэх', id: '94167' },
    { titleStart: 'Сквер «Обнаженные сердца» на Талом озере', id: '96387' },
  ],
} as const satisfies DatasetInfo & Record<string, unknown>;

export const POLL_DATASETS: readonly DatasetInfo[] = [AG_MOS_POLLS, MOSCOW_DEG_2021, PABULIB_CZESTOCHOWA_2020, FKGS_YAKUTSK_2025];

/** Reference files in the geo folder that the poll build reads. */
export const MOSCOW_DISTRICTS_CROSSWALK_FILE = 'moscow-districts-crosswalk.csv';
