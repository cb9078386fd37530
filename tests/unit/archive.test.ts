import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { listSnapshotIds } from '../../site/src/lib/archive.ts';

let snapshots: string;

beforeAll(() => {
  snapshots = mkdtempSync(join(tmpdir(), 'open-district-archive-'));
  for (const id of ['2026-12-01', '2026-12-02', '2026-12-02-2']) {
    mkdirSync(join(snapshots, id));
    writeFileSync(join(snapshots, id, 'manifest.json'), '{}');
  }
});

afterEach(() => {
  delete process.env.OPEN_DISTRICT_SNAPSHOT_IDS;
});

afterAll(() => rmSync(snapshots, { recursive: true, force: true }));

describe('archive snapshot list (listSnapshotIds)', () => {
  test('lists every snapshot, newest first', () => {
    expect(listSnapshotIds(snapshots)).toEqual(['2026-12-02-2', '2026-12-02', '2026-12-01']);
  });

  test('lists only the snapshots a publish keeps', () => {
    process.env.OPEN_DISTRICT_SNAPSHOT_IDS = '2026-12-02,2026-12-02-2';
    expect(listSnapshotIds(snapshots)).toEqual(['2026-12-02-2', '2026-12-02']);
  });
});
