// The canonical schema of a published snapshot: one definition shared by the ETL writer, the site
// build, the explorer's schema list and the methodology page. A test fails when a Parquet column
// is missing here.

/**
 * Version of the snapshot's files. 1.1.0: rejects.csv also lists duplicates (reason duplicate_id)
 * and the unreadable rows of poll datasets; polls.parquet has ended_year.
 */
export const SCHEMA_VERSION = '1.1.0';

export type ColumnType = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMPTZ' | 'DATE';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Unit of a number or the time zone of an instant; empty where neither applies. */
  readonly unit: { readonly ru: string; readonly en: string } | null;
  readonly description: { readonly ru: string; readonly en: string };
}

const utc = { ru: 'момент времени, UTC', en: 'instant, UTC' };
const days = { ru: 'сутки (дробные)', en: 'days (fractional)' };
const degrees = { ru: 'градусы WGS84', en: 'degrees WGS84' };

/** Canonical appeal statuses, in the order an appeal moves through them. */
export const APPEAL_STATUSES = [
  'moderation',
  'in_progress',
  'interim_answer',
  'answered',
  'resolved',
  'closed_without_confirmation',
  'closed',
] as const;

export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** Statuses that count as "still open" for the headline and the overdue rule. */
export const OPEN_STATUSES: readonly AppealStatus[] = ['moderation', 'in_progress', 'interim_answer'];

/** Rules that place a record in a district, in the order they are tried. */
export const DISTRICT_RULES = ['code', 'name', 'point'] as const;
export type DistrictRule = (typeof DISTRICT_RULES)[number];

/**
 * Flags on a district assignment: the point lies outside the district its code or name gave, the
 * code and name disagreed (the code won), no district was found, or the district was inferred
 * from the agency's name.
 */
export const DISTRICT_FLAGS = ['point_outside_district', 'code_name_conflict', 'unplaced', 'inferred_from_agency'] as const;
export type DistrictFlag = (typeof DISTRICT_FLAGS)[number];

/** Kinds of events in an appeal's public progress. No event carries text. */
export const EVENT_KINDS = ['petition', 'status', 'answer', 'interim_answer', 'route', 'rubric_change'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * 59-ФЗ art. 12: a written appeal is answered within 30 days of its registration. An appeal with
 * no answer after that many days, counted to the first answer or to the source's as-of time, is
 * overdue.
 */
export const ANSWER_DEADLINE_DAYS = 30;

export const APPEAL_COLUMNS: readonly ColumnDefinition[] = [
  {
    name: 'appeal_id',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: 'Номер обращения в источнике (уникален внутри источника)',
      en: "Appeal id in the source (unique within the source)",
    },
  },
  {
    name: 'source',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор источника из конфигурации', en: 'Source id from the configuration' },
  },
  {
    name: 'region',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор региона из конфигурации', en: 'Region id from the configuration' },
  },
  {
    name: 'created_at',
    type: 'TIMESTAMPTZ',
    nullable: false,
    unit: utc,
    description: {
      ru: 'Создание: время первого сообщения заявителя',
      en: "Creation: time of the applicant's first message",
    },
  },
  {
    name: 'first_answer_at',
    type: 'TIMESTAMPTZ',
    nullable: true,
    unit: utc,
    description: {
      ru: 'Первый ответ ведомства (промежуточный или окончательный); пусто, если ответа нет',
      en: "The agency's first answer (interim or final); empty when there is none",
    },
  },
  {
    name: 'final_answer_at',
    type: 'TIMESTAMPTZ',
    nullable: true,
    unit: utc,
    description: {
      ru: 'Последний окончательный ответ ведомства; пусто, если его нет',
      en: "The agency's latest final answer; empty when there is none",
    },
  },
  {
    name: 'closed_at',
    type: 'TIMESTAMPTZ',
    nullable: true,
    unit: utc,
    description: {
      ru: 'Закрытие: время последнего перехода в закрытый статус; пусто, пока обращение открыто',
      en: 'Closing: time of the latest change to a closed status; empty while the appeal is open',
    },
  },
  {
    name: 'deadline_at',
    type: 'TIMESTAMPTZ',
    nullable: true,
    unit: utc,
    description: {
      ru: 'Срок ответа, объявленный источником (может быть перенесён); пусто, если не указан',
      en: 'Answer deadline stated by the source (it can be postponed); empty when not stated',
    },
  },
  {
    name: 'status',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: `Текущий статус в общем словаре: ${APPEAL_STATUSES.join(', ')}`,
      en: `Current status in the canonical set: ${APPEAL_STATUSES.join(', ')}`,
    },
  },
  {
    name: 'status_original',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Текущий статус так, как его пишет источник', en: 'Current status as the source writes it' },
  },
  {
    name: 'category',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Категория (раздел классификатора источника)', en: "Category (section of the source's classifier)" },
  },
  {
    name: 'rubric',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Рубрика: тема обращения', en: 'Rubric: the topic of the appeal' },
  },
  {
    name: 'object_type',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Тип объекта (дом, двор, улица…)', en: 'Object type (house, courtyard, street…)' },
  },
  {
    name: 'agency',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Ведомство-исполнитель (только организация, без должностных лиц)',
      en: 'Recipient agency (the organisation only, no officials)',
    },
  },
  {
    name: 'district',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Район; пусто, если запись не удалось отнести к району и настройка источника велит её сохранить',
      en: "District; empty when the record could not be placed and the source's policy keeps it",
    },
  },
  {
    name: 'district_rule',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: `Правило, по которому определён район: ${DISTRICT_RULES.join(', ')}`,
      en: `Rule that assigned the district: ${DISTRICT_RULES.join(', ')}`,
    },
  },
  {
    name: 'district_flag',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: `Отметка о районе: ${DISTRICT_FLAGS.join(', ')}; пусто, если всё сходится`,
      en: `District flag: ${DISTRICT_FLAGS.join(', ')}; empty when everything agrees`,
    },
  },
  {
    name: 'municipality',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Муниципальный округ (внутригородское муниципальное образование)',
      en: 'Municipal okrug (intra-city municipal formation)',
    },
  },
  {
    name: 'repeat_messages',
    type: 'INTEGER',
    nullable: false,
    unit: { ru: 'сообщения', en: 'messages' },
    description: {
      ru: 'Число повторных сообщений заявителя после первого',
      en: "Number of the applicant's repeat messages after the first",
    },
  },
  {
    name: 'days_to_first_answer',
    type: 'DOUBLE',
    nullable: true,
    unit: days,
    description: {
      ru: 'От создания до первого ответа; пусто, если ответа нет',
      en: 'From creation to the first answer; empty when there is no answer',
    },
  },
  {
    name: 'days_open',
    type: 'DOUBLE',
    nullable: false,
    unit: days,
    description: {
      ru: 'От создания до закрытия, а для открытых — до момента выгрузки источника',
      en: "From creation to closing, or for open appeals to the source's as-of time",
    },
  },
  {
    name: 'overdue',
    type: 'BOOLEAN',
    nullable: false,
    unit: null,
    description: {
      ru: `Просрочено: нет ответа в течение ${ANSWER_DEADLINE_DAYS} дней (ст. 12 59-ФЗ), считая до момента выгрузки`,
      en: `Overdue: no answer within ${ANSWER_DEADLINE_DAYS} days (59-FZ art. 12), counted to the as-of time`,
    },
  },
  {
    name: 'latitude',
    type: 'DOUBLE',
    nullable: true,
    unit: degrees,
    description: {
      ru: 'Широта центра ячейки сетки, в которую попало место (не точный адрес)',
      en: 'Latitude of the centre of the grid cell holding the place (not an exact address)',
    },
  },
  {
    name: 'longitude',
    type: 'DOUBLE',
    nullable: true,
    unit: degrees,
    description: {
      ru: 'Долгота центра ячейки сетки, в которую попало место (не точный адрес)',
      en: 'Longitude of the centre of the grid cell holding the place (not an exact address)',
    },
  },
  {
    name: 'extras',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Дополнительные поля источника (JSON) без свободного текста, адресов и контактов; пусто, если их нет',
      en: "The source's extra fields (JSON) without free text, addresses or contacts; empty when there are none",
    },
  },
  {
    name: 'as_of',
    type: 'TIMESTAMPTZ',
    nullable: false,
    unit: utc,
    description: {
      ru: 'Момент выгрузки источника: к нему отсчитываются сроки открытых обращений',
      en: "The source's as-of time: durations of open appeals are counted to it",
    },
  },
];

export const STATUS_EVENT_COLUMNS: readonly ColumnDefinition[] = [
  {
    name: 'appeal_id',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Номер обращения (связь с appeals.parquet)', en: 'Appeal id (joins appeals.parquet)' },
  },
  {
    name: 'source',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор источника', en: 'Source id' },
  },
  {
    name: 'sequence',
    type: 'INTEGER',
    nullable: false,
    unit: null,
    description: { ru: 'Порядковый номер события внутри обращения, с 1', en: 'Order of the event within the appeal, from 1' },
  },
  {
    name: 'at',
    type: 'TIMESTAMPTZ',
    nullable: false,
    unit: utc,
    description: { ru: 'Время события', en: 'Time of the event' },
  },
  {
    name: 'kind',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: `Вид события: ${EVENT_KINDS.join(', ')}`,
      en: `Kind of event: ${EVENT_KINDS.join(', ')}`,
    },
  },
  {
    name: 'status',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Статус после события в общем словаре; пусто для событий без смены статуса',
      en: 'Status after the event in the canonical set; empty for events that change no status',
    },
  },
  {
    name: 'status_original',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Статус так, как его пишет источник', en: 'Status as the source writes it' },
  },
];

export const REJECT_COLUMNS: readonly ColumnDefinition[] = [
  {
    name: 'source',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Идентификатор источника', en: 'Source id' },
  },
  {
    name: 'file',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Файл источника', en: 'Source file' },
  },
  {
    name: 'row',
    type: 'INTEGER',
    nullable: false,
    unit: null,
    description: {
      ru: 'Где запись в файле, с 1: в таблице (CSV, XLSX) — номер строки, как его показывает табличный редактор (заголовок — строка 1); в JSON Lines — номер строки; в ответе Open311 — номер запроса по порядку; в файлах опросов — строка файла, с которой запись начинается',
      en: "Where the record is in its file, from 1: in a table (CSV, XLSX) the row as a spreadsheet shows it (the header is row 1); in JSON Lines the line; in an Open311 answer the request's position; in poll files the line of the file where the record starts",
    },
  },
  {
    name: 'record_id',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: { ru: 'Номер записи в источнике, если он прочитан', en: 'Record id in the source, when it could be read' },
  },
  {
    name: 'field',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Поле с ошибкой', en: 'Field at fault' },
  },
  {
    name: 'value',
    type: 'VARCHAR',
    nullable: true,
    unit: null,
    description: {
      ru: 'Ошибочное значение (обрезано до 200 знаков; персональные данные не выводятся)',
      en: 'Value at fault (cut to 200 characters; personal data is never shown)',
    },
  },
  {
    name: 'reason',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: { ru: 'Код причины', en: 'Reason code' },
  },
  {
    name: 'message',
    type: 'VARCHAR',
    nullable: false,
    unit: null,
    description: {
      ru: 'Причина и что сделать: сначала по-русски, затем после « · » по-английски, с теми же значениями',
      en: 'Reason and what to do: in Russian, then after " · " in English, with the same values',
    },
  },
];

/** One published appeal; field names match APPEAL_COLUMNS. Instants are epoch milliseconds, UTC. */
export interface Appeal {
  appeal_id: string;
  source: string;
  region: string;
  created_at: number;
  first_answer_at: number | null;
  final_answer_at: number | null;
  closed_at: number | null;
  deadline_at: number | null;
  status: AppealStatus;
  status_original: string;
  category: string | null;
  rubric: string | null;
  object_type: string | null;
  agency: string | null;
  district: string | null;
  district_rule: DistrictRule | null;
  district_flag: DistrictFlag | null;
  municipality: string | null;
  repeat_messages: number;
  days_to_first_answer: number | null;
  days_open: number;
  overdue: boolean;
  latitude: number | null;
  longitude: number | null;
  extras: string | null;
  as_of: number;
}

export interface StatusEvent {
  appeal_id: string;
  source: string;
  sequence: number;
  at: number;
  kind: EventKind;
  status: AppealStatus | null;
  status_original: string | null;
}

export interface Reject {
  source: string;
  file: string;
  row: number;
  record_id: string | null;
  field: string;
  value: string | null;
  reason: string;
  message: string;
}
