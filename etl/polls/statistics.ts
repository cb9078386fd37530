// Uncertainty of a poll share. The Wilson score interval for k of n, with p = k / n,
//   (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n),
// inverts the score test, so it stays inside 0..1 and keeps its width sensible at small counts
// and at shares near 0 or 1, where the plain p ± z·√(p(1 − p)/n) interval does not.
//
// NOTE: the interval covers only the randomness of who happened to take part, as if the
// participants were a random sample. E-poll participants select themselves, and that bias is not
// in the interval.

import type { PollOptionResult } from './schema.ts';

/** Two-sided 95% standard normal quantile, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

/** A share interval as fractions of 1. */
export interface ShareInterval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Returns the Wilson score interval for k of n, or null when n is unknown or zero or k is not a
 * whole number from 0 to n.
 */
export function wilsonInterval(k: number | null, n: number | null, z = Z_95): ShareInterval | null {
  if (k === null || n === null) return null;
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n) return null;

  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}

export const INTERVAL_REASONS = ['shown', 'not_an_option', 'no_votes', 'no_participants', 'votes_over_participants'] as const;
export type IntervalReason = (typeof INTERVAL_REASONS)[number];

type IntervalInput = Pick<PollOptionResult, 'kind' | 'votes' | 'participants'>;

/**
 * Decides whether a result row can carry an interval: only an option row whose votes and whose
 * area's participants are both known, with no more votes than participants. Returns "shown" or
 * the reason for leaving the interval out, as a code the site can explain.
 */
export function intervalDecision(result: IntervalInput): IntervalReason {
  if (result.kind !== 'option') return 'not_an_option';
  if (result.votes === null) return 'no_votes';
  if (result.participants === null || result.participants <= 0) return 'no_participants';
  if (result.votes > result.participants) return 'votes_over_participants';
  return 'shown';
}

export function canShowInterval(result: IntervalInput): boolean {
  return intervalDecision(result) === 'shown';
}
