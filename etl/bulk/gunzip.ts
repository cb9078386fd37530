// Decompression of a gzip CSV export into a temporary plain file for the bulk reader, which scans
// and reads plain files only. The row-by-row adapter reads the same file through a gunzip stream.

import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** First two bytes of every gzip member (RFC 1952). */
const GZIP_MAGIC = 0x1f8b;

/** Writes the decompressed bytes of the gzip file `source` to `target`. Throws on a damaged file. */
export async function gunzipToFile(source: string, target: string): Promise<void> {
  await pipeline(createReadStream(source), createGunzip(), createWriteStream(target));
}

/**
 * Reads the size that a gzip file records for its content (ISIZE, the last 4 bytes, RFC 1952), or null
 * when the file does not start like gzip. NOTE: ISIZE is the size modulo 4 GiB, so a file of more
 * than 4 GiB can report less than it holds.
 */
export async function gzipContentBytes(path: string, bytes: number): Promise<number | null> {
  if (bytes < 18) return null;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (head.readUInt16BE(0) !== GZIP_MAGIC) return null;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, bytes - 4);
    return tail.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}
