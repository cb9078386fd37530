// `check`: validates one file with an adapter and a region, without publishing anything, and
// summarises it in one JSON-friendly object for people, cron jobs and monitoring.

import { basename, resolve } from 'node:path';

import { BulkDatabase } from './bulk/database.ts';
import { DEFAULT_DISTRICT_POLICY, type Config, type SourceConfig, type SourceFormat } from './config.ts';
import { loadRegion } from './districts.ts';
import { sqlString } from './lib/duckdb.ts';
import { en, ru, type Logger, type Message } from './lib/log.ts';
import { DEFAULT_EFFECTS, runSource, type SourceResult } from './pipeline.ts';
import { POINT_REJECT_REASONS } from './privacy.ts';
import { DUPLICATE_REASON, REASON_TEXT } from './reasons.ts';

export interface CheckSummary {
  file: string;
  format: SourceFormat;
  region: string;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Duplicates that differ from the first record with their id, which is the one kept. */
  differingDuplicates: number;
  reasons: Record<string, number>;
  districts: Record<string, number>;
  districtRules: Record<string, number>;
  pointsOutsideDistrict: number;
  districtsInferred: number;
  /** Accepted records whose district name or code matched no district, placed by their point. */
  districtNamesUnmatched: number;
  /** JSON keys written twice inside one record (the last value is kept, as JSON.parse does). */
  duplicateKeys: number;
  warnings: Record<string, number>;
  period: { from: string; to: string } | null;
  asOf: string | null;
  metrics: { answered: number; medianDaysToFirstAnswer: number | null; overdue: number };
  /**
   * Rejected rows and duplicates to show: the first of each reason, then the next ones in reading
   * order, at most EXAMPLE_COUNT. The full list goes to a snapshot's rejects.csv.
   */
  examples: { row: number; record_id: string | null; field: string; value: string | null; reason: string; message: string }[];
}

/** Number of rows a check lists as examples, enough to see what to fix in a terminal. */
export const EXAMPLE_COUNT = 20;

/** Key of the `districts` count for records kept without a district by the source's policy. */
export const UNPLACED = '(без района · unplaced)';

export interface CheckOptions {
  mapping?: string;
  services?: string;
  timeZone?: string;
}

export async function checkFile(config: Config, file: string, format: SourceFormat, regionId: string, logger: Logger, options: CheckOptions = {}): Promise<CheckSummary> {
  const regionConfig = config.regions.find((region) => region.id === regionId)!;
  const configured = configuredSource(config, file, format, regionId);
  logDistrictPolicy(logger, configured, format, regionId);
  const source: SourceConfig = {
    id: basename(file),
    format,
    region: regionId,
    files: [file],
    mapping: options.mapping,
    services: options.services,
    timeZone: options.timeZone ?? configured?.source.timeZone ?? regionConfig.timeZone,
    districtPolicy: configured?.source.districtPolicy,
    asOf: null,
    title: { ru: file, en: file },
    url: null,
    licence: '',
    attribution: { ru: '', en: '' },
  };
  // The appeals go to DuckDB as they are read, so that a large file is checked without a JS copy.
  const database = await BulkDatabase.open();
  try {
    const result = await runSource(config, source, loadRegion(regionConfig), logger, DEFAULT_EFFECTS, { database: async () => database });
    return await summarize(file, format, regionId, result, database);
  } finally {
    database.close();
  }
}

/**
 * Finds the configured source whose settings a check of `file` should follow: the one of this
 * format and region that lists the file, or else the only one of this format and region.
 */
export function configuredSource(config: Config, file: string, format: SourceFormat, regionId: string): { source: SourceConfig; listsFile: boolean } | undefined {
  const candidates = config.sources.filter((source) => source.format === format && source.region === regionId);
  const listing = candidates.find((source) => source.files.some((path) => resolve(path) === resolve(file)));
  if (listing) return { source: listing, listsFile: true };
  return candidates.length === 1 ? { source: candidates[0], listsFile: false } : undefined;
}

/** Logs which district policy a check applies and where it comes from. */
function logDistrictPolicy(logger: Logger, configured: { source: SourceConfig; listsFile: boolean } | undefined, format: SourceFormat, regionId: string): void {
  const policy = configured?.source.districtPolicy ?? DEFAULT_DISTRICT_POLICY;
  const values = `conflict = "${policy.conflict}", pointMismatch = "${policy.pointMismatch}", unplaced = "${policy.unplaced}"`;
  let from: Message;
  if (configured?.listsFile) {
    from = { ru: `источника ${configured.source.id}, в списке файлов которого есть этот файл`, en: `of source ${configured.source.id}, whose files include this one` };
  } else if (configured) {
    from = { ru: `источника ${configured.source.id}, единственного источника ${format} региона ${regionId}`, en: `of source ${configured.source.id}, the only ${format} source of region ${regionId}` };
  } else {
    from = { ru: 'по умолчанию, потому что ни один источник конфигурации не выбран однозначно', en: 'by default, since no source of the configuration is a clear match' };
  }
  logger.info('read', {
    ru: `check применяет правила районов (districtPolicy) ${from.ru}: ${values}`,
    en: `check applies the district policy (districtPolicy) ${from.en}: ${values}`,
  });
}

async function summarize(file: string, format: SourceFormat, region: string, result: SourceResult, database: BulkDatabase): Promise<CheckSummary> {
  const appeals = result.bulk?.appeals ?? null;
  const districts: Record<string, number> = {};
  let metrics: CheckSummary['metrics'] = { answered: 0, medianDaysToFirstAnswer: null, overdue: 0 };
  if (appeals) {
    // Districts with equal counts are listed by name.
    const counts = await database.rows<{ district: string; count: number }>(`SELECT coalesce(district::VARCHAR, ${sqlString(UNPLACED)}) AS district, count(*)::INTEGER AS count
      FROM ${appeals} GROUP BY ALL ORDER BY count DESC, district`);
    for (const { district, count } of counts) districts[district] = count;
    [metrics] = await database.rows<CheckSummary['metrics']>(`SELECT count(days_to_first_answer)::INTEGER AS answered, median(days_to_first_answer) AS "medianDaysToFirstAnswer",
      count(*) FILTER (WHERE overdue)::INTEGER AS overdue FROM ${appeals}`);
  }

  return {
    file,
    format,
    region,
    read: result.counts.read,
    accepted: result.counts.accepted,
    rejected: result.counts.rejected,
    duplicates: result.counts.duplicates,
    differingDuplicates: result.differingDuplicates,
    reasons: result.reasons,
    districts,
    districtRules: result.districtRules,
    pointsOutsideDistrict: result.pointsOutsideDistrict,
    districtsInferred: result.districtsInferred,
    districtNamesUnmatched: result.districtNamesUnmatched,
    duplicateKeys: result.warnings.duplicate_key ?? 0,
    warnings: result.warnings,
    period: result.period ? { from: new Date(result.period.from).toISOString(), to: new Date(result.period.to).toISOString() } : null,
    asOf: result.asOf === null ? null : new Date(result.asOf).toISOString(),
    metrics,
    examples: chooseExamples(inFileOrder(result.rejects), EXAMPLE_COUNT).map(({ row, record_id, field, value, reason, message }) => ({ row, record_id, field, value, reason, message })),
  };
}

/**
 * Picks the first reject of every reason, then fills up to `count` in reading order, so that a rare
 * reason shows even behind many rows of a common one. Keeps reading order.
 */
export function chooseExamples<T extends { reason: string }>(rejects: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  const reasons = new Set<string>();
  for (const [index, reject] of rejects.entries()) {
    if (reasons.has(reject.reason)) continue;
    reasons.add(reject.reason);
    chosen.add(index);
  }
  for (let index = 0; index < rejects.length && chosen.size < count; index += 1) chosen.add(index);

  return [...chosen].sort((a, b) => a - b).map((index) => rejects[index]);
}

/** Orders rejects as the file lists them: by row, whichever step turned each one down. */
export function inFileOrder<T extends { row: number }>(rejects: readonly T[]): T[] {
  return [...rejects].sort((a, b) => a.row - b.row);
}

/**
 * Writes a check summary for a terminal, one line per fact: the Russian sentence, then the English
 * one. `otherRegions` lists the regions the file was not checked against, when none was chosen.
 */
export function checkReport(summary: CheckSummary, file: string, format: SourceFormat, region: string, otherRegions: readonly string[]): string[] {
  const line = (message: Message) => `${message.ru} · ${message.en}`;
  const lines = [line({ ru: `Файл ${file}: формат ${format}, регион ${region}`, en: `File ${file}: format ${format}, region ${region}` })];
  if (otherRegions.length > 0) {
    lines.push(line({
      ru: `Регион ${region} — первый в конфигурации; другие регионы: ${otherRegions.join(', ')}; выберите нужный параметром --region, а если файл из другого региона, опишите его в своей конфигурации (docs/configuration.ru.md) и передайте её параметром --config`,
      en: `Region ${region} is the first in the configuration; other regions: ${otherRegions.join(', ')}; choose one with --region, or, for a file of another region, describe that region in a configuration of your own (docs/configuration.md) and pass it with --config`,
    }));
  }

  lines.push(line({
    ru: `Прочитано записей: ${ru(summary.read)}; принято: ${ru(summary.accepted)}, отклонено: ${ru(summary.rejected)}, повторов: ${ru(summary.duplicates)}`,
    en: `Records read: ${en(summary.read)}; accepted: ${en(summary.accepted)}, rejected: ${en(summary.rejected)}, duplicates: ${en(summary.duplicates)}`,
  }));
  if (summary.differingDuplicates > 0) {
    lines.push(line({
      ru: `Повторов, которые отличаются от первой записи с тем же номером: ${ru(summary.differingDuplicates)}; остаётся первая запись, так что если это более поздние версии обращений, оставьте в выгрузке только последние`,
      en: `Duplicates that differ from the first record with their id: ${en(summary.differingDuplicates)}; the first record is kept, so if they are later versions of the appeals, keep only the latest in the export`,
    }));
  }
  if (summary.period) {
    const period = `${utcText(summary.period.from)} … ${utcText(summary.period.to)}`;
    const asOf = summary.asOf ? utcText(summary.asOf) : '—';
    lines.push(line({ ru: `Период (UTC): ${period}; данные на ${asOf}`, en: `Period (UTC): ${period}; data as of ${asOf}` }));
  }
  const days = summary.metrics.medianDaysToFirstAnswer;
  lines.push(line({
    ru: `С ответом: ${ru(summary.metrics.answered)}; медиана дней до первого ответа: ${days === null ? '—' : days.toLocaleString('ru-RU', { maximumFractionDigits: 1 })}; просрочено: ${ru(summary.metrics.overdue)}`,
    en: `Answered: ${en(summary.metrics.answered)}; median days to first answer: ${days === null ? '—' : days.toLocaleString('en-GB', { maximumFractionDigits: 1 })}; overdue: ${en(summary.metrics.overdue)}`,
  }));
  const rules = summary.districtRules;
  lines.push(line({
    ru: `Район найден по коду: ${ru(rules.code ?? 0)}, по названию: ${ru(rules.name ?? 0)}, по точке: ${ru(rules.point ?? 0)}; точек вне своего района: ${ru(summary.pointsOutsideDistrict)}`,
    en: `District found by code: ${en(rules.code ?? 0)}, by name: ${en(rules.name ?? 0)}, by point: ${en(rules.point ?? 0)}; points outside their district: ${en(summary.pointsOutsideDistrict)}`,
  }));
  if (summary.districtNamesUnmatched > 0) {
    lines.push(line({
      ru: `Название или код района не распознаны, район взят по точке: ${ru(summary.districtNamesUnmatched)}; если это другое написание, добавьте его в regions[].aliases`,
      en: `District name or code not recognised, district taken from the point: ${en(summary.districtNamesUnmatched)}; if it is another spelling, add it to regions[].aliases`,
    }));
  }
  const districts = Object.entries(summary.districts);
  lines.push(line({
    ru: `Принято по районам: ${districts.map(([district, count]) => `${district} ${ru(count)}`).join(', ') || '—'}`,
    en: `Accepted by district: ${districts.map(([district, count]) => `${district} ${en(count)}`).join(', ') || '—'}`,
  }));

  for (const [reason, count] of Object.entries(summary.reasons)) {
    const text = REASON_TEXT[reason];
    lines.push(`  ${reason} — ${line({ ru: `${text?.ru ?? reason}: ${ru(count)}`, en: `${text?.en ?? reason}: ${en(count)}` })}`);
  }
  if (summary.duplicates > 0) {
    const text = REASON_TEXT[DUPLICATE_REASON];
    lines.push(`  ${DUPLICATE_REASON} — ${line({ ru: `${text.ru}: ${ru(summary.duplicates)} (повторы не публикуются)`, en: `${text.en}: ${en(summary.duplicates)} (duplicates are not published)` })}`);
  }
  for (const [reason, count] of Object.entries(summary.warnings)) {
    const text = REASON_TEXT[reason];
    lines.push(`  ${reason} — ${line({ ru: `${text?.ru ?? reason}: ${ru(count)} (записи приняты с предупреждением)`, en: `${text?.en ?? reason}: ${en(count)} (records accepted with a warning)` })}`);
  }
  const listed = summary.rejected + summary.duplicates;
  if (summary.examples.length > 0) {
    lines.push(line({
      ru: `Примеры: ${summary.examples.length} из ${ru(listed)} (отклонённые и повторы), по каждой причине хотя бы один; все они попадают в rejects.csv снимка`,
      en: `Examples: ${summary.examples.length} of ${en(listed)} (rejects and duplicates), at least one per reason; a snapshot's rejects.csv lists them all`,
    }));
  }
  // "Row" as in rejects.csv, whose row of an Open311 request is its position in the file.
  const unit = { ru: 'строка', en: 'row' };
  for (const example of summary.examples) {
    const id = example.record_id === null ? null : { ru: `, номер ${example.record_id}`, en: `, id ${example.record_id}` };
    // Points in rejects are snapped to the privacy grid, so the file's own digits differ.
    const rounded = example.value !== null && POINT_REJECT_REASONS.includes(example.reason);
    // A duplicate's value is its id, which the line gives already.
    const value = example.reason === DUPLICATE_REASON ? { ru: '', en: '' } : { ru: ` = ${example.value ?? '—'}`, en: ` = ${example.value ?? '—'}` };
    lines.push(`  ${line({
      ru: `${file}, ${unit.ru} ${example.row}${id?.ru ?? ''}, поле «${example.field}»${value.ru}${rounded ? ' (точка округлена до сетки публикации)' : ''}`,
      en: `${file}, ${unit.en} ${example.row}${id?.en ?? ''}, field "${example.field}"${value.en}${rounded ? ' (the point is rounded to the publication grid)' : ''}`,
    })}`);
    lines.push(`    ${example.reason}: ${example.message}`);
  }
  return lines;
}

/** Writes an ISO instant as `YYYY-MM-DD HH:MM` in UTC. */
function utcText(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
