// Wall-clock → UTC conversion for whole days at once. localToInstant (etl/lib/time.ts) reads the
// zone's offset at two instants within 18 hours of the wall-clock time. When the offset is the same
// over the three days around a local date, every time on that date converts with that one offset,
// which SQL can subtract. Dates near an offset change are left to localToInstant itself.

import { zoneOffset } from '../lib/time.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DayOffsets {
  /** Offset in milliseconds per local date (epoch days) whose times all convert with it. */
  readonly stable: Map<number, number>;
  /** Local dates (epoch days) near an offset change: convert their times one by one. */
  readonly unstable: number[];
}

/**
 * Classifies local dates, given as days since 1970-01-01. The offset is sampled every hour from
 * one day before the date to two days after it. NOTE: an offset change that is undone within the
 * same hour would go unseen.
 */
export function classifyDays(days: Iterable<number>, timeZone: string): DayOffsets {
  const offsetAtHour = new Map<number, number>();
  const offsetAt = (hour: number) => {
    let offset = offsetAtHour.get(hour);
    if (offset === undefined) {
      offset = zoneOffset(hour * HOUR_MS, timeZone);
      offsetAtHour.set(hour, offset);
    }
    return offset;
  };

  const stable = new Map<number, number>();
  const unstable: number[] = [];
  for (const day of days) {
    const firstHour = (day * DAY_MS - DAY_MS) / HOUR_MS;
    const offset = offsetAt(firstHour);
    let same = true;
    for (let hour = firstHour + 1; hour <= firstHour + 72 && same; hour += 1) same = offsetAt(hour) === offset;
    if (same) stable.set(day, offset);
    else unstable.push(day);
  }
  return { stable, unstable };
}
