// Reads a text file line by line, decompressing gzip (by the ".gz" ending) on the fly.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export async function* readLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path);
  const input = path.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  stream.on('error', (error) => input.destroy(error));
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) yield line;
}
