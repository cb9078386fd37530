// Reads a text file line by line, decompressing gzip (by the ".gz" ending) on the fly.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

import { InputError } from '../lib/errors.ts';

/** Yields the lines of a file; a damaged gzip archive stops the read with an InputError. */
export async function* readLines(path: string, displayName: string): AsyncGenerator<string> {
  const stream = createReadStream(path);
  const input = path.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  stream.on('error', (error) => input.destroy(error));
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } catch (error) {
    throw isGzipError(error) ? gzipError(displayName) : error;
  }
}

/** True for an error of node:zlib, which names it by a Z_ code ("unexpected end of file" is Z_BUF_ERROR). */
export function isGzipError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Makes the error for a truncated or damaged gzip archive, naming the file and what to do. */
export function gzipError(displayName: string): InputError {
  return new InputError({
    ru: `${displayName}: архив gzip обрезан или повреждён; скачайте или выгрузите файл заново`,
    en: `${displayName}: the gzip archive is truncated or damaged; download or export the file again`,
  });
}
