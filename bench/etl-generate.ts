// Seeded generator of SYNTHETIC appeals for the ETL benchmark, shaped like a spreadsheet export of
// «Наш Санкт-Петербург» in the columns of etl/mappings/spb-portal-export.json. Every row copies
// the category, rubric, agency, district, status and answer delays of one real record of
// data/spb_nash_peterburg/appeals_ids_2947909-2968137.jsonl, chosen at random, so the joint
// distribution of those fields follows the real slice. Ids, creation times and points are new:
// creation times are uniform over October 2020 to April 2021 (Moscow time), and each point is the
// real record's point moved by up to ±0.005° and rounded to 3 decimals, as the converted test
// fixture rounds them. The output is for benchmarks only and never goes into data/ or a snapshot.

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from './random.ts';

export const HEADER = ['Номер', 'Дата создания', 'Дата первого ответа', 'Дата закрытия', 'Статус', 'Категория', 'Рубрика', 'Исполнитель', 'Район', 'Широта', 'Долгота'];

const REAL_SLICE = join(import.meta.dirname, '..', 'data/spb_nash_peterburg/appeals_ids_2947909-2968137.jsonl');

/** Moscow has been UTC+3 all year since 26 October 2014, so wall-clock times need no zone data. */
const MOSCOW_OFFSET_MS = 3 * 3_600_000;
const PERIOD_START = Date.UTC(2020, 9, 1) - MOSCOW_OFFSET_MS;
const PERIOD_END = Date.UTC(2021, 4, 1) - MOSCOW_OFFSET_MS;
const FIRST_ID = 3_000_000;
const POINT_JITTER_DEGREES = 0.005;

export interface GenerateOptions {
  readonly rows: number;
  readonly seed: number;
  readonly encoding: 'utf-8' | 'windows-1251';
  /**
   * Share of rows made faulty on purpose (a repeated id, an unknown status, an impossible date, a
   * blank district), so that the reject and duplicate paths run at scale. 0 writes clean rows only.
   */
  readonly faultShare: number;
}

/** A real record reduced to what the generator copies. */
interface Template {
  readonly status: string;
  readonly category: string;
  readonly rubric: string;
  readonly agency: string;
  readonly district: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Milliseconds from the first message to the first answer, or null without an answer. */
  readonly answerDelay: number | null;
  /** Milliseconds from the first message to closing, or null while open. */
  readonly closeDelay: number | null;
}

/** Reads the real slice into templates, taking fields the way the converted test fixture does. */
export function readTemplates(path = REAL_SLICE): Template[] {
  const templates: Template[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    const feed = [...record.feed].sort((a, b) => String(a.payload.dt).localeCompare(String(b.payload.dt)));
    const petition = feed.find((entry) => String(entry.widget).startsWith('public.petition'));
    const answer = feed.find((entry) => entry.widget === 'public.answer');
    const status = feed.filter((entry) => entry.widget === 'public.status').at(-1);
    if (!petition || !status) continue;

    const data = record.sidebar.responsible?.data ?? {};
    const created = Date.parse(petition.payload.dt);
    const closed = String(status.payload.status_name).startsWith('Завершено');
    templates.push({
      status: status.payload.status_name,
      category: record.reason.category.name,
      rubric: record.reason.name,
      agency: data.executor?.organization_name ?? data.coordinator?.organization_name ?? '',
      district: `${record.district_name} район`,
      latitude: Number(record.sidebar.latitude),
      longitude: Number(record.sidebar.longitude),
      answerDelay: answer ? Math.max(0, Date.parse(answer.payload.dt) - created) : null,
      closeDelay: closed ? Math.max(0, Date.parse(status.payload.dt) - created) : null,
    });
  }
  return templates;
}

/** Writes `options.rows` synthetic rows with a header to `path`; returns the bytes written. */
export function generateCsv(path: string, options: GenerateOptions, templates: readonly Template[] = readTemplates()): number {
  const random = mulberry32(options.seed);
  const encode = options.encoding === 'utf-8' ? (text: string) => Buffer.from(text, 'utf8') : encodeWindows1251;
  const file = openSync(path, 'w');
  let bytes = 0;
  const write = (text: string) => {
    const chunk = encode(text);
    writeSync(file, chunk);
    bytes += chunk.length;
  };

  try {
    write(HEADER.join(';') + '\r\n');
    let id = FIRST_ID;
    let lines: string[] = [];
    for (let index = 0; index < options.rows; index += 1) {
      id += 1 + Math.floor(random() * 3);
      const template = templates[Math.floor(random() * templates.length)];
      const cells = syntheticRow(id, template, random);
      if (random() < options.faultShare) addFault(cells, random, id);
      lines.push(cells.map(csvField).join(';'));
      if (lines.length === 10_000) {
        write(lines.join('\r\n') + '\r\n');
        lines = [];
      }
    }
    if (lines.length) write(lines.join('\r\n') + '\r\n');
  } finally {
    closeSync(file);
  }
  return bytes;
}

function syntheticRow(id: number, template: Template, random: () => number): string[] {
  const created = PERIOD_START + Math.floor(random() * (PERIOD_END - PERIOD_START) / 1000) * 1000;
  const stretch = 0.8 + random() * 0.4;
  const answered = template.answerDelay === null ? null : created + Math.round((template.answerDelay * stretch) / 1000) * 1000;
  const closed = template.closeDelay === null ? null : Math.max(created + Math.round((template.closeDelay * stretch) / 1000) * 1000, answered ?? created);
  const latitude = template.latitude + (random() * 2 - 1) * POINT_JITTER_DEGREES;
  const longitude = template.longitude + (random() * 2 - 1) * POINT_JITTER_DEGREES;

  return [
    String(id),
    moscowTime(created),
    answered === null ? '' : moscowTime(answered),
    closed === null ? '' : moscowTime(closed),
    template.status,
    template.category,
    template.rubric,
    template.agency,
    template.district,
    latitude.toFixed(3),
    longitude.toFixed(3),
  ];
}

/** Spoils one cell so that the row is a duplicate or a reject, or is placed by its point. */
function addFault(cells: string[], random: () => number, id: number): void {
  const kind = Math.floor(random() * 4);
  if (kind === 0) cells[0] = String(id - 1 - Math.floor(random() * 50));
  else if (kind === 1) cells[4] = 'Статус, которого нет в словаре';
  else if (kind === 2) cells[1] = '31.02.2021 10:00:00';
  else cells[8] = '';
}

/** Formats an instant as Moscow wall-clock time, dd.mm.yyyy HH:MM:SS. */
export function moscowTime(instant: number): string {
  const date = new Date(instant + MOSCOW_OFFSET_MS);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCDate())}.${two(date.getUTCMonth() + 1)}.${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function csvField(value: string): string {
  return /[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

let windows1251: Map<number, number> | null = null;

/** Encodes text as windows-1251, with the byte table taken from the WHATWG decoder. */
export function encodeWindows1251(text: string): Buffer {
  if (windows1251 === null) {
    windows1251 = new Map();
    const decoder = new TextDecoder('windows-1251');
    for (let byte = 0x80; byte <= 0xff; byte += 1) windows1251.set(decoder.decode(Uint8Array.of(byte)).codePointAt(0)!, byte);
  }
  const bytes = Buffer.allocUnsafe(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const byte = code < 0x80 ? code : windows1251.get(code);
    if (byte === undefined) throw new Error(`no windows-1251 byte for U+${code.toString(16).padStart(4, '0')} in ${JSON.stringify(text.slice(Math.max(0, index - 20), index + 20))}`);
    bytes[index] = byte;
  }
  return bytes;
}
