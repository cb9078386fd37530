// Sentences that describe a kept snapshot in either language, shared by the archive page and the
// Atom feeds so that both use the same wording.

import type { ArchiveEntry, ArchiveSource } from './archive.ts';
import { fileRows, localizedReason } from './archive.ts';
import type { Formatters } from './format.ts';
import { translate, type Locale } from './i18n.ts';

/** Describes a source's status: updated, stale with the date of the kept data, or failed. */
export function describeSourceStatus(source: ArchiveSource, locale: Locale, formatters: Formatters): string {
  if (source.status === 'failed') return translate(locale, 'archive.status.failed');
  if (source.status === 'stale') {
    // staleSince is the as-of time of the kept data; older manifests may only have asOf.
    const since = source.staleSince ?? source.asOf;
    return since ? translate(locale, 'archive.status.stale', { date: formatters.dateTime(since) }) : translate(locale, 'archive.status.staleUndated');
  }
  return source.asOf ? translate(locale, 'archive.status.ok', { date: formatters.dateTime(source.asOf) }) : translate(locale, 'archive.status.okUndated');
}

/** Returns the reason a source is stale or failed in one language, or null for an ok source. */
export function describeSourceReason(source: ArchiveSource, locale: Locale): string | null {
  return source.staleReason ? translate(locale, 'reason', { reason: localizedReason(source.staleReason, locale) }) : null;
}

/** Describes the creation time, the record counts and the appeal rows of a snapshot. */
export function describeCounts(entry: ArchiveEntry, locale: Locale, formatters: Formatters): string {
  const integer = formatters.integer;
  const appeals = fileRows(entry, 'appeals.parquet');
  const rejects = fileRows(entry, 'rejects.csv');
  return [
    translate(locale, 'archive.createdAt', { date: formatters.dateTime(entry.createdAt) }),
    translate(locale, 'methodology.sourceCounts', {
      read: integer(entry.counts.read),
      accepted: integer(entry.counts.accepted),
      rejected: integer(entry.counts.rejected),
      duplicates: integer(entry.counts.duplicates),
    }),
    appeals === null ? null : translate(locale, 'archive.appealsRows', { count: integer(appeals) }),
    // rejects.csv also lists duplicates and the unreadable rows of poll datasets.
    rejects === null ? null : translate(locale, 'archive.rejectsRows', { count: integer(rejects) }),
  ]
    .filter((sentence) => sentence !== null)
    .join(' ');
}

/** Describes the changes since the previous snapshot, or states that there is no previous one. */
export function describeChanges(entry: ArchiveEntry, locale: Locale, formatters: Formatters): string {
  const { changes } = entry;
  if (!changes) return translate(locale, 'archive.noChanges');
  if (changes.previous === null) return translate(locale, 'archive.noPrevious');
  const integer = formatters.integer;
  return [
    translate(locale, 'archive.changes', {
      previous: changes.previous,
      new: integer(changes.totals.new),
      answered: integer(changes.totals.answered),
      resolved: integer(changes.totals.resolved),
    }),
    translate(locale, 'archive.polls', { opened: integer(changes.polls.opened.length), closed: integer(changes.polls.closed.length) }),
  ].join(' ');
}
