// Shapes of `aggregates.json` and `manifest.json` in a snapshot: written by the ETL, read by the
// site build. Instants are ISO 8601 strings in UTC; day counts are fractional days.

import type { AppealStatus } from './schema.ts';

export interface LocalizedText {
  readonly ru: string;
  readonly en: string;
}

/** Headline metrics of a set of appeals (a city, a district, an agency). */
export interface AppealMetrics {
  received: number;
  /** Appeals with at least one answer (interim or final). */
  answered: number;
  resolved: number;
  closedWithoutConfirmation: number;
  /** Appeals whose current status is open: moderation, in progress or interim answer. */
  inProgress: number;
  overdue: number;
  /** Median days from creation to the first answer, over answered appeals; null with none. */
  medianDaysToFirstAnswer: number | null;
  /** Shares are 0..1 of `received`; null when nothing was received. */
  overdueShare: number | null;
  resolvedShare: number | null;
  answeredShare: number | null;
  /** Appeals per 1,000 residents; null where the population is unknown. */
  perThousand: number | null;
}

export interface CountRow {
  key: string;
  count: number;
}

export interface WeekRow {
  /** Monday of the week in the region's time zone, "YYYY-MM-DD". */
  week: string;
  count: number;
}

export interface StatusRow {
  status: AppealStatus;
  count: number;
}

export interface AgencyRow {
  agency: string;
  count: number;
  medianDaysToFirstAnswer: number | null;
  overdueShare: number | null;
}

/** Everything the site shows for one area: a district, or the whole region. */
export interface AreaAggregate {
  metrics: AppealMetrics;
  weekly: WeekRow[];
  /** Top rubrics by count, at most 10. */
  rubrics: CountRow[];
  categories: CountRow[];
  /** Agencies by count, at most 15. */
  agencies: AgencyRow[];
  statuses: StatusRow[];
  municipalities: CountRow[];
}

export interface DistrictAggregate extends AreaAggregate {
  district: string;
  /** ASCII slug for URLs, e.g. "admiralteysky". */
  slug: string;
  population: number | null;
}

export interface RegionAggregate {
  id: string;
  name: LocalizedText;
  timeZone: string;
  population: { year: number; source: LocalizedText } | null;
  /** Earliest and latest creation time of the region's appeals. */
  period: { from: string; to: string } | null;
  /** The latest as-of time among the region's sources. */
  asOf: string | null;
  /** Path of the simplified boundaries inside the snapshot folder. */
  boundaries: string;
  city: AreaAggregate;
  districts: DistrictAggregate[];
}

export interface Aggregates {
  snapshot: string;
  regions: RegionAggregate[];
}

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  rows: number | null;
}

export interface ManifestSource {
  id: string;
  format: string;
  region: string;
  title: LocalizedText;
  url: string | null;
  licence: string;
  attribution: LocalizedText;
  /** The data's coverage and gaps, from the configuration; null when it gives none. */
  coverage?: { notice?: LocalizedText; included?: LocalizedText; excluded?: LocalizedText } | null;
  files: { path: string; sha256: string; bytes: number }[];
  asOf: string | null;
  asOfRule: 'configured' | 'latest_event';
  period: { from: string; to: string } | null;
  counts: { read: number; accepted: number; rejected: number; duplicates: number };
  reasons: Record<string, number>;
  districtRules: Record<string, number>;
  /** Accepted appeals by district flag ("none" for no flag). */
  districtFlags: Record<string, number>;
  /** Warnings about accepted records by reason, e.g. duplicate_key. */
  warnings: Record<string, number>;
  /** Duplicates that differ from the kept first record with their id; absent in older snapshots. */
  differingDuplicates?: number;
  /** ok: read in this run; stale: this run failed, rows kept from an earlier snapshot; failed: no data. */
  status: 'ok' | 'stale' | 'failed';
  staleReason: string | null;
  /** As-of time of the kept data while the source is stale. */
  staleSince: string | null;
}

export interface Manifest {
  schemaVersion: string;
  snapshot: string;
  createdAt: string;
  counts: { read: number; accepted: number; rejected: number; duplicates: number };
  sources: ManifestSource[];
  /** Boundary and population files with their licences. */
  references: { path: string; licence: string; attribution: LocalizedText }[];
  /** E-poll datasets published in this snapshot, with their origin and terms. */
  pollDatasets: { id: string; title: LocalizedText; originUrl: string; licence: string; attribution: LocalizedText }[];
  files: ManifestFile[];
}
