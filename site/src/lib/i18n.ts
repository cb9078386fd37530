// The one dictionary of the site's interface: every string in Russian and English under the same
// typed key. Keys use the field's terms (appeal, district, snapshot, manifest, choropleth).
// Placeholders in braces ({region}, {count}) are filled by `translate`.

import { APPEAL_STATUSES, ANSWER_DEADLINE_DAYS, type AppealStatus } from '../../../etl/schema.ts';
import type { AppealMetrics } from '../../../etl/aggregates-types.ts';
import { REASON_TEXT } from '../../../etl/reason-text.ts';
import type { Locale } from './format.ts';
import { POLL_MESSAGES_EN, POLL_MESSAGES_RU } from './poll-messages.ts';

export type { Locale } from './format.ts';
export const LOCALES: readonly Locale[] = ['ru', 'en'];

type StatusKey = `status.${AppealStatus}`;
type MetricKey = `metric.${keyof AppealMetrics}`;

const ru = {
  ...POLL_MESSAGES_RU,
  'language.name': 'Русский',
  product: 'Открытый район',
  tagline: 'Обращения жителей на карте районов',
  skipToContent: 'Перейти к содержанию',
  'nav.label': 'Разделы сайта',
  'nav.map': 'Карта',
  'nav.explorer': 'Исследовать данные',
  'nav.methodology': 'Методика',

  appeal: 'обращение',
  appeals: 'Обращения',
  district: 'Район',
  districtName: '{name} район',
  city: 'Город',
  snapshot: 'Снимок данных',
  asOf: 'Данные источника на',
  manifest: 'Манифест снимка',
  choropleth: 'Карта районов',
  noData: 'нет данных',
  population: 'Население',

  'metric.received': 'Поступило обращений',
  'metric.answered': 'Получили ответ',
  'metric.resolved': 'Решено',
  'metric.closedWithoutConfirmation': 'Закрыто без подтверждения',
  'metric.inProgress': 'В работе',
  'metric.overdue': 'Просрочено',
  'metric.medianDaysToFirstAnswer': 'Медиана дней до первого ответа',
  'metric.overdueShare': 'Доля просроченных',
  'metric.resolvedShare': 'Доля решённых',
  'metric.answeredShare': 'Доля с ответом',
  'metric.perThousand': 'Обращений на 1 000 жителей',

  'status.moderation': 'Модерация',
  'status.in_progress': 'Рассмотрение',
  'status.interim_answer': 'Промежуточный ответ',
  'status.answered': 'Получен ответ',
  'status.resolved': 'Решено',
  'status.closed_without_confirmation': 'Закрыто без подтверждения',
  'status.closed': 'Закрыто',

  'home.title': 'Обращения жителей: {region}',
  'home.lede': 'Обращения жителей по районам с {from} по {to}; источник: {source}',
  'home.ledeSources': 'Обращения жителей по районам с {from} по {to}; источники: {source}',
  'home.sampleNoteLink': 'Подробнее — в методике',
  'methodology.coverageUnknown': 'Конфигурация не описывает, какие обращения источника вошли в данные; сравнивайте числа с итогами портала осторожно.',
  'home.explorerLink': 'Отобрать обращения, скачать выборку или задать запрос SQL',
  'district.explorerLink': 'Открыть обращения района в обозревателе данных: отбор, выгрузка, запрос SQL',
  'home.headlineHeading': '{region} в целом',
  'home.headlineOverdueNote': 'без первого ответа, хотя бы промежуточного, дольше {days} дней',
  'home.headlineInProgressNote': 'на модерации, на рассмотрении или с промежуточным ответом',
  'home.mapHeading': 'Карта районов',
  'home.metricSwitch': 'Показатель на карте',
  'home.mapLabel': 'Карта районов, цвет — {metric}',
  'home.mapHint': 'Значение каждого района есть в таблице. На карте оно видно в подсказке, когда указатель или фокус клавиатуры стоит на районе или на строке таблицы. Нажмите или коснитесь района, чтобы открыть его страницу.',
  'home.mapDistrictTitle': '{name}. {metric}: {value}',
  'home.mapFailed': 'Масштабируемая карта не загрузилась (нужен WebGL 2), поэтому показана простая карта. Все значения есть в таблице.',
  'home.legend': 'Легенда',
  'home.tooltipOpen': 'Нажмите, чтобы открыть страницу района',
  'home.tooltipKeyboard': 'Нажмите Enter, чтобы открыть страницу района',
  'home.tableCaption': 'Районы: {metric}',

  'district.title': '{name} район',
  'district.lede': 'Обращения жителей района за период {from} — {to}; рядом с каждым числом — значение по всему региону ({region}).',
  'district.back': 'Вернуться к карте',
  'district.metricsHeading': 'Показатели',
  'district.metricColumn': 'Показатель',
  'district.districtColumn': 'Район',
  'district.cityColumn': 'Весь регион',
  'district.weeklyHeading': 'Обращения по неделям',
  'district.weeklyChart': 'Число обращений по неделям создания',
  'district.rubricsHeading': 'Частые рубрики',
  'district.rubricsChart': 'Рубрики с наибольшим числом обращений',
  'district.agenciesHeading': 'Ведомства',
  'district.statusesHeading': 'Текущие статусы',
  'district.statusesChart': 'Обращения по текущему статусу',
  'district.municipalitiesHeading': 'Муниципальные округа',
  'district.populationNote': 'Население: {population}. {source}',
  'district.agenciesNote':
    'Медиана дней до ответа — от создания обращения до первого ответа, по обращениям с ответом. Просрочено — доля обращений ведомства без первого ответа, хотя бы промежуточного, дольше {days} дней.',

  'table.week': 'Неделя (с понедельника)',
  'table.count': 'Обращений',
  'table.rubric': 'Рубрика',
  'table.agency': 'Ведомство',
  'table.status': 'Статус',
  'table.municipality': 'Муниципальный округ',
  'table.share': 'Доля',
  'table.medianDays': 'Медиана дней до ответа',
  'table.overdueShare': 'Просрочено',
  'table.empty': 'Нет обращений.',
  'chart.dataTable': 'Данные графика таблицей',

  'methodology.title': 'Методика',
  'methodology.lede': 'Откуда данные, что в них входит и как посчитаны показатели.',
  'methodology.sourceHeading': 'Источник',
  'methodology.sourceIntro':
    'Данные — открытые карточки обращений жителей с портала, собранные сторонним исследователем и обработанные нашим конвейером. Мы публикуем только очищенные поля и агрегаты, но не исходные записи.',
  'methodology.sourceTitle': 'Источник',
  'methodology.sourceFiles': 'Файлы источника',
  'methodology.sourceCounts': 'Прочитано записей: {read}; принято: {accepted}; отклонено: {rejected}; повторов: {duplicates}.',
  'methodology.reasonsSummary': 'Отклонённые записи, повторы и предупреждения по причинам',
  'methodology.reasonsIntro': 'Каждая отклонённая запись и каждый повтор перечислены в {rejects} с файлом, номером строки и объяснением; в столбце source у записей этого источника указано {source}. Записи с предупреждением приняты и опубликованы, в rejects.csv их нет.',
  'methodology.reasonColumn': 'Причина',
  'methodology.meaningColumn': 'Что это значит',
  'methodology.outcomeColumn': 'Исход',
  'methodology.recordsColumn': 'Число записей',
  'methodology.outcomeRejected': 'отклонена',
  'methodology.outcomeDuplicate': 'повтор, не публикуется',
  'methodology.outcomeWarning': 'принята с предупреждением',
  'methodology.differingDuplicates': '(из них отличаются от оставленной записи: {count}; возможно, это более поздние версии обращений)',
  'methodology.differingDuplicate': '(один из них отличается от оставленной записи; возможно, это более поздняя версия обращения)',
  'methodology.period': 'Период (создание обращений)',
  'methodology.asOf': 'Момент выгрузки источника',
  'methodology.licence': 'Лицензия',
  'methodology.coverageHeading': 'Что входит в данные',
  'methodology.definitionsHeading': 'Определения',
  'methodology.createdTerm': 'Создание',
  'methodology.createdDefinition': 'время первого сообщения жителя в карточке обращения.',
  'methodology.firstAnswerTerm': 'Первый ответ',
  'methodology.firstAnswerDefinition': 'первый ответ ведомства, промежуточный или окончательный.',
  'methodology.overdueTerm': 'Просрочено',
  'methodology.overdueDefinition':
    'нет первого ответа, хотя бы промежуточного, в течение {days} дней с момента создания. Срок в {days} дней взят из ч. 1 ст. 12 Федерального закона № 59-ФЗ «О порядке рассмотрения обращений граждан Российской Федерации», но закон отсчитывает его от регистрации обращения и говорит о его рассмотрении, а портал не публикует ни даты регистрации, ни продления срока. Поэтому показатель — ориентир, а не число нарушений закона: обращение с промежуточным ответом в срок и окончательным позже просроченным не считается. Для обращений без ответа срок отсчитывается до момента выгрузки источника, а не до сегодняшнего дня.',
  'methodology.resolvedTerm': 'Решено',
  'methodology.resolvedDefinition': 'текущий статус «Решено»: житель или народный контролёр подтвердил решение проблемы.',
  'methodology.inProgressTerm': 'В работе',
  'methodology.inProgressDefinition': 'текущий статус «Модерация», «Рассмотрение» или «Промежуточный ответ».',
  'methodology.perThousandTerm': 'На 1 000 жителей',
  'methodology.perThousandDefinition': 'число обращений, делённое на население района и умноженное на 1 000. {source}',
  'methodology.censoringHeading': 'Незавершённые обращения (цензурирование)',
  'methodology.censoringBody':
    'К моменту выгрузки часть обращений ещё без ответа: их время до ответа неизвестно, известна лишь нижняя граница. Медиана дней до первого ответа считается только по обращениям с ответом, поэтому для последних недель периода она занижена. Обращение без ответа считается просроченным, только если к моменту выгрузки с его создания прошло больше {days} дней; более свежие обращения без ответа не считаются просроченными, пока срок не истёк.',
  'methodology.privacyHeading': 'Персональные данные',
  'methodology.privacyBody':
    'До записи снимка конвейер удаляет имена, телефоны, адреса электронной почты, адреса и идентификаторы домов, фотографии и тексты обращений и ответов. У ведомств остаётся только название организации, без должностных лиц. Координаты огрублены до центра ячейки сетки, точный адрес по ним не восстановить.',
  'methodology.columnsHeading': 'Столбцы опубликованных файлов',
  'methodology.appealColumns': 'appeals.parquet — одна строка на обращение',
  'methodology.eventColumns': 'status_events.parquet — одна строка на событие обращения',
  'methodology.rejectColumns': 'rejects.csv — одна строка на отклонённую запись источника, на повтор (причина duplicate_id) или на непрочитанную строку набора данных опроса',
  'methodology.sourceStatus': 'Состояние источника: {status}.',
  'methodology.column': 'Столбец',
  'methodology.type': 'Тип',
  'methodology.nullable': 'Может быть пустым',
  'methodology.unit': 'Единица',
  'methodology.description': 'Описание',
  'methodology.yes': 'да',
  'methodology.no': 'нет',
  'methodology.licencesHeading': 'Лицензии и атрибуция',
  'methodology.reference': 'Файл',
  'methodology.attribution': 'Атрибуция',
  'methodology.filesHeading': 'Файлы снимка',
  'methodology.filesIntro': 'Снимок {snapshot} создан {createdAt}, версия схемы {schemaVersion}. Контрольные суммы SHA-256 взяты из манифеста.',
  'methodology.file': 'Файл',
  'methodology.bytes': 'Размер, байт',
  'methodology.rows': 'Строк',

  'footer.snapshot': 'Снимок данных',
  'footer.asOf': 'данные источника на',
  'footer.asOfAppeals': 'данные источника обращений на',
  'footer.archive': 'Все снимки и файлы',
  'footer.feed': 'Лента новых снимков (Atom)',

  'archive.title': 'Архив снимков данных',
  'archive.lede':
    'Каждую ночь конвейер записывает новый снимок данных. Здесь все сохранённые снимки: когда создан каждый, сколько в нём записей, в каком состоянии были источники, и файлы для скачивания с контрольными суммами SHA-256 из манифеста.',
  'archive.links': 'Новые снимки можно получать через {feed}; список снимков для программ — {index}.',
  'archive.feedLink': 'ленту Atom',
  'archive.indexLink': 'index.json',
  'archive.snapshotHeading': 'Снимок {id}',
  'archive.current': 'показан на сайте',
  'archive.createdAt': 'Создан {date}.',
  'archive.appealsRows': 'Обращений в appeals.parquet: {count}.',
  'archive.rejectsRows': 'Строк в rejects.csv (отклонённые записи, повторы и непрочитанные строки опросов): {count}.',
  'archive.sourcesCaption': 'Источники снимка {id}',
  'archive.source': 'Источник',
  'archive.pollDatasets': 'Наборы данных опросов в снимке:',
  'archive.status': 'Состояние',
  'archive.records': 'Записей принято',
  'archive.status.ok': 'обновлён, данные на {date}',
  'archive.status.okUndated': 'обновлён',
  'archive.status.stale': 'не обновлён, данные на {date}',
  'archive.status.staleUndated': 'не обновлён, показаны прежние данные',
  'archive.status.failed': 'не загружен, данных нет',
  'archive.files': 'Файлы снимка ({count})',
  'archive.filesCaption': 'Файлы снимка {id}',
  'archive.sha256': 'SHA-256',
  'archive.manifest': 'Манифест снимка со всеми суммами:',
  'archive.verifyHint': 'Чтобы проверить скачанный файл, выполните «sha256sum ИМЯ_ФАЙЛА»: сумма должна совпасть со столбцом SHA-256.',
  'archive.changes': 'С прошлого снимка {previous}: новых обращений {new}, получили ответ {answered}, решено {resolved}.',
  'archive.noPrevious': 'Первый снимок: прошлого нет, сравнивать не с чем.',
  'archive.noChanges': 'Сведений об изменениях в этом снимке нет.',
  'archive.polls': 'Голосований: новых {opened}, завершено {closed}.',
  reason: 'Причина: {reason}',

  'changes.heading': 'Что изменилось с прошлого снимка',
  'changes.districtHeading': 'Изменения в районе с прошлого снимка',
  'changes.comparedWith': 'Снимок {current} сравнивается со снимком {previous}',
  'changes.new': 'Новые обращения',
  'changes.answered': 'Впервые получили ответ',
  'changes.resolved': 'Стали решёнными',
  'changes.pollsOpened': 'Новые голосования',
  'changes.pollsClosed': 'Завершённые голосования',
  'changes.hint':
    'Новые — обращения, которых не было в прошлом снимке. «Впервые получили ответ» и «Стали решёнными» — обращения, у которых первый ответ или статус «Решено» появились после прошлого снимка.',
  'changes.none': 'Это первый снимок: прошлого снимка нет, поэтому сравнивать не с чем.',
  'changes.missing': 'В этом снимке нет сведений о том, что изменилось.',
  'changes.pollsList': 'Голосования: новые и завершённые',
  'changes.agencies': 'Изменения по ведомствам',
  'changes.agenciesCaption': 'Ведомства с наибольшим числом изменений, не больше 15',
  'changes.noAgencies': 'Ни у одного ведомства изменений нет.',

  'stale.title': 'Данные источника {source} — на {date}.',
  'stale.titleUndated': 'Данные источника {source} не обновились.',
  'stale.body': 'Последний запуск не смог обновить этот источник, поэтому показаны его данные из прошлого снимка.',
  'failed.title': 'Источник {source} не загрузился, и его данных на сайте нет.',

  'feed.title': 'Открытый район: снимки данных',
  'feed.subtitle': 'Новые снимки данных об обращениях жителей: дата, число записей, изменения и состояние источников.',
  'feed.entryTitle': 'Снимок данных {id}',
  'feed.sources': 'Источники: {list}.',
  'map.attribution': '© участники OpenStreetMap',
  'map.cooperativeGestures': 'Двигайте карту двумя пальцами',
  'map.zoomIn': 'Приблизить',
  'map.zoomOut': 'Отдалить',
  'map.toggleAttribution': 'Показать или скрыть источники карты',
} as const satisfies Record<string, string> & Record<StatusKey | MetricKey, string>;

export type MessageKey = keyof typeof ru;

const en: Record<MessageKey, string> & Record<StatusKey | MetricKey, string> = {
  ...POLL_MESSAGES_EN,
  'language.name': 'English',
  product: 'Open District',
  tagline: "Residents' appeals on a district map",
  skipToContent: 'Skip to content',
  'nav.label': 'Site sections',
  'nav.map': 'Map',
  'nav.explorer': 'Explore the data',
  'nav.methodology': 'Methodology',

  appeal: 'appeal',
  appeals: 'Appeals',
  district: 'District',
  districtName: '{name} district',
  city: 'City',
  snapshot: 'Data snapshot',
  asOf: 'Source data as of',
  manifest: 'Snapshot manifest',
  choropleth: 'District map',
  noData: 'no data',
  population: 'Population',

  'metric.received': 'Appeals received',
  'metric.answered': 'Answered',
  'metric.resolved': 'Resolved',
  'metric.closedWithoutConfirmation': 'Closed without confirmation',
  'metric.inProgress': 'In progress',
  'metric.overdue': 'Overdue',
  'metric.medianDaysToFirstAnswer': 'Median days to first answer',
  'metric.overdueShare': 'Share overdue',
  'metric.resolvedShare': 'Share resolved',
  'metric.answeredShare': 'Share answered',
  'metric.perThousand': 'Appeals per 1,000 residents',

  'status.moderation': 'Moderation',
  'status.in_progress': 'Under review',
  'status.interim_answer': 'Interim answer',
  'status.answered': 'Answered',
  'status.resolved': 'Resolved',
  'status.closed_without_confirmation': 'Closed without confirmation',
  'status.closed': 'Closed',

  'home.title': "Residents' appeals: {region}",
  'home.lede': "Residents' appeals by district from {from} to {to}; source: {source}",
  'home.ledeSources': "Residents' appeals by district from {from} to {to}; sources: {source}",
  'home.sampleNoteLink': 'See the methodology',
  'methodology.coverageUnknown': "The configuration does not say which of the source's appeals the data holds; compare the numbers with the portal's totals with care.",
  'home.explorerLink': 'Select appeals, download a selection or ask an SQL query',
  'district.explorerLink': "Open this district's appeals in the data explorer: select, download, query in SQL",
  'home.headlineHeading': '{region} as a whole',
  'home.headlineOverdueNote': 'no first answer, not even an interim one, for more than {days} days',
  'home.headlineInProgressNote': 'in moderation, under review or with an interim answer',
  'home.mapHeading': 'District map',
  'home.metricSwitch': 'Metric on the map',
  'home.mapLabel': 'District map, colour shows {metric}',
  'home.mapHint': 'Each district’s value is in the table. On the map it shows in a tooltip while the pointer or the keyboard focus is on a district or a table row. Click or tap a district to open its page.',
  'home.mapDistrictTitle': '{name}. {metric}: {value}',
  'home.mapFailed': 'The zoomable map failed to load (it needs WebGL 2), so a simple map is shown. The table has every value.',
  'home.legend': 'Legend',
  'home.tooltipOpen': 'Click to open the district page',
  'home.tooltipKeyboard': 'Press Enter to open the district page',
  'home.tableCaption': 'Districts: {metric}',

  'district.title': '{name} district',
  'district.lede': "Residents' appeals in the district from {from} to {to}; each number has the value for the whole region ({region}) beside it.",
  'district.back': 'Back to the map',
  'district.metricsHeading': 'Metrics',
  'district.metricColumn': 'Metric',
  'district.districtColumn': 'District',
  'district.cityColumn': 'Whole region',
  'district.weeklyHeading': 'Appeals per week',
  'district.weeklyChart': 'Number of appeals by week of creation',
  'district.rubricsHeading': 'Top rubrics',
  'district.rubricsChart': 'Rubrics with the most appeals',
  'district.agenciesHeading': 'Agencies',
  'district.statusesHeading': 'Current statuses',
  'district.statusesChart': 'Appeals by current status',
  'district.municipalitiesHeading': 'Municipal okrugs',
  'district.populationNote': 'Population: {population}. {source}',
  'district.agenciesNote':
    "Median days to answer runs from the creation of an appeal to its first answer, over answered appeals. Overdue is the share of the agency's appeals with no first answer, not even an interim one, for more than {days} days.",

  'table.week': 'Week (from Monday)',
  'table.count': 'Appeals',
  'table.rubric': 'Rubric',
  'table.agency': 'Agency',
  'table.status': 'Status',
  'table.municipality': 'Municipal okrug',
  'table.share': 'Share',
  'table.medianDays': 'Median days to answer',
  'table.overdueShare': 'Overdue',
  'table.empty': 'No appeals.',
  'chart.dataTable': 'Chart data as a table',

  'methodology.title': 'Methodology',
  'methodology.lede': 'Where the data comes from, what it covers and how the metrics are computed.',
  'methodology.sourceHeading': 'Source',
  'methodology.sourceIntro':
    "The data are the public appeal records of the portal, collected by a third-party researcher and processed by our pipeline. We publish only cleaned fields and aggregates, never the raw records.",
  'methodology.sourceTitle': 'Source',
  'methodology.sourceFiles': 'Source files',
  'methodology.sourceCounts': 'Records read: {read}; accepted: {accepted}; rejected: {rejected}; duplicates: {duplicates}.',
  'methodology.reasonsSummary': 'Rejected records, duplicates and warnings by reason',
  'methodology.reasonsIntro': "Every rejected record and every duplicate is listed in {rejects} with its file, row and an explanation; there, this source's records have {source} in the source column. Records with a warning are accepted and published, and rejects.csv does not list them.",
  'methodology.reasonColumn': 'Reason',
  'methodology.meaningColumn': 'What it means',
  'methodology.outcomeColumn': 'Outcome',
  'methodology.recordsColumn': 'Number of records',
  'methodology.outcomeRejected': 'rejected',
  'methodology.outcomeDuplicate': 'duplicate, not published',
  'methodology.outcomeWarning': 'accepted with a warning',
  'methodology.differingDuplicates': '({count} of them differ from the record kept; they may be later versions of the appeals)',
  'methodology.differingDuplicate': '(one of them differs from the record kept; it may be a later version of the appeal)',
  'methodology.period': 'Period (creation of appeals)',
  'methodology.asOf': "Source's as-of time",
  'methodology.licence': 'Licence',
  'methodology.coverageHeading': 'What the data covers',
  'methodology.definitionsHeading': 'Definitions',
  'methodology.createdTerm': 'Created',
  'methodology.createdDefinition': "the time of the resident's first message in the appeal.",
  'methodology.firstAnswerTerm': 'First answer',
  'methodology.firstAnswerDefinition': "the agency's first answer, interim or final.",
  'methodology.overdueTerm': 'Overdue',
  'methodology.overdueDefinition':
    'no first answer, not even an interim one, within {days} days of creation. The {days} days come from Federal Law No. 59-FZ “On the procedure for considering appeals of citizens of the Russian Federation”, art. 12 part 1, but the law counts them from the appeal’s registration and speaks of its consideration, and the portal publishes neither the registration date nor extensions of the term. So the measure is a guide, not a count of breaches of the law: an appeal with an interim answer in time and a final answer later is not counted as overdue. For appeals without an answer the time is counted to the source’s as-of time, not to today.',
  'methodology.resolvedTerm': 'Resolved',
  'methodology.resolvedDefinition': 'current status “Resolved”: the resident or a public inspector confirmed that the problem was solved.',
  'methodology.inProgressTerm': 'In progress',
  'methodology.inProgressDefinition': 'current status “Moderation”, “Under review” or “Interim answer”.',
  'methodology.perThousandTerm': 'Per 1,000 residents',
  'methodology.perThousandDefinition': "the number of appeals divided by the district's population, times 1,000. {source}",
  'methodology.censoringHeading': 'Unfinished appeals (censoring)',
  'methodology.censoringBody':
    'At the as-of time some appeals still have no answer: their time to answer is unknown, only its lower bound is. The median days to first answer is taken over answered appeals only, so it is too low for the last weeks of the period. An appeal without an answer counts as overdue only if more than {days} days passed from its creation to the as-of time; newer appeals without an answer are not overdue while their deadline runs.',
  'methodology.privacyHeading': 'Personal data',
  'methodology.privacyBody':
    'Before a snapshot is written, the pipeline removes names, phone numbers, e-mail addresses, street addresses and building ids, photos and the texts of appeals and answers. Agencies keep only the organisation name, with no officials. Coordinates are coarsened to the centre of a grid cell, so no exact address can be recovered from them.',
  'methodology.columnsHeading': 'Columns of the published files',
  'methodology.appealColumns': 'appeals.parquet: one row per appeal',
  'methodology.eventColumns': 'status_events.parquet: one row per event of an appeal',
  'methodology.rejectColumns': 'rejects.csv: one row per rejected source record, duplicate (reason duplicate_id) or unreadable row of a poll dataset',
  'methodology.sourceStatus': 'Source status: {status}.',
  'methodology.column': 'Column',
  'methodology.type': 'Type',
  'methodology.nullable': 'Can be empty',
  'methodology.unit': 'Unit',
  'methodology.description': 'Description',
  'methodology.yes': 'yes',
  'methodology.no': 'no',
  'methodology.licencesHeading': 'Licences and attribution',
  'methodology.reference': 'File',
  'methodology.attribution': 'Attribution',
  'methodology.filesHeading': 'Snapshot files',
  'methodology.filesIntro': 'Snapshot {snapshot} was created on {createdAt}, schema version {schemaVersion}. The SHA-256 checksums come from the manifest.',
  'methodology.file': 'File',
  'methodology.bytes': 'Size, bytes',
  'methodology.rows': 'Rows',

  'footer.snapshot': 'Data snapshot',
  'footer.asOf': 'source data as of',
  'footer.asOfAppeals': 'appeals source data as of',
  'footer.archive': 'All snapshots and files',
  'footer.feed': 'Feed of new snapshots (Atom)',

  'archive.title': 'Data snapshot archive',
  'archive.lede':
    'Every night the pipeline writes a new data snapshot. This page lists every kept snapshot: when it was created, how many records it has, the state of its sources, and its files for download with the SHA-256 checksums from its manifest.',
  'archive.links': 'To follow new snapshots, subscribe to the {feed}; programs can read the snapshot list from {index}.',
  'archive.feedLink': 'Atom feed',
  'archive.indexLink': 'index.json',
  'archive.snapshotHeading': 'Snapshot {id}',
  'archive.current': 'shown on this site',
  'archive.createdAt': 'Created on {date}.',
  'archive.appealsRows': 'Appeals in appeals.parquet: {count}.',
  'archive.rejectsRows': 'Rows in rejects.csv (rejected records, duplicates and unreadable poll rows): {count}.',
  'archive.sourcesCaption': 'Sources of snapshot {id}',
  'archive.source': 'Source',
  'archive.pollDatasets': 'Poll datasets in the snapshot:',
  'archive.status': 'Status',
  'archive.records': 'Records accepted',
  'archive.status.ok': 'updated, data as of {date}',
  'archive.status.okUndated': 'updated',
  'archive.status.stale': 'not updated, data from {date}',
  'archive.status.staleUndated': 'not updated, earlier data shown',
  'archive.status.failed': 'failed to load, no data',
  'archive.files': 'Snapshot files ({count})',
  'archive.filesCaption': 'Files of snapshot {id}',
  'archive.sha256': 'SHA-256',
  'archive.manifest': 'The snapshot manifest with every checksum:',
  'archive.verifyHint': 'To check a downloaded file, run “sha256sum FILE”: the sum must equal the SHA-256 column.',
  'archive.changes': 'Since the previous snapshot {previous}: new appeals {new}, newly answered {answered}, newly resolved {resolved}.',
  'archive.noPrevious': 'First snapshot: there is no previous one to compare with.',
  'archive.noChanges': 'This snapshot has no record of changes.',
  'archive.polls': 'Polls: {opened} opened, {closed} closed.',
  reason: 'Reason: {reason}',

  'changes.heading': 'What changed since the previous snapshot',
  'changes.districtHeading': 'Changes in the district since the previous snapshot',
  'changes.comparedWith': 'Snapshot {current} compared with snapshot {previous}',
  'changes.new': 'New appeals',
  'changes.answered': 'Newly answered',
  'changes.resolved': 'Newly resolved',
  'changes.pollsOpened': 'Polls opened',
  'changes.pollsClosed': 'Polls closed',
  'changes.hint':
    'New appeals are those absent from the previous snapshot. Newly answered and newly resolved appeals got their first answer or the status “Resolved” after the previous snapshot.',
  'changes.none': 'This is the first snapshot. There is no previous snapshot, so there is nothing to compare with.',
  'changes.missing': 'This snapshot has no record of what changed.',
  'changes.pollsList': 'Polls opened and closed',
  'changes.agencies': 'Changes by agency',
  'changes.agenciesCaption': 'Agencies with the most changes, at most 15',
  'changes.noAgencies': 'No agency has any changes.',

  'stale.title': 'Data from source {source} is from {date}.',
  'stale.titleUndated': 'Data from source {source} was not updated.',
  'stale.body': 'The last run could not update this source, so its data from an earlier snapshot is shown.',
  'failed.title': 'Source {source} failed to load, and the site has none of its data.',

  'feed.title': 'Open District: data snapshots',
  'feed.subtitle': "New snapshots of residents' appeals data: date, record counts, changes and the state of the sources.",
  'feed.entryTitle': 'Data snapshot {id}',
  'feed.sources': 'Sources: {list}.',
  'map.attribution': '© OpenStreetMap contributors',
  'map.cooperativeGestures': 'Use two fingers to move the map',
  'map.zoomIn': 'Zoom in',
  'map.zoomOut': 'Zoom out',
  'map.toggleAttribution': 'Show or hide map credits',
};

export const DICTIONARY: Record<Locale, Record<MessageKey, string>> = { ru, en };

/** Returns the string for a key in a locale, with `{name}` placeholders replaced from `params`. */
export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return DICTIONARY[locale][key].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

export function statusLabel(locale: Locale, status: AppealStatus): string {
  return DICTIONARY[locale][`status.${status}`];
}

/**
 * Explains a reason code of rejects.csv or of a manifest's warnings. The texts are the ETL's own
 * (etl/reason-text.ts), so the site and the run's log explain a reason alike. An unknown code is
 * shown as it is.
 */
export function reasonLabel(locale: Locale, reason: string): string {
  return REASON_TEXT[reason]?.[locale] ?? reason;
}

export function metricLabel(locale: Locale, metric: keyof AppealMetrics): string {
  return DICTIONARY[locale][`metric.${metric}`];
}

/**
 * Ends a sentence with a full stop unless it already ends with one, as after "г." in a date or an
 * abbreviation taken from the data.
 */
export function endSentence(text: string): string {
  return /[.!?…]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`;
}

/** Returns the other language of the site, the target of the language switch. */
export function otherLocale(locale: Locale): Locale {
  return locale === 'ru' ? 'en' : 'ru';
}

/**
 * Returns the site path of a page in a locale: Russian pages live at the root, English ones under
 * `/en/`. `path` is the locale-free path with a leading and a trailing slash, e.g. "/methodology/".
 */
export function localizedPath(locale: Locale, path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  return `${base}${locale === 'en' ? '/en' : ''}${path}`;
}

/**
 * Returns a district's display name. English pages spell the name from its ASCII slug
 * ("admiralteysky" becomes "Admiralteysky"), because the snapshot carries Russian names only.
 */
/**
 * Titles a district's page. A name that is one adjective (Невский, Мещанский) takes the word
 * «район» / "district"; a name that is a noun or already names its kind (Кунцево, Хабаровск,
 * Бикинский район) is used unchanged.
 */
export function districtTitle(locale: Locale, district: { district: string; slug: string }): string {
  const name = districtDisplayName(locale, district);
  return /^[А-ЯЁ][а-яё-]*(ий|ый|ой)$/.test(district.district) ? translate(locale, 'district.title', { name }) : name;
}

export function districtDisplayName(locale: Locale, district: { district: string; slug: string }): string {
  if (locale === 'ru') return district.district;
  return district.slug
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

export const STATUS_ORDER: readonly AppealStatus[] = APPEAL_STATUSES;
export { ANSWER_DEADLINE_DAYS };
