// Rows of the methodology page's table of a source's rejects, duplicates and warnings, from the
// counts in the snapshot's manifest.

import type { ManifestSource } from '../../../etl/aggregates-types.ts';

/** Outcome of the records of one reason: rejected, dropped as duplicates, or accepted with a warning. */
export type ReasonOutcome = 'rejected' | 'duplicate' | 'warning';

export interface ReasonRow {
  readonly reason: string;
  readonly outcome: ReasonOutcome;
  readonly count: number;
  /** Number of duplicates that differ from the kept first record with their id (duplicate row only). */
  readonly differing?: number;
}

/** The reason code of duplicates in rejects.csv (etl/reasons.ts), which the manifest counts apart. */
const DUPLICATE_REASON = 'duplicate_id';

/**
 * Lists a source's reasons: rejects, then duplicates, then warnings, each group with the most
 * frequent reason first and ties by code.
 */
export function sourceReasonRows(source: Pick<ManifestSource, 'reasons' | 'counts' | 'warnings' | 'differingDuplicates'>): ReasonRow[] {
  const group = (counts: Record<string, number> | undefined, outcome: ReasonOutcome): ReasonRow[] =>
    Object.entries(counts ?? {})
      .filter(([, count]) => count > 0)
      .sort(([reasonA, countA], [reasonB, countB]) => countB - countA || reasonA.localeCompare(reasonB))
      .map(([reason, count]) => ({ reason, outcome, count }));

  const duplicates = group({ [DUPLICATE_REASON]: source.counts.duplicates }, 'duplicate').map((row) => ({ ...row, differing: source.differingDuplicates ?? 0 }));
  return [...group(source.reasons, 'rejected'), ...duplicates, ...group(source.warnings, 'warning')];
}
