// `check`: validates one file with an adapter and a region, without publishing anything, and
// summarises it in one JSON-friendly object for people, cron jobs and monitoring.

import type { Config, SourceConfig, SourceFormat } from './config.ts';
import { loadRegion } from './districts.ts';
import type { Logger } from './lib/log.ts';
import { runSource, type SourceResult } from './pipeline.ts';

export interface CheckSummary {
  file: string;
  format: SourceFormat;
  region: string;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  reasons: Record<string, number>;
  districts: Record<string, number>;
  districtRules: Record<string, number>;
  pointsOutsideDistrict: number;
  districtsInferred: number;
  /** JSON keys written twice inside one record (the last value is kept, as JSON.parse does). */
  duplicateKeys: number;
  warnings: Record<string, number>;
  period: { from: string; to: string } | null;
  asOf: string | null;
  metrics: { answered: number; medianDaysToFirstAnswer: number | null; overdue: number };
  /** The first rejects, enough to see what to fix; the full list goes to a snapshot's rejects.csv. */
  examples: { row: number; record_id: string | null; field: string; value: string | null; reason: string; message: string }[];
}

/** Key of the `districts` count for records kept without a district by the source's policy. */
export const UNPLACED = '(без района · unplaced)';

export interface CheckOptions {
  mapping?: string;
  services?: string;
  timeZone?: string;
}

export async function checkFile(config: Config, file: string, format: SourceFormat, regionId: string, logger: Logger, options: CheckOptions = {}): Promise<CheckSummary> {
  const regionConfig = config.regions.find((region) => region.id === regionId)!;
  const source: SourceConfig = {
    id: 'check',
    format,
    region: regionId,
    files: [file],
    mapping: options.mapping,
    services: options.services,
    timeZone: options.timeZone ?? regionConfig.timeZone,
    asOf: null,
    title: { ru: file, en: file },
    url: null,
    licence: '',
    attribution: { ru: '', en: '' },
  };
  const result = await runSource(config, source, loadRegion(regionConfig), logger);
  return summarize(file, format, regionId, result);
}

export function summarize(file: string, format: SourceFormat, region: string, result: SourceResult): CheckSummary {
  const districts: Record<string, number> = {};
  let answered = 0;
  let overdue = 0;
  const days: number[] = [];
  for (const appeal of result.appeals) {
    const district = appeal.district ?? UNPLACED;
    districts[district] = (districts[district] ?? 0) + 1;
    if (appeal.overdue) overdue += 1;
    if (appeal.days_to_first_answer !== null) {
      answered += 1;
      days.push(appeal.days_to_first_answer);
    }
  }

  return {
    file,
    format,
    region,
    read: result.counts.read,
    accepted: result.counts.accepted,
    rejected: result.counts.rejected,
    duplicates: result.counts.duplicates,
    reasons: result.reasons,
    districts: Object.fromEntries(Object.entries(districts).sort(([, a], [, b]) => b - a)),
    districtRules: result.districtRules,
    pointsOutsideDistrict: result.pointsOutsideDistrict,
    districtsInferred: result.districtsInferred,
    duplicateKeys: result.warnings.duplicate_key ?? 0,
    warnings: result.warnings,
    period: result.period ? { from: new Date(result.period.from).toISOString(), to: new Date(result.period.to).toISOString() } : null,
    asOf: result.asOf === null ? null : new Date(result.asOf).toISOString(),
    metrics: { answered, medianDaysToFirstAnswer: median(days), overdue },
    examples: result.rejects.slice(0, 20).map(({ row, record_id, field, value, reason, message }) => ({ row, record_id, field, value, reason, message })),
  };
}

/** Returns the median, averaging the two middle values of an even count, as DuckDB's median does. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
