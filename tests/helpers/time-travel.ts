// Rebuilds real portal records as they stood at an earlier moment: records first posted after the
// cutoff are left out and feed events after it are removed. This gives two honest states of the
// same real data for tests of "what changed", without inventing any record.

import { readFileSync, writeFileSync } from 'node:fs';

const RESOLVED = ['Завершено: Пользователь удовлетворен решением проблемы', 'Завершено: Народный контролер подтвердил решение проблемы'];

interface FeedEntry {
  widget: string;
  payload: { dt: string; status_name?: string };
}

interface PortalRecord {
  id: number;
  feed: FeedEntry[];
}

/** Local Moscow times compare correctly as ISO strings, so the cutoff is a local ISO string too. */
export function recordsAt(records: PortalRecord[], cutoff: string): PortalRecord[] {
  return records
    .map((record) => ({ ...record, feed: record.feed.filter((entry) => entry.payload.dt < cutoff) }))
    .filter((record) => record.feed.some((entry) => entry.widget.startsWith('public.petition')));
}

export function readRecords(path: string): PortalRecord[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

export function writeRecords(path: string, records: PortalRecord[]): void {
  writeFileSync(path, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
}

function isAnswered(record: PortalRecord): boolean {
  return record.feed.some((entry) => entry.widget === 'public.answer');
}

function isResolved(record: PortalRecord): boolean {
  const statuses = record.feed.filter((entry) => entry.widget === 'public.status').sort((a, b) => a.payload.dt.localeCompare(b.payload.dt));
  return RESOLVED.includes(statuses.at(-1)?.payload.status_name ?? '');
}

/** Counts new, newly answered and newly resolved records between two states, by plain comparison. */
export function expectedChanges(before: PortalRecord[], after: PortalRecord[]) {
  const earlier = new Map(before.map((record) => [record.id, record]));
  let created = 0;
  let answered = 0;
  let resolved = 0;
  for (const record of after) {
    const previous = earlier.get(record.id);
    if (!previous) created += 1;
    if (isAnswered(record) && !(previous && isAnswered(previous))) answered += 1;
    if (isResolved(record) && !(previous && isResolved(previous))) resolved += 1;
  }
  return { new: created, answered, resolved };
}
