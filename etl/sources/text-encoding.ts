// Detection of a text file's encoding for spreadsheet exports: a byte order mark decides, else
// strict UTF-8 validation decides between UTF-8 and the Russian Windows code page (windows-1251),
// which is what Russian Excel writes for "CSV (разделители — запятые)".

/** Encodings the table adapter reads. */
export type TextEncoding = 'utf-8' | 'windows-1251' | 'utf-16le' | 'utf-16be';

export interface EncodingScan {
  /** Encoding named by a byte order mark at the start, or null when there is none. */
  readonly bom: 'utf-8' | 'utf-16le' | 'utf-16be' | null;
  /** Byte offset of the first byte that is not valid UTF-8, or null when the whole file is valid. */
  readonly invalidUtf8At: number | null;
  /** Whether any byte is outside ASCII (an ASCII file is valid in every encoding read here). */
  readonly hasNonAscii: boolean;
}

/**
 * Checks UTF-8 validity across chunk boundaries with the byte ranges of the WHATWG Encoding
 * standard's UTF-8 decoder, so it rejects exactly what `new TextDecoder('utf-8', { fatal: true })`
 * rejects: overlong forms, surrogates and code points above U+10FFFF included.
 */
export class Utf8Validator {
  private needed = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private offset = 0;
  private sequenceStart = 0;
  nonAscii = false;

  /** Feeds the next bytes; returns the offset of the first invalid sequence, or -1. */
  push(bytes: Uint8Array): number {
    for (let index = 0; index < bytes.length; index += 1) {
      const byte = bytes[index];
      if (this.needed === 0) {
        if (byte <= 0x7f) continue;
        this.nonAscii = true;
        this.sequenceStart = this.offset + index;
        if (byte >= 0xc2 && byte <= 0xdf) {
          this.needed = 1;
        } else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) this.lower = 0xa0;
          if (byte === 0xed) this.upper = 0x9f;
          this.needed = 2;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) this.lower = 0x90;
          if (byte === 0xf4) this.upper = 0x8f;
          this.needed = 3;
        } else {
          return this.sequenceStart;
        }
        continue;
      }
      if (byte < this.lower || byte > this.upper) return this.sequenceStart;
      this.lower = 0x80;
      this.upper = 0xbf;
      this.needed -= 1;
    }
    this.offset += bytes.length;
    return -1;
  }

  /** Returns the offset of a sequence cut off by the end of the input, or -1. */
  end(): number {
    return this.needed > 0 ? this.sequenceStart : -1;
  }
}

/** Reads the whole input once to find a byte order mark and the first byte that is not UTF-8. */
export async function scanEncoding(chunks: AsyncIterable<Uint8Array>): Promise<EncodingScan> {
  const validator = new Utf8Validator();
  let head: Uint8Array = new Uint8Array(0);
  let invalidAt = -1;

  for await (const chunk of chunks) {
    if (head.length < 3) head = concatBytes(head, chunk.subarray(0, 3 - head.length));
    if (invalidAt < 0) invalidAt = validator.push(chunk);
    else validator.nonAscii = true;
  }
  if (invalidAt < 0) invalidAt = validator.end();

  const bom = readBom(head);
  // A UTF-16 file is not UTF-8 by design, so its validity as UTF-8 is not reported.
  const checksUtf8 = bom === null || bom === 'utf-8';
  const invalidUtf8At = checksUtf8 && invalidAt >= 0 ? invalidAt : null;
  return { bom, invalidUtf8At, hasNonAscii: validator.nonAscii };
}

function readBom(head: Uint8Array): EncodingScan['bom'] {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

/** Decodes chunks as text; the decoder drops a byte order mark and keeps split characters whole. */
export async function* decodeChunks(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}
