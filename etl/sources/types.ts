// The contract between a source adapter and the pipeline: an adapter parses one format into appeal
// drafts (canonical fields before district assignment and privacy) and per-row rejects.

import type { Appeal, AppealStatus, EventKind, Reject } from '../schema.ts';
import type { Bounds } from './row-helpers.ts';

/** Fields an adapter reads straight into the published appeal. */
type ReadFields =
  | 'appeal_id'
  | 'created_at'
  | 'first_answer_at'
  | 'final_answer_at'
  | 'closed_at'
  | 'deadline_at'
  | 'status'
  | 'status_original'
  | 'category'
  | 'rubric'
  | 'object_type'
  | 'agency'
  | 'repeat_messages';

/** Canonical appeal fields as read, before district assignment, privacy and derived metrics. */
export interface AppealDraft extends Pick<Appeal, ReadFields> {
  /** District code as the source writes it (a portal id, OKTMO…), resolved through the region. */
  district_code: string | null;
  district_name: string | null;
  municipality_name: string | null;
  /** Exact coordinates as read; privacy coarsens them before anything is written. */
  latitude: number | null;
  longitude: number | null;
  /** Time of the latest event of any kind: the default as-of time is the maximum over a source. */
  last_event_at: number;
  events: EventDraft[];
}

export interface EventDraft {
  at: number;
  kind: EventKind;
  status: AppealStatus | null;
  status_original: string | null;
}

/** A reject as an adapter reports it; the pipeline adds the source id. */
export type RowReject = Omit<Reject, 'source'>;

export interface ParsedAppeal {
  readonly kind: 'appeal';
  readonly row: number;
  readonly draft: AppealDraft;
  /** Keys outside the format's standard (vendor extensions); filtered for personal data before publishing. */
  readonly extras?: Readonly<Record<string, unknown>> | null;
  /** The district was inferred from another field (an agency's name), not written by the source. */
  readonly district_inferred?: boolean;
  /** created_at is a fallback declared by the mapping, not a value from the row. */
  readonly created_at_fallback?: boolean;
  /** Fingerprint of the record's content (etl/lib/fingerprint.ts), to tell a repeated id's copy from other content. */
  readonly content?: number;
  /** Fingerprint of each mapped column of a table row, to name the first column in which a repeat differs. */
  readonly columnContents?: ArrayLike<number>;
}

export type ParsedRow = ParsedAppeal | { readonly kind: 'reject'; readonly reject: RowReject };

/** A problem in an accepted record (a duplicated JSON key, an unknown service code), reported but not rejected. */
export type RowWarning = RowReject;

/**
 * Row and content fingerprint of the first accepted record of each id in one file. An adapter that
 * checks ids adds a record once it passes its checks, and the pipeline removes it again when the
 * record is not accepted after all.
 */
export type FirstRecords = Map<string, { row: number; content?: number; columns?: ArrayLike<number> }>;

export interface AdapterContext {
  /** Time zone of timestamps written without an offset, e.g. "Europe/Moscow". */
  readonly timeZone: string;
  /** File name as shown in messages and rejects. */
  readonly displayName: string;
  /** Receives warnings about accepted records; adapters that find none never call it. */
  readonly warn?: (warning: RowWarning) => void;
  /** The run's clock in epoch milliseconds; a record's time more than a day later is rejected. */
  readonly now?: number;
  /** Bounds of every point when the mapping sets none: the region's area with a margin. */
  readonly bounds?: Bounds | null;
  /** Ids of the file that the pipeline shares with the adapter; an adapter keeps its own without it. */
  readonly firstRecords?: FirstRecords;
}
