// The canonical schema of e-poll results: one poll row per poll (or per dated snapshot of one) and
// one result row per poll × option × area. Shared by the adapters, the validator, the Parquet
// writer and the site build. Mirrors the style of the appeal schema in ../schema.ts.

import type { ColumnDefinition, Reject } from '../schema.ts';
import type { Message } from '../lib/log.ts';

/** Version of polls.json and the poll tables. 1.1.0 adds ended_year. */
export const POLL_SCHEMA_VERSION = '1.1.0';

/** Area that a poll asked: the whole city, one district, or electoral okrugs. */
export const POLL_SCOPES = ['city', 'district', 'okrug'] as const;
export type PollScope = (typeof POLL_SCOPES)[number];

export const POLL_SCOPE_MEANINGS: Readonly<Record<PollScope, Message>> = {
  city: { ru: 'Вопрос задан всему городу', en: 'The question was put to the whole city' },
  district: { ru: 'Районное голосование: вопрос задан жителям одного района', en: 'District poll: the question was put to residents of one district' },
  okrug: { ru: 'Результаты по избирательным округам', en: 'Results per electoral okrug' },
};

/** Finality of the figures. */
export const POLL_STATUSES = ['final', 'interim', 'partial'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

export const POLL_STATUS_MEANINGS: Readonly<Record<PollStatus, Message>> = {
  final: { ru: 'Итог: голосование закончено, цифры окончательные', en: 'Final: the vote has closed and the figures are final' },
  interim: {
    ru: 'Промежуточные данные: цифры сняты во время голосования, или источник не показывает, что они окончательные',
    en: 'Interim: the figures were taken while the vote was open, or the source does not show that they are final',
  },
  partial: {
    ru: 'Неполные данные: голосование закончено, но цифры охватывают только часть бюллетеней',
    en: 'Partial: the vote has closed, but the figures cover only part of the ballots',
  },
};

/** Unit that one participant counts as. */
export const POLL_UNITS = ['people', 'houses'] as const;
export type PollUnit = (typeof POLL_UNITS)[number];

export const POLL_UNIT_MEANINGS: Readonly<Record<PollUnit, Message>> = {
  people: { ru: 'Участник — человек', en: 'A participant is a person' },
  houses: {
    ru: 'Участник — дом: доли считаются от числа домов, а не жителей',
    en: 'A participant is a house: shares are of houses, not of residents',
  },
};

/** How many options a participant could choose. */
export const CHOICE_TYPES = ['single', 'multiple', 'cumulative', 'unknown'] as const;
export type ChoiceType = (typeof CHOICE_TYPES)[number];

export const CHOICE_TYPE_MEANINGS: Readonly<Record<ChoiceType, Message>> = {
  single: { ru: 'Один вариант: доли вариантов в сумме не больше 100%', en: 'One option: the option shares add up to at most 100%' },
  multiple: {
    ru: 'Несколько вариантов: доли в сумме могут превышать 100%',
    en: 'Several options: the shares can add up to more than 100%',
  },
  cumulative: {
    ru: 'Распределение баллов между вариантами: голоса — число выбравших вариант, баллы — сумма баллов',
    en: 'Points spread over options: votes count the participants who chose an option, points sum their points',
  },
  unknown: {
    ru: 'Источник не говорит, сколько вариантов можно выбрать: доли от суммы голосов не показываются',
    en: 'The source does not say how many options a participant could choose, so no shares of the vote total are shown',
  },
};

/** Kind of area that a result row covers. */
export const AREA_KINDS = ['city', 'district', 'okrug', 'municipality'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export const AREA_KIND_MEANINGS: Readonly<Record<AreaKind, Message>> = {
  city: { ru: 'Весь город', en: 'The whole city' },
  district: { ru: 'Район (название)', en: 'District (name)' },
  okrug: { ru: 'Одномандатный избирательный округ (номер)', en: 'Single-member electoral okrug (number)' },
  municipality: { ru: 'Муниципальное образование (название)', en: 'Municipality (name)' },
};

/** Quantity that a result row counts. */
export const RESULT_KINDS = ['option', 'participation'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export const RESULT_KIND_MEANINGS: Readonly<Record<ResultKind, Message>> = {
  option: { ru: 'Голоса за один вариант', en: 'Votes for one option' },
  participation: {
    ru: 'Только число участников из области, без разбивки по вариантам',
    en: 'Only the number of participants from the area, not split by option',
  },
};

const date = { ru: 'дата (ГГГГ-ММ-ДД)', en: 'date (YYYY-MM-DD)' };
const participantsUnit = { ru: 'участники (люди или дома, см. unit)', en: 'participants (people or houses, see unit)' };

export const POLL_COLUMNS: readonly ColumnDefinition[] = [
  {
    name: 'poll_id',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: 'Идентификатор опроса; промежуточные срезы одного голосования получают отдельные идентификаторы',
      en: 'Poll id; dated snapshots of one vote get separate ids',
    },
  },
  {
    name: 'title',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Вопрос или название голосования', en: 'Question or name of the vote' },
  },
  {
    name: 'topic',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Тема (наша метка, не из источника)', en: 'Topic (our own label, not from the source)' },
  },
  {
    name: 'region',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор региона или города', en: 'Region or city id' },
  },
  {
    name: 'scope',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: `Кому задан вопрос: ${POLL_SCOPES.join(', ')}`,
      en: `Who was asked: ${POLL_SCOPES.join(', ')}`,
    },
  },
  {
    name: 'started_on',
    type: 'DATE',
    nullable: true,
    unit: date,
    description: { ru: 'Начало голосования; пусто, если источник не называет', en: 'Start of the vote; empty when the source gives none' },
  },
  {
    name: 'ended_on',
    type: 'DATE',
    nullable: true,
    unit: date,
    description: { ru: 'Последний день голосования; пусто, если источник не называет', en: 'Last day of the vote; empty when the source gives none' },
  },
  {
    name: 'ended_year',
    type: 'INTEGER',
    nullable: true,
    unit: { ru: 'год', en: 'year' },
    description: {
      ru: 'Год окончания голосования: из ended_on или, если источник называет только год, из источника; пусто, если неизвестен',
      en: 'Year the vote ended: from ended_on, or from the source when it names only the year; empty when unknown',
    },
  },
  {
    name: 'status',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: `Окончательность цифр: ${POLL_STATUSES.join(', ')}`,
      en: `How final the figures are: ${POLL_STATUSES.join(', ')}`,
    },
  },
  {
    name: 'snapshot_at',
    type: 'VARCHAR',
    nullable: true,
    unit: { ru: 'дата ГГГГ-ММ-ДД или момент UTC ГГГГ-ММ-ДДTчч:мм:ссZ', en: 'date YYYY-MM-DD or UTC instant YYYY-MM-DDThh:mm:ssZ' },
    description: {
      ru: 'На какой момент даны цифры (дата публикации или «по состоянию на»); точность — как в источнике',
      en: 'As-of time of the figures (publication or "as of" date), as precise as the source',
    },
  },
  {
    name: 'unit',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: `Единица участия: ${POLL_UNITS.join(', ')}`, en: `Unit of participation: ${POLL_UNITS.join(', ')}` },
  },
  {
    name: 'choice_type',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: `Сколько вариантов можно выбрать: ${CHOICE_TYPES.join(', ')}`,
      en: `How many options a participant could choose: ${CHOICE_TYPES.join(', ')}`,
    },
  },
  {
    name: 'participants',
    type: 'INTEGER',
    nullable: true,
    unit: participantsUnit,
    description: {
      ru: 'Точное число участников по всему опросу; пусто, если источник даёт только округлённое',
      en: 'Exact number of participants in the whole poll; empty when the source gives only a rounded figure',
    },
  },
  {
    name: 'participants_as_given',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Число участников словами источника («около 300 тыс.»)',
      en: "Number of participants in the source's own words («около 300 тыс.»)",
    },
  },
  {
    name: 'source',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор набора данных', en: 'Dataset id' },
  },
  {
    name: 'source_url',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Адрес источника; несколько адресов разделены « ; »', en: 'Source address; several addresses are separated by " ; "' },
  },
  {
    name: 'licence',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Лицензия или условия использования данных', en: 'Licence or terms of use of the data' },
  },
  {
    name: 'note',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Оговорки источника (промежуточные данные, округление, пропущенные варианты)',
      en: 'Qualifiers from the source (interim figures, rounding, missing options)',
    },
  },
];

export const POLL_OPTION_RESULT_COLUMNS: readonly ColumnDefinition[] = [
  {
    name: 'poll_id',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор опроса (связь с polls.parquet)', en: 'Poll id (joins polls.parquet)' },
  },
  {
    name: 'kind',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: `Что считает строка: ${RESULT_KINDS.join(', ')}`,
      en: `What the row counts: ${RESULT_KINDS.join(', ')}`,
    },
  },
  {
    name: 'option_id',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Идентификатор варианта внутри опроса; пусто в строках участия',
      en: 'Option id within the poll; empty in participation rows',
    },
  },
  {
    name: 'option_text',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Текст варианта; пусто в строках участия', en: 'Option text; empty in participation rows' },
  },
  {
    name: 'area_kind',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: `Вид области: ${AREA_KINDS.join(', ')}`, en: `Kind of area: ${AREA_KINDS.join(', ')}` },
  },
  {
    name: 'area',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: 'Название области (город, район, муниципалитет) или номер округа',
      en: 'Name of the area (city, district, municipality) or okrug number',
    },
  },
  {
    name: 'votes',
    type: 'INTEGER',
    nullable: true,
    unit: { ru: 'голоса', en: 'votes' },
    description: {
      ru: 'Голоса за вариант так, как их даёт источник; пусто, если даны только доли',
      en: 'Votes for the option as the source gives them; empty when only shares are given',
    },
  },
  {
    name: 'points',
    type: 'INTEGER',
    nullable: true,
    unit: { ru: 'баллы', en: 'points' },
    description: {
      ru: 'Сумма баллов варианта при распределении баллов; пусто в остальных опросах',
      en: "Sum of the option's points in a cumulative vote; empty in other polls",
    },
  },
  {
    name: 'share_percent',
    type: 'DOUBLE',
    nullable: true,
    unit: { ru: 'проценты', en: 'percent' },
    description: {
      ru: 'Доля варианта так, как её напечатал источник (с его округлением); пусто, если не дана',
      en: "The option's share as the source printed it (with its rounding); empty when not given",
    },
  },
  {
    name: 'participants',
    type: 'INTEGER',
    nullable: true,
    unit: participantsUnit,
    description: {
      ru: 'Число участников в этой области; пусто, если неизвестно',
      en: 'Number of participants in this area; empty when unknown',
    },
  },
  {
    name: 'note',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Оговорка к строке', en: 'Qualifier of the row' },
  },
  {
    name: 'provenance',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: 'Файл и номер строки, откуда взято значение («файл:строка»)',
      en: 'File and line the values were read from ("file:line")',
    },
  },
];

/** One poll; field names match POLL_COLUMNS. Dates are "YYYY-MM-DD". */
export interface Poll {
  poll_id: string;
  title: string;
  topic: string | null;
  region: string;
  scope: PollScope;
  started_on: string | null;
  ended_on: string | null;
  ended_year: number | null;
  status: PollStatus;
  snapshot_at: string | null;
  unit: PollUnit;
  choice_type: ChoiceType;
  participants: number | null;
  participants_as_given: string | null;
  source: string;
  source_url: string | null;
  licence: string | null;
  note: string | null;
}

/** One result row; field names match POLL_OPTION_RESULT_COLUMNS. */
export interface PollOptionResult {
  poll_id: string;
  kind: ResultKind;
  option_id: string | null;
  option_text: string | null;
  area_kind: AreaKind;
  area: string;
  votes: number | null;
  points: number | null;
  share_percent: number | null;
  participants: number | null;
  note: string | null;
  provenance: string;
}

/** A row that an adapter could not read; the same fields as an appeal reject, without the source. */
export type PollReject = Omit<Reject, 'source'>;

export const POLL_PROBLEM_CODES = [
  'shares_over_100',
  'share_votes_mismatch',
  'participants_below_votes',
  'votes_over_participants',
  'inconsistent_poll_field',
  'dates_reversed',
  'declared_count_mismatch',
  'project_count_mismatch',
  'ballot_points_out_of_range',
  'count_decreased',
  'conflicting_observation',
  'missing_area',
  'unknown_district',
  'unknown_column',
] as const;
export type PollProblemCode = (typeof POLL_PROBLEM_CODES)[number];

/**
 * A doubt about figures that were read correctly: the rows stay in the output, and the problem
 * travels with the poll to the site as a flag. `numbers` contains the figures the message cites.
 */
export interface PollProblem {
  code: PollProblemCode;
  poll_id: string | null;
  file: string | null;
  row: number | null;
  area: string | null;
  option_id: string | null;
  numbers: Record<string, number>;
  message: Message;
}

/** Output of every poll adapter for one file. */
export interface PollBatch {
  polls: Poll[];
  results: PollOptionResult[];
  rejects: PollReject[];
  problems: PollProblem[];
}

export function emptyBatch(): PollBatch {
  return { polls: [], results: [], rejects: [], problems: [] };
}

/** Builds a problem with the optional location fields left empty. */
export function problem(code: PollProblemCode, fields: Partial<Omit<PollProblem, 'code' | 'message'>> & { message: Message }): PollProblem {
  return {
    code,
    poll_id: fields.poll_id ?? null,
    file: fields.file ?? null,
    row: fields.row ?? null,
    area: fields.area ?? null,
    option_id: fields.option_id ?? null,
    numbers: fields.numbers ?? {},
    message: fields.message,
  };
}

/** Cuts a rejected value to the 200 characters that the reject table promises. */
export function rejectValue(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.length > 200 ? `${value.slice(0, 199)}…` : value;
}
