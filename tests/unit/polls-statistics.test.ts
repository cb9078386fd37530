import { describe, expect, it } from 'vitest';

import { canShowInterval, intervalDecision, wilsonInterval } from '../../etl/polls/statistics.ts';

// Reference values by hand, z = 1.96 (z² = 3.8416):
// - k = 5, n = 10: p = 0.5, centre = 0.5, half-width = (1.96 / 1.38416) · √(0.025 + 3.8416 / 400)
//   = 1.41602 · 0.18602 = 0.26341, so 0.23659–0.76341.
// - k = 0, n = 10: lower 0, upper = z² / (n + z²) = 3.8416 / 13.8416 = 0.27754.
// - k = n = 10: lower = n / (n + z²) = 10 / 13.8416 = 0.72246, upper 1.
// - k = 52576, n = 102848 (Lubyanka snapshot): 0.50815–0.51426, checked with Python.
const CASES: Array<[number, number, number, number]> = [
  [5, 10, 0.23659, 0.76341],
  [0, 10, 0, 0.27753],
  [10, 10, 0.72247, 1],
  [52576, 102848, 0.50815, 0.51426],
  [81, 263, 0.25529, 0.36621],
];

describe('wilson interval', () => {
  it.each(CASES)('%i of %i: lower bound', (k, n, lower) => {
    expect(wilsonInterval(k, n)!.lower).toBeCloseTo(lower, 4);
  });

  it.each(CASES)('%i of %i: upper bound', (k, n, _lower, upper) => {
    expect(wilsonInterval(k, n)!.upper).toBeCloseTo(upper, 4);
  });

  it('is null when n is unknown', () => {
    expect(wilsonInterval(5, null)).toBeNull();
  });

  it('is null when n is zero', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('is null when k exceeds n', () => {
    expect(wilsonInterval(11, 10)).toBeNull();
  });

  it('is null for fractional votes', () => {
    expect(wilsonInterval(2.5, 10)).toBeNull();
  });

  it('stays within 0 and 1', () => {
    const interval = wilsonInterval(1, 1)!;
    expect(interval.upper).toBeLessThanOrEqual(1);
  });
});

describe('interval decision', () => {
  const option = { kind: 'option' as const, votes: 40, participants: 100 };

  it('shows votes with participants', () => {
    expect(canShowInterval(option)).toBe(true);
  });

  it('hides shares without votes', () => {
    expect(intervalDecision({ ...option, votes: null })).toBe('no_votes');
  });

  it('hides votes without participants', () => {
    expect(intervalDecision({ ...option, participants: null })).toBe('no_participants');
  });

  it('hides participation rows', () => {
    expect(intervalDecision({ ...option, kind: 'participation' })).toBe('not_an_option');
  });

  it('hides votes over participants', () => {
    expect(intervalDecision({ ...option, votes: 101 })).toBe('votes_over_participants');
  });
});
