// The methodology page's rows of rejects, duplicates and warnings, on a source read from an edited
// copy of the export converted from real portal records, and the explanations of their reasons.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { loadRegion } from '../../etl/districts.ts';
import { createMemoryLogger } from '../../etl/lib/log.ts';
import { runSource, type SourceResult } from '../../etl/pipeline.ts';
import { reasonLabel } from '../../site/src/lib/i18n.ts';
import { sourceReasonRows } from '../../site/src/lib/source-reasons.ts';
import { ROOT, testConfig } from '../helpers/fixtures.ts';

const folder = mkdtempSync(join(tmpdir(), 'open-district-reasons-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * Writes the export's first 20 records with an impossible creation day (row 3 and row 4), an
 * unknown status (row 5) and an open status beside a closing time (row 6). The second record is
 * written again as it is (row 22), and the seventh with another status (row 23).
 */
function editedExport(): string {
  const lines = new TextDecoder('windows-1251').decode(readFileSync(join(ROOT, 'tests/fixtures/table/spb-portal-converted-cp1251-semicolon.csv'))).split('\r\n').slice(0, 21);
  const edit = (index: number, column: number, value: string) => {
    const cells = lines[index].split(';');
    cells[column] = value;
    lines[index] = cells.join(';');
  };
  edit(2, 1, '31.02.2021 10:00:00');
  edit(3, 1, '30.02.2021 10:00:00');
  edit(4, 4, 'Неизвестный статус');
  edit(5, 4, 'Рассмотрение');
  const changed = lines[7].split(';');
  changed[4] = 'Рассмотрение';
  const path = join(folder, 'edited-export.csv');
  writeFileSync(path, [...lines, lines[1], changed.join(';')].join('\r\n') + '\r\n');
  return path;
}

describe('sourceReasonRows', () => {
  let result: SourceResult;

  beforeAll(async () => {
    const config = testConfig();
    const source = { ...config.sources[0], id: 'edited-export', format: 'table' as const, files: [editedExport()], mapping: join(ROOT, 'etl/mappings/spb-portal-export.json') };
    result = await runSource(config, source, loadRegion(config.regions[0]), createMemoryLogger());
    config.cleanup();
  });

  test('lists rejects, then duplicates, then warnings', () => {
    expect(sourceReasonRows(result).map((row) => row.outcome)).toEqual(['rejected', 'rejected', 'duplicate', 'warning']);
  });

  test('puts the most frequent reject first', () => {
    expect(sourceReasonRows(result).map((row) => [row.reason, row.count])).toEqual([
      ['impossible_date', 2],
      ['unknown_status', 1],
      ['duplicate_id', 2],
      ['closed_at_ignored', 1],
    ]);
  });

  test('counts the duplicates that differ', () => {
    expect(sourceReasonRows(result).find((row) => row.outcome === 'duplicate')?.differing).toBe(1);
  });

  test('lists nothing for a clean source', () => {
    expect(sourceReasonRows({ counts: { read: 3, accepted: 3, rejected: 0, duplicates: 0 }, reasons: {}, warnings: {} })).toEqual([]);
  });
});

describe('reasonLabel', () => {
  test('explains a reason in Russian', () => {
    expect(reasonLabel('ru', 'closed_at_ignored')).toBe('время закрытия у записи, чей статус не закрывающий; оно не используется');
  });

  test('explains a reason in English', () => {
    expect(reasonLabel('en', 'impossible_date')).toBe('no such day or time exists (31 February, say)');
  });

  test('shows an unknown code as it is', () => {
    expect(reasonLabel('en', 'some_new_reason')).toBe('some_new_reason');
  });
});
