// Build-time reader of the shown snapshot's `changes.json`: appeals that are new, newly answered
// and newly resolved since the previous snapshot, per region, district and agency, and the polls
// opened and closed. Runs in Node during `astro build` only.

import fs from 'node:fs';
import path from 'node:path';
import type { ChangeCounts, ChangeRow, Changes } from '../../../etl/changes.ts';
import { resolveSnapshotsDir } from '../../integrations/snapshots-dir.mjs';
import type { Snapshot } from './snapshot.ts';

export type { ChangeCounts, ChangeRow, Changes };

export const NO_CHANGES: ChangeCounts = { new: 0, answered: 0, resolved: 0 };

/** Per-snapshot memo: `undefined` means not read yet, `null` means the snapshot has no file. */
const cached = new Map<string, Changes | null>();

/** Reads `changes.json` of a snapshot, or returns null when the snapshot has none. */
export function loadChanges(snapshot: Snapshot): Changes | null {
  if (cached.has(snapshot.id)) return cached.get(snapshot.id)!;
  const filePath = path.join(resolveSnapshotsDir(), snapshot.id, 'changes.json');
  let changes: Changes | null = null;
  if (fs.existsSync(filePath)) {
    try {
      changes = JSON.parse(fs.readFileSync(filePath, 'utf8')) as Changes;
    } catch (error) {
      throw new Error(`changes.json of snapshot ${snapshot.id} is not valid JSON: ${filePath}: ${(error as Error).message}`);
    }
  }
  cached.set(snapshot.id, changes);
  return changes;
}

/** Returns the change totals of one region; zeros when the region had no appeals to compare. */
export function regionChanges(changes: Changes, regionId: string) {
  const region = changes.regions.find((candidate) => candidate.region === regionId);
  return { totals: region?.totals ?? NO_CHANGES, agencies: region?.agencies ?? [], districts: region?.districts ?? [] };
}

/** Returns a district's change counts, matched by its name as in the aggregates; zeros when absent. */
export function districtChanges(changes: Changes, regionId: string, district: string): ChangeCounts {
  const row = regionChanges(changes, regionId).districts.find((candidate) => candidate.key === district);
  return row ? { new: row.new, answered: row.answered, resolved: row.resolved } : NO_CHANGES;
}

/** Reads poll titles from the snapshot's `polls.json`, keyed by poll id; empty without the file. */
export function loadPollTitles(snapshot: Snapshot): Map<string, string> {
  const filePath = path.join(resolveSnapshotsDir(), snapshot.id, 'polls.json');
  if (!fs.existsSync(filePath)) return new Map();
  const { polls } = JSON.parse(fs.readFileSync(filePath, 'utf8')) as { polls: { id: string; title: string }[] };
  return new Map(polls.map((poll) => [poll.id, poll.title]));
}
