// An administrator's own export in the transcribed-polls format, named in the configuration, is
// published beside the shipped datasets.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createMemoryLogger } from '../../etl/lib/log.ts';
import { buildPolls } from '../../etl/polls/write.ts';
import { MESSAGE_SEPARATOR } from '../../etl/reasons.ts';
import { ROOT } from '../helpers/fixtures.ts';

const IMPORT = join(ROOT, 'tests/fixtures/polls/explicit-columns.csv');
const outDir = mkdtempSync(join(tmpdir(), 'open-district-poll-imports-'));
let summary: { datasets: { id: string }[]; polls: { id: string; dataset: string }[]; rejects: { dataset: string; reason: string; message: string }[] };
const logger = createMemoryLogger();

/** An import of the fixture under a dataset id. */
function adminImport(id: string) {
  return {
    id,
    file: IMPORT,
    region: 'moscow',
    cityName: 'Москва',
    title: { ru: 'Выгрузка администратора', en: "An administrator's export" },
    originUrl: 'https://example.org/polls',
    licence: 'CC BY 4.0',
    attribution: { ru: 'По данным администрации', en: 'Data of the administration' },
  };
}

beforeAll(async () => {
  // The second import repeats the first one's poll ids.
  await buildPolls({ dataDir: join(ROOT, 'data'), outDir, logger, imports: [adminImport('admin-export'), adminImport('admin-export-again')] });
  summary = JSON.parse(readFileSync(join(outDir, 'polls.json'), 'utf8'));
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('poll imports', () => {
  test('lists the imported dataset', () => {
    expect(summary.datasets.map((dataset) => dataset.id)).toContain('admin-export');
  });

  test('publishes its polls', () => {
    expect(summary.polls.filter((poll) => poll.dataset === 'admin-export').length).toBeGreaterThan(0);
  });

  test('keeps the shipped datasets', () => {
    expect(summary.polls.filter((poll) => poll.dataset === 'ag-mos-polls').length).toBe(16);
  });

  test('logs the imported dataset', () => {
    expect(logger.entries.some((entry) => entry.message.en.startsWith('admin-export: polls read'))).toBe(true);
  });

  test('rejects polls whose id is taken', () => {
    expect(summary.polls.filter((poll) => poll.dataset === 'admin-export-again')).toHaveLength(0);
  });

  test('names the taken poll ids', () => {
    expect(summary.rejects.filter((reject) => reject.dataset === 'admin-export-again').map((reject) => reject.reason)).toContain('duplicate_poll_id');
  });

  const takenIdHalves = () => summary.rejects.find((reject) => reject.reason === 'duplicate_poll_id')!.message.split(MESSAGE_SEPARATOR);

  test('taken poll id: Russian half names the dataset', () => {
    expect(takenIdHalves()[0]).toBe('идентификатор опроса уже занят набором данных admin-export; дайте импортируемому опросу другой poll_id');
  });

  test('taken poll id: English half unchanged', () => {
    expect(takenIdHalves().slice(1)).toEqual(['the poll id is already used by the dataset admin-export; give the imported poll another poll_id']);
  });
});
