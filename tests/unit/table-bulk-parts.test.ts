// Parts of the bulk table reader checked against the code they stand in for. The file scan is
// checked against scanEncoding, the worker's hash against node:crypto, the point index against
// districtAtPoint, whole-day zone offsets against localToInstant, and the windows-1251 conversion
// against TextDecoder.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { mulberry32 } from '../../bench/random.ts';
import { hashFileInWorker } from '../../etl/bulk/hash.ts';
import { PointIndex } from '../../etl/point-index.ts';
import { scanFile } from '../../etl/bulk/scan.ts';
import { transcodeWindows1251 } from '../../etl/bulk/transcode.ts';
import { classifyDays } from '../../etl/bulk/zone.ts';
import { loadConfig } from '../../etl/config.ts';
import { districtAtPoint, loadRegion, type Region } from '../../etl/districts.ts';
import { polygonsOf } from '../../etl/geo.ts';
import { localToInstant } from '../../etl/lib/time.ts';
import { scanEncoding } from '../../etl/sources/text-encoding.ts';
import { CONFIG_PATH, ROOT } from '../helpers/fixtures.ts';

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'open-district-bulk-parts-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const utf8 = (text: string) => Buffer.from(text, 'utf8');

const SAMPLES: Record<string, Buffer> = {
  'UTF-8 with Cyrillic, CRLF': utf8('Номер;Район\r\n1;Невский район\r\n2;«Приморский»\r\n'),
  'byte order mark, LF, no final break': utf8('\uFEFFa;b\n1;2\n3;4'),
  'lone CR breaks': utf8('a;b\r1;2\r3;4\r'),
  'blank line among records': utf8('a;b\r\n1;2\r\n\r\n3;4\r\n'),
  'trailing blank lines only': utf8('a;b\n1;2\n\n\n'),
  'blank lines among records and at the end': utf8('a;b\n\n1;2\r\n\r\n3;4\r\r5;6\n\n'),
  'CRLF then a blank line': utf8('a;b\r\n\r1;2\r\n'),
  'break pair inside a value': utf8('a;b\n1;"x\n\ny"\n'),
  'windows-1251 bytes': Buffer.from([0xcd, 0xee, 0xec, 0xe5, 0xf0, 0x3b, 0x31, 0x0d, 0x0a]),
  'cut-off sequence at the end': Buffer.concat([utf8('a;б\n'), Buffer.from([0xd0])]),
  'overlong form': Buffer.concat([utf8('ab'), Buffer.from([0xe0, 0x80, 0x80]), utf8('cd')]),
  'surrogate': Buffer.concat([utf8('абв'), Buffer.from([0xed, 0xa0, 0x80])]),
  'invalid lead byte late': Buffer.concat([utf8('я'.repeat(40)), Buffer.from([0xff]), utf8('я')]),
  'UTF-16 byte order mark': Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x0a, 0x00]),
  'empty file': Buffer.alloc(0),
};

/** Lines up to the last non-break byte, and whether two breaks follow each other before it. */
function expectedLines(bytes: Buffer): { lines: number; blankLine: boolean } {
  const content = bytes.toString('latin1').replace(/[\r\n]+$/, '');
  if (content === '') return { lines: 0, blankLine: false };
  let breaks = 0;
  let blankLine = false;
  for (let position = 0; position < content.length; position += 1) {
    if (content[position] !== '\r' && content[position] !== '\n') continue;
    if (content.startsWith('\r\n', position)) position += 1;
    breaks += 1;
    if (content[position + 1] === '\r' || content[position + 1] === '\n') blankLine = true;
  }
  return { lines: breaks + 1, blankLine };
}

describe('bulk file scan', () => {
  for (const [name, bytes] of Object.entries(SAMPLES)) {
    test(`agrees with scanEncoding: ${name}`, async () => {
      const path = join(scratch, 'scan.csv');
      writeFileSync(path, bytes);
      const expected = await scanEncoding((async function* () {
        yield bytes;
      })());
      for (const chunkBytes of [1, 2, 3, 5, 64, 4 * 1024 * 1024]) {
        const scan = await scanFile(path, chunkBytes);
        expect({ chunkBytes, bom: scan.bom, invalidUtf8At: scan.invalidUtf8At, hasNonAscii: scan.hasNonAscii }).toEqual({ chunkBytes, ...expected });
      }
    });

    test(`counts lines: ${name}`, async () => {
      const path = join(scratch, 'lines.csv');
      writeFileSync(path, bytes);
      for (const chunkBytes of [1, 2, 3, 64]) {
        const scan = await scanFile(path, chunkBytes);
        expect({ chunkBytes, lines: scan.lines, blankLine: scan.blankLine }).toEqual({ chunkBytes, ...expectedLines(bytes) });
      }
    });

    test(`hashes in a worker: ${name}`, async () => {
      const path = join(scratch, 'hash.csv');
      writeFileSync(path, bytes);
      expect(await hashFileInWorker(path)).toBe(createHash('sha256').update(bytes).digest('hex'));
    });
  }
});

describe('bulk point index', () => {
  const config = loadConfig(CONFIG_PATH, ROOT);

  for (const regionConfig of config.regions.slice(0, 2)) {
    test(`agrees with districtAtPoint in ${regionConfig.id}`, () => {
      const region: Region = loadRegion(regionConfig);
      const index = new PointIndex(region);
      const random = mulberry32(7);
      const box = region.districts.reduce(
        (all, { box }) => ({ west: Math.min(all.west, box.west), east: Math.max(all.east, box.east), south: Math.min(all.south, box.south), north: Math.max(all.north, box.north) }),
        { west: Infinity, east: -Infinity, south: Infinity, north: -Infinity },
      );
      const points: [number, number][] = [];
      for (const district of region.districts.slice(0, 4)) {
        for (const polygon of polygonsOf(district.geometry)) {
          // Vertices and points level with them meet the edge cases of the crossing test.
          for (const [longitude, latitude] of polygon[0].filter((_, position) => position % 5 === 0)) {
            points.push([longitude, latitude], [box.west + random() * (box.east - box.west), latitude]);
          }
        }
      }
      for (let count = 0; count < 5000; count += 1) points.push([box.west + random() * (box.east - box.west), box.south + random() * (box.north - box.south)]);

      const mismatches = points.filter(([longitude, latitude]) => {
        const expected = districtAtPoint(region, longitude, latitude);
        const found = index.districtIndexAt(longitude, latitude);
        return (found < 0 ? null : region.districts[found]) !== expected;
      });
      expect(mismatches).toEqual([]);
    });
  }
});

describe('bulk zone offsets', () => {
  const DAY_MS = 86_400_000;
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

  test('gives Moscow one offset', () => {
    const days = Array.from({ length: 200 }, (_, index) => day('2020-10-01') + index);
    const { stable, unstable } = classifyDays(days, 'Europe/Moscow');
    expect([unstable, new Set(stable.values())]).toEqual([[], new Set([3 * 3_600_000])]);
  });

  test('leaves New York days near a change to localToInstant', () => {
    const { unstable } = classifyDays([day('2022-03-10'), day('2022-03-12'), day('2022-03-13'), day('2022-03-14'), day('2022-03-16'), day('2022-11-06')], 'America/New_York');
    expect(unstable).toEqual([day('2022-03-12'), day('2022-03-13'), day('2022-03-14'), day('2022-11-06')]);
  });

  test('converts stable days as localToInstant does', () => {
    const days = Array.from({ length: 400 }, (_, index) => day('2021-12-01') + index);
    const { stable } = classifyDays(days, 'America/New_York');
    const wrong: string[] = [];
    for (const [epochDay, offset] of stable) {
      for (let hour = 0; hour < 24; hour += 5) {
        const date = new Date(epochDay * DAY_MS + hour * 3_600_000 + 1_234_000);
        const fields = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
        if (date.getTime() - offset !== localToInstant(fields, 'America/New_York')) wrong.push(date.toISOString());
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('bulk windows-1251 conversion', () => {
  test('gives what TextDecoder gives for every byte', async () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, index) => index % 256);
    const source = join(scratch, 'all-bytes.csv');
    const target = join(scratch, 'all-bytes-utf8.csv');
    writeFileSync(source, bytes);
    await transcodeWindows1251(source, target);
    expect(readFileSync(target).toString('utf8')).toBe(new TextDecoder('windows-1251').decode(bytes));
  });
});
