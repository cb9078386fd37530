// One pass over a CSV file's bytes for the bulk reader. It finds the encoding facts that the table
// adapter decides on (byte order mark, first byte that is not UTF-8, any non-ASCII byte) and the
// line breaks that let row numbers be checked. The SHA-256 that the manifest records is computed
// apart (hash.ts), later, when the machine has a core to spare.

import { isAscii, isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';

import type { EncodingScan } from '../sources/text-encoding.ts';
import { Utf8Validator } from '../sources/text-encoding.ts';

const CHUNK_BYTES = 4 * 1024 * 1024;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Maximum number of bytes of a UTF-8 sequence that a chunk cuts off and carries into the next. */
const CARRIED_BYTES = 3;

export interface FileScan extends EncodingScan {
  readonly bytes: number;
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

/**
 * Reads a file once, in chunks of `chunkBytes`. The UTF-8 verdict and offset are those of
 * scanEncoding in etl/sources/text-encoding.ts: node:buffer's isUtf8 checks whole chunks, and only
 * a chunk that fails is walked byte by byte to find the offset. Each chunk is searched once for
 * each kind of line break; a break followed by another is a blank line.
 */
export async function scanFile(path: string, chunkBytes = CHUNK_BYTES): Promise<FileScan> {
  const handle = await open(path, 'r');
  // Room before the chunk for the bytes of a UTF-8 sequence that the previous chunk cut off, so
  // that the validator checks the whole sequence without a copy of the chunk.
  const buffer = Buffer.allocUnsafe(chunkBytes + CARRIED_BYTES);
  const head = Buffer.alloc(3);
  let headLength = 0;
  let carried = 0;
  let offset = 0;
  let invalidAt = -1;
  let hasNonAscii = false;
  const breaks: BreakCounts = { lineFeeds: 0, carriageReturns: 0, crlfs: 0, firstBlank: -1 };
  let lastByte = -1;
  let lastContent = -1;
  let trailingBreaks = 0;

  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carried, chunkBytes, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(carried, carried + bytesRead);
      if (headLength < 3) headLength += chunk.copy(head, headLength, 0, 3 - headLength);
      // A break that ends the previous chunk pairs with the first byte of this one.
      if (lastByte === CARRIAGE_RETURN && chunk[0] === LINE_FEED) breaks.crlfs += 1;
      if (breaks.firstBlank < 0 && isBlankPair(lastByte, chunk[0])) breaks.firstBlank = offset - 1;
      countBreaks(chunk, offset, breaks);
      lastByte = chunk[bytesRead - 1];
      const content = lastNonBreak(chunk);
      if (content >= 0) lastContent = offset + content;
      if (!hasNonAscii && !isAscii(chunk)) hasNonAscii = true;

      if (invalidAt < 0) {
        // Validate up to the last complete sequence; the rest moves to the front of the buffer.
        const region = buffer.subarray(0, carried + bytesRead);
        const cut = completeSequencesEnd(region);
        if (!isUtf8(region.subarray(0, cut))) {
          const at = new Utf8Validator().push(region.subarray(0, cut));
          invalidAt = offset - carried + Math.max(0, at);
        }
        carried = invalidAt < 0 ? region.copy(buffer, 0, cut) : 0;
      }
      offset += bytesRead;
    }
    // Line breaks after the last content byte end no record; count them to leave them out.
    if (lastContent >= 0 && lastContent < offset - 1) {
      const trailing = Buffer.alloc(offset - 1 - lastContent);
      await handle.read(trailing, 0, trailing.length, lastContent + 1);
      const counts: BreakCounts = { lineFeeds: 0, carriageReturns: 0, crlfs: 0, firstBlank: -1 };
      countBreaks(trailing, 0, counts);
      trailingBreaks = counts.lineFeeds + counts.carriageReturns - counts.crlfs;
    }
  } finally {
    await handle.close();
  }
  // A sequence cut off by the end of the file is invalid from its first byte.
  if (invalidAt < 0 && carried > 0) invalidAt = offset - carried;

  const bom = readBom(head.subarray(0, headLength));
  // As scanEncoding does, a UTF-16 file's validity as UTF-8 is not reported.
  const checksUtf8 = bom === null || bom === 'utf-8';
  const { lineFeeds, carriageReturns, crlfs, firstBlank } = breaks;
  return {
    bom,
    invalidUtf8At: checksUtf8 && invalidAt >= 0 ? invalidAt : null,
    hasNonAscii,
    bytes: offset,
    lines: lastContent < 0 ? 0 : lineFeeds + carriageReturns - crlfs - trailingBreaks + 1,
    blankLine: firstBlank >= 0 && firstBlank < lastContent,
  };
}

interface BreakCounts {
  lineFeeds: number;
  carriageReturns: number;
  crlfs: number;
  /** Offset of the first break that another break follows, or -1. */
  firstBlank: number;
}

/**
 * True when `first` then `second` start or end a blank line: LF then CR or LF, or CR then CR. A
 * CRLF followed by a break is found at its LF.
 */
function isBlankPair(first: number, second: number): boolean {
  if (first === LINE_FEED) return second === LINE_FEED || second === CARRIAGE_RETURN;
  return first === CARRIAGE_RETURN && second === CARRIAGE_RETURN;
}

/**
 * Adds the LF, CR and CRLF counts of `bytes`, which start at `offset` in the file, and notes the
 * first blank line. A pair that ends the chunk waits for the next chunk's first byte (scanFile).
 */
function countBreaks(bytes: Buffer, offset: number, counts: BreakCounts): void {
  const last = bytes.length - 1;
  for (let index = bytes.indexOf(LINE_FEED); index >= 0; index = bytes.indexOf(LINE_FEED, index + 1)) {
    counts.lineFeeds += 1;
    if (counts.firstBlank < 0 && index < last && isBlankPair(LINE_FEED, bytes[index + 1])) counts.firstBlank = offset + index;
  }
  for (let index = bytes.indexOf(CARRIAGE_RETURN); index >= 0; index = bytes.indexOf(CARRIAGE_RETURN, index + 1)) {
    counts.carriageReturns += 1;
    if (index === last) continue;
    const next = bytes[index + 1];
    if (next === LINE_FEED) counts.crlfs += 1;
    else if (next === CARRIAGE_RETURN && (counts.firstBlank < 0 || offset + index < counts.firstBlank)) counts.firstBlank = offset + index;
  }
}

/**
 * Returns the end of the last complete UTF-8 sequence: a lead byte within the last three bytes
 * whose sequence runs past the end starts the bytes carried into the next chunk. Invalid bytes are
 * left in place for isUtf8 to reject.
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

/** Returns the index of the last byte that is not CR or LF, or -1. */
function lastNonBreak(bytes: Buffer): number {
  let index = bytes.length - 1;
  while (index >= 0 && (bytes[index] === LINE_FEED || bytes[index] === CARRIAGE_RETURN)) index -= 1;
  return index;
}
