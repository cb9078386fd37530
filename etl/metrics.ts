// Derived per-appeal measures: days to the first answer, days open and the overdue flag, all
// counted against the source's as-of time rather than the wall clock, so a 2021 extract does not
// show its open appeals as years overdue.

import { ANSWER_DEADLINE_DAYS } from './schema.ts';
import { daysBetween } from './lib/time.ts';

export interface Durations {
  days_to_first_answer: number | null;
  days_open: number;
  overdue: boolean;
}

interface Timeline {
  created_at: number;
  first_answer_at: number | null;
  closed_at: number | null;
}

/**
 * Measures an appeal at the as-of time. Overdue means no answer within the deadline: the first
 * answer came later than 30 days after creation, or there is none and 30 days have passed by the
 * as-of time. An appeal closed without any answer is measured to its closing.
 */
export function measureAppeal(appeal: Timeline, asOf: number): Durations {
  const end = appeal.closed_at ?? asOf;
  const daysToFirstAnswer = appeal.first_answer_at === null ? null : round(daysBetween(appeal.created_at, appeal.first_answer_at));
  const daysWithoutAnswer = daysToFirstAnswer ?? daysBetween(appeal.created_at, end);

  return {
    days_to_first_answer: daysToFirstAnswer,
    days_open: round(Math.max(0, daysBetween(appeal.created_at, end))),
    overdue: daysWithoutAnswer > ANSWER_DEADLINE_DAYS,
  };
}

/** Rounds days to 1e-6 (about 0.1 s), enough for medians and stable across runs. */
function round(days: number): number {
  return Math.round(days * 1e6) / 1e6;
}
