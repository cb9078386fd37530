// A run lock: one ETL run or publish at a time per snapshots folder. The lock file holds the
// owner's pid; a lock left by a process that no longer exists (killed, crashed) is taken over.

import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { EtlError, EXIT_CODES } from './lib/errors.ts';
import type { Logger } from './lib/log.ts';

export const LOCK_FILE = '.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export class LockedError extends EtlError {
  constructor(owner: LockOwner, path: string) {
    super(
      {
        ru: `Уже идёт другой запуск (pid ${owner.pid} на ${owner.host}, начат ${owner.startedAt}, команда ${owner.command}). Дождитесь его окончания; если процесса нет, удалите ${path}.`,
        en: `Another run is in progress (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}, command ${owner.command}). Wait for it to finish; if that process is gone, delete ${path}.`,
      },
      EXIT_CODES.locked,
    );
  }
}

/** Takes the lock or throws LockedError; returns a function that releases it. */
export function acquireLock(directory: string, command: string, logger: Logger, now = Date.now()): () => void {
  const path = join(directory, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date(now).toISOString(), command };

  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = openSync(path, 'wx');
      writeSync(descriptor, JSON.stringify(owner) + '\n');
      closeSync(descriptor);
      return () => releaseLock(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    const current = readOwner(path);
    if (current && current.host === owner.host && isAlive(current.pid)) throw new LockedError(current, path);
    if (current && current.host !== owner.host) throw new LockedError(current, path);
    rmSync(path, { force: true });
    logger.warn('lock', {
      ru: `Снята блокировка завершившегося процесса ${current?.pid ?? '?'} (${current?.startedAt ?? 'время неизвестно'})`,
      en: `Removed the lock of an ended process ${current?.pid ?? '?'} (${current?.startedAt ?? 'time unknown'})`,
    });
  }
  throw new LockedError(readOwner(path) ?? owner, path);
}

function releaseLock(path: string): void {
  const current = readOwner(path);
  if (current?.pid === process.pid) rmSync(path, { force: true });
}

function readOwner(path: string): LockOwner | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** Checks whether a process exists; EPERM means it exists under another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
