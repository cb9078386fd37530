// readLines on real portal lines: line endings of every kind, chunk edges, gzip and a BOM.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, describe, expect, test } from 'vitest';

import { CHUNK_BYTES, readLines } from '../../etl/sources/read-lines.ts';
import { SPB_SLICE } from '../helpers/fixtures.ts';

const folder = mkdtempSync(join(tmpdir(), 'open-district-read-lines-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const LINES = readFileSync(SPB_SLICE, 'utf8').split('\n').filter((line) => line !== '');

async function linesOf(name: string, content: string | Buffer): Promise<string[]> {
  const path = join(folder, name);
  writeFileSync(path, content);
  const lines: string[] = [];
  for await (const line of readLines(path, name)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  test('splits at LF, CRLF and a lone CR', async () => {
    expect(await linesOf('mixed.jsonl', `${LINES[0]}\n${LINES[1]}\r\n${LINES[2]}\r${LINES[3]}\n`)).toEqual(LINES.slice(0, 4));
  });

  test('yields a last line without a break', async () => {
    expect(await linesOf('open-end.jsonl', `${LINES[0]}\n${LINES[1]}`)).toEqual(LINES.slice(0, 2));
  });

  test('keeps empty lines between breaks', async () => {
    expect(await linesOf('blank.jsonl', `${LINES[0]}\n\r\n${LINES[1]}\n`)).toEqual([LINES[0], '', LINES[1]]);
  });

  test('reads a CRLF split between chunks as one break', async () => {
    // Real lines up to just under one chunk, spaces up to its last byte, then CR | LF across the edge.
    const head: string[] = [];
    let bytes = 0;
    for (const line of LINES) {
      if (bytes + Buffer.byteLength(line) + 1 > CHUNK_BYTES - 2) break;
      head.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    const padded = head.join('\n') + '\n' + ' '.repeat(CHUNK_BYTES - 1 - bytes);
    const lines = await linesOf('edge.jsonl', `${padded}\r\n${LINES[head.length]}\n`);
    expect(lines.slice(-2)).toEqual([' '.repeat(CHUNK_BYTES - 1 - bytes), LINES[head.length]]);
  });

  test('reads gzip as the plain text', async () => {
    const text = LINES.slice(0, 50).join('\n') + '\n';
    expect(await linesOf('lines.jsonl.gz', gzipSync(text))).toEqual(LINES.slice(0, 50));
  });

  test('drops a UTF-8 byte order mark', async () => {
    expect((await linesOf('bom.jsonl', `\uFEFF${LINES[0]}\n`))[0]).toBe(LINES[0]);
  });

  test('reads every line of the slice', async () => {
    expect(await linesOf('slice.jsonl', readFileSync(SPB_SLICE))).toEqual(readFileSync(SPB_SLICE, 'utf8').split('\n').filter((line, index, all) => index < all.length - 1 || line !== ''));
  });
});
