// SHA-256 of a source file in a worker thread. DuckDB's read of a file keeps both cores of a
// 2-CPU machine busy, so the bulk reader starts the hash after that read. It then runs beside the
// lookups, which leave a core free while their JS runs.

import { Worker } from 'node:worker_threads';

/** Plain JS for the worker, so that it needs no TypeScript loader. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(workerData.chunkBytes);
const handle = openSync(workerData.path, 'r');
try {
  for (let bytes = readSync(handle, buffer, 0, buffer.length, null); bytes > 0; bytes = readSync(handle, buffer, 0, buffer.length, null)) {
    hash.update(buffer.subarray(0, bytes));
  }
} finally {
  closeSync(handle);
}
parentPort.postMessage(hash.digest('hex'));
`;

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Starts hashing a file and returns a promise of the hex digest. When the run fails before the
 * manifest awaits the digest, a failed hash is not reported as an unhandled rejection.
 */
export function hashFileInWorker(path: string): Promise<string> {
  const digest = new Promise<string>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, chunkBytes: CHUNK_BYTES } });
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the SHA-256 worker for ${path} stopped with code ${code} before it gave a digest`)));
  });
  digest.catch(() => {});
  return digest;
}
