// Streaming windows-1251 → UTF-8 conversion into a new file, because DuckDB 1.5 reads UTF-8,
// UTF-16 and Latin-1 only. The byte table comes from the WHATWG decoder that the row-by-row table
// adapter uses, so both readers see the same characters.

import { open } from 'node:fs/promises';

const CHUNK_BYTES = 4 * 1024 * 1024;

let table: { bytes: Uint8Array; lengths: Uint8Array } | null = null;

/** UTF-8 bytes of each windows-1251 byte: up to 3 bytes per entry, `lengths` of them used. */
function windows1251Table(): { bytes: Uint8Array; lengths: Uint8Array } {
  if (table) return table;
  const decoder = new TextDecoder('windows-1251');
  const encoder = new TextEncoder();
  const bytes = new Uint8Array(256 * 3);
  const lengths = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    const utf8 = encoder.encode(decoder.decode(Uint8Array.of(byte)));
    bytes.set(utf8, byte * 3);
    lengths[byte] = utf8.length;
  }
  table = { bytes, lengths };
  return table;
}

/** Writes `source`, read as windows-1251, to `target` as UTF-8; returns the bytes written. */
export async function transcodeWindows1251(source: string, target: string): Promise<number> {
  const { bytes, lengths } = windows1251Table();
  const input = await open(source, 'r');
  const output = await open(target, 'w');
  const inBuffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const outBuffer = Buffer.allocUnsafe(CHUNK_BYTES * 3);
  let written = 0;
  try {
    for (;;) {
      const { bytesRead } = await input.read(inBuffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      let out = 0;
      for (let index = 0; index < bytesRead; index += 1) {
        const byte = inBuffer[index];
        if (byte < 0x80) {
          outBuffer[out++] = byte;
          continue;
        }
        const at = byte * 3;
        const length = lengths[byte];
        outBuffer[out++] = bytes[at];
        if (length > 1) outBuffer[out++] = bytes[at + 1];
        if (length > 2) outBuffer[out++] = bytes[at + 2];
      }
      await output.write(outBuffer, 0, out);
      written += out;
    }
  } finally {
    await input.close();
    await output.close();
  }
  return written;
}
