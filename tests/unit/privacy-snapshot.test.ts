// Scans every published file for every piece of personal data found in the input (152-ФЗ):
// names and account URLs of applicants, officials' names, phones and e-mails, addresses,
// building ids, photo URLs and file names, petition and answer texts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { SPB_SLICE } from '../helpers/fixtures.ts';
import { buildTestSnapshot, listSnapshotFiles, publishedCells } from '../helpers/snapshot.ts';

interface PersonalData {
  strings: Map<string, Set<string>>;
  buildingIds: Set<string>;
  /** The portal's own rubric, category and object names, which some applicants paste as their text. */
  classifierLabels: Set<string>;
}

/** Collects personal data by kind from the raw portal records. */
function collectPersonalData(path: string): PersonalData {
  const strings = new Map<string, Set<string>>();
  const add = (kind: string, value: unknown, minimumLength = 3) => {
    if (typeof value !== 'string') return;
    const text = value.trim();
    if (text.length < minimumLength) return;
    if (!strings.has(kind)) strings.set(kind, new Set());
    strings.get(kind)!.add(text);
  };
  const buildingIds = new Set<string>();
  const classifierLabels = new Set<string>();
  const addPerson = (person: Record<string, unknown> | undefined) => {
    if (!person) return;
    add('official name', person.person_name);
    add('phone', person.person_phone);
    add('e-mail', person.person_email);
  };

  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    const sidebar = record.sidebar;
    for (const label of [record.reason?.name, record.reason?.category?.name, record.reason?.category?.city_object?.name]) {
      if (typeof label === 'string') classifierLabels.add(label.replace(/\s+/g, ' '));
    }
    add('applicant name', sidebar.author_name);
    add('account URL', sidebar.author_url);
    add('address', sidebar.full_address);
    add('address', sidebar.nearest_building?.full_address);
    if (sidebar.building) buildingIds.add(String(sidebar.building));
    if (sidebar.nearest_building?.id) buildingIds.add(String(sidebar.nearest_building.id));
    for (const person of Object.values(sidebar.responsible?.data ?? {})) addPerson(person as Record<string, unknown>);
    for (const entry of sidebar.responsible_history ?? []) {
      for (const person of Object.values(entry?.data ?? entry ?? {})) {
        if (person && typeof person === 'object') addPerson(person as Record<string, unknown>);
      }
    }
    for (const event of record.feed) {
      const payload = event.payload ?? {};
      if (event.widget.startsWith('public.petition')) {
        add('applicant name', payload.author_name);
        for (const segment of payload.body ?? []) if (segment.typeof === 1) add('petition text', segment.text, 20);
      }
      if (event.widget === 'public.answer') {
        add('answer text', payload.body, 20);
        add('answer text', payload.body_html, 20);
      }
      for (const photo of payload.photos ?? []) {
        add('photo URL', photo.url);
        add('photo file name', photo.original_name, 6);
      }
    }
  }
  return { strings, buildingIds, classifierLabels };
}

let cells: string[];
/** Cells of the files built from appeals; poll files come from sources without building ids. */
let appealCells: string[];
let files: string[];
let personal: PersonalData;
let cleanup: () => void;

beforeAll(async () => {
  const built = await buildTestSnapshot([SPB_SLICE]);
  cleanup = built.config.cleanup;
  files = listSnapshotFiles(built.snapshot.directory);
  cells = [];
  appealCells = [];
  for (const file of files) {
    const fileCells = await publishedCells(join(built.snapshot.directory, file));
    cells.push(...fileCells);
    if (!file.startsWith('poll')) appealCells.push(...fileCells);
  }
  personal = collectPersonalData(SPB_SLICE);
}, 120_000);

afterAll(() => cleanup());

describe('published snapshot holds no personal data', () => {
  test('reads every published file', () => {
    expect(files.sort()).toEqual(['aggregates.json', 'appeals.parquet', 'boundaries/spb.geojson', 'changes.json', 'explorer_facts.parquet', 'facet_values.json', 'manifest.json', 'poll_okrugs.geojson', 'poll_results.parquet', 'polls.json', 'polls.parquet', 'rejects.csv', 'status_events.parquet']);
  });

  test('the input holds every kind of personal data', () => {
    expect([...personal.strings.keys()].sort()).toEqual(['account URL', 'address', 'answer text', 'applicant name', 'e-mail', 'official name', 'petition text', 'phone', 'photo URL', 'photo file name'].sort());
  });

  let distinct: string[] = [];
  beforeAll(() => {
    distinct = [...new Set(cells)].filter((cell) => cell.length >= 3);
  });

  for (const kind of ['applicant name', 'account URL', 'official name', 'phone', 'e-mail', 'address', 'petition text', 'answer text', 'photo URL', 'photo file name']) {
    test(`no ${kind} in any file`, () => {
      const labels = [...personal.classifierLabels];
      const values = [...(personal.strings.get(kind) ?? [])].filter((value) => !labels.some((label) => label.includes(value)));
      const found = values.filter((value) => distinct.some((cell) => cell.includes(value)));
      expect(found).toEqual([]);
    });
  }

  // Ids below 10,000 would collide with ordinary counts in the aggregates, so only longer ones are
  // looked for; no published column is built from a building id.
  test('no building id as a value', () => {
    const found = appealCells.filter((cell) => cell.length >= 5 && personal.buildingIds.has(cell));
    expect(found).toEqual([]);
  });
});
