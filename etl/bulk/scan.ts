// One pass over a CSV file's bytes for the bulk reader. It finds the encoding facts that the table
// adapter decides on (byte order mark, first byte that is not UTF-8, any non-ASCII byte), the line
// breaks that let row numbers be checked, and the SHA-256 that the manifest records.

import { isAscii, isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

import type { EncodingScan } from '../sources/text-encoding.ts';
import { Utf8Validator } from '../sources/text-encoding.ts';

const CHUNK_BYTES = 4 * 1024 * 1024;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface FileScan extends EncodingScan {
  readonly bytes: number;
  readonly sha256: string;
  /**
   * Lines up to the last byte that is not CR or LF, with line breaks counted as the CSV parser
   * ends records (CRLF, LF or a lone CR), inside quotes or not; 0 for a file of line breaks only.
   */
  readonly lines: number;
  /**
   * Two line breaks in a row before the last non-blank byte: a blank line, which the CSV parser
   * counts in its record numbers and DuckDB skips, or a blank line inside a quoted value.
   */
  readonly blankLine: boolean;
}

/** Byte pairs and triples where one line break follows another. */
const BLANK_LINES = ['\n\n', '\n\r', '\r\r', '\r\n\r', '\r\n\n'].map((text) => Buffer.from(text, 'latin1'));

/**
 * Reads a file once, in chunks of `chunkBytes`. The UTF-8 verdict and offset are those of
 * scanEncoding in etl/sources/text-encoding.ts: node:buffer's isUtf8 checks whole chunks, and only
 * a chunk that fails is walked byte by byte to find the offset.
 */
export async function scanFile(path: string, chunkBytes = CHUNK_BYTES): Promise<FileScan> {
  const handle = await open(path, 'r');
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let head = Buffer.alloc(0);
  let carry = Buffer.alloc(0);
  let offset = 0;
  let invalidAt = -1;
  let hasNonAscii = false;
  let lineFeeds = 0;
  let carriageReturns = 0;
  let crlfs = 0;
  let lastByte = -1;
  let lastBlankLine = -1;
  let lastContent = -1;
  let lastTwoBytes = Buffer.alloc(0);
  let trailingBreaks = 0;

  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      if (head.length < 3) head = Buffer.concat([head, chunk.subarray(0, 3 - head.length)]);
      lineFeeds += countByte(chunk, LINE_FEED);
      carriageReturns += countByte(chunk, CARRIAGE_RETURN);
      crlfs += countCrlf(chunk) + (lastByte === CARRIAGE_RETURN && chunk[0] === LINE_FEED ? 1 : 0);
      lastByte = chunk[bytesRead - 1];
      // Patterns that straddle two chunks are found in the joined edges of the two.
      const edges = Buffer.concat([lastTwoBytes, chunk.subarray(0, 2)]);
      for (const pattern of BLANK_LINES) {
        const inChunk = chunk.lastIndexOf(pattern);
        if (inChunk >= 0) lastBlankLine = Math.max(lastBlankLine, offset + inChunk);
        const inEdges = edges.lastIndexOf(pattern);
        if (inEdges >= 0) lastBlankLine = Math.max(lastBlankLine, offset - lastTwoBytes.length + inEdges);
      }
      lastTwoBytes = Buffer.from(bytesRead >= 2 ? chunk.subarray(bytesRead - 2) : edges.subarray(Math.max(0, lastTwoBytes.length + bytesRead - 2), lastTwoBytes.length + bytesRead));
      const content = lastNonBreak(chunk);
      if (content >= 0) lastContent = offset + content;
      if (!hasNonAscii && !isAscii(chunk)) hasNonAscii = true;

      if (invalidAt < 0) {
        // Validate up to the last complete sequence; its lastTwoBytes starts the next chunk's check.
        const region = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const regionStart = offset - carry.length;
        const cut = completeSequencesEnd(region);
        if (!isUtf8(region.subarray(0, cut))) {
          const at = new Utf8Validator().push(region.subarray(0, cut));
          invalidAt = regionStart + Math.max(0, at);
        }
        carry = Buffer.from(region.subarray(cut));
      }
      offset += bytesRead;
    }
    // Line breaks after the last content byte end no record; count them to leave them out.
    if (lastContent >= 0 && lastContent < offset - 1) {
      const trailing = Buffer.alloc(offset - 1 - lastContent);
      await handle.read(trailing, 0, trailing.length, lastContent + 1);
      trailingBreaks = countByte(trailing, LINE_FEED) + countByte(trailing, CARRIAGE_RETURN) - countCrlf(trailing);
    }
  } finally {
    await handle.close();
  }
  // A sequence cut off by the end of the file is invalid from its first byte.
  if (invalidAt < 0 && carry.length > 0) invalidAt = offset - carry.length;

  const bom = readBom(head);
  // As scanEncoding does, a UTF-16 file's validity as UTF-8 is not reported.
  const checksUtf8 = bom === null || bom === 'utf-8';
  return {
    bom,
    invalidUtf8At: checksUtf8 && invalidAt >= 0 ? invalidAt : null,
    hasNonAscii,
    bytes: offset,
    sha256: hash.digest('hex'),
    lines: lastContent < 0 ? 0 : lineFeeds + carriageReturns - crlfs - trailingBreaks + 1,
    blankLine: lastBlankLine >= 0 && lastBlankLine < lastContent,
  };
}

/**
 * Returns the end of the last complete UTF-8 sequence: a lead byte within the last three bytes
 * whose sequence runs past the end starts the carried lastTwoBytes. Invalid bytes are left in place for
 * isUtf8 to reject.
 */
function completeSequencesEnd(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let index = end - 1; index >= Math.max(0, end - 3); index -= 1) {
    const byte = bytes[index];
    if (byte < 0x80) return end;
    if (byte >= 0xc0) {
      let length = 2;
      if (byte >= 0xf0) length = 4;
      else if (byte >= 0xe0) length = 3;
      return index + length > end ? index : end;
    }
  }
  return end;
}

function readBom(head: Uint8Array): FileScan['bom'] {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

function countCrlf(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf('\r\n', 0, 'latin1'); index >= 0; index = bytes.indexOf('\r\n', index + 2, 'latin1')) count += 1;
  return count;
}

/** Returns the index of the last byte that is not CR or LF, or -1. */
function lastNonBreak(bytes: Buffer): number {
  let index = bytes.length - 1;
  while (index >= 0 && (bytes[index] === LINE_FEED || bytes[index] === CARRIAGE_RETURN)) index -= 1;
  return index;
}

function countByte(bytes: Buffer, byte: number): number {
  let count = 0;
  for (let index = bytes.indexOf(byte); index >= 0; index = bytes.indexOf(byte, index + 1)) count += 1;
  return count;
}
