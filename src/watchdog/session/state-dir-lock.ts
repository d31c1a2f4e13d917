// One watchdog per state dir. Two watchdogs sharing one would resume the same session and each
// export its own samples of the same intervals (with their own start times, so the gateway's dedup
// cannot tell them apart): the app's CPU counted twice. They would also replay one spool twice.
//
// The lock is a file created exclusively ('wx'), holding the owner's pid and a random token. A lock
// whose pid is no longer running is stale (the watchdog was killed) and is taken over. Limits, by
// design: a stale lock whose pid was reused by another process is taken for live (the watchdog
// refuses to start and says which file to delete); two watchdogs taking over one stale lock at the
// same instant can both start.

import { randomUUID } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readStateFile } from './state-file.js';

export const STATE_DIR_LOCK_FILE = 'watchdog.lock';

export interface StateDirLock {
  readonly path: string;
  /** Deletes the lock file if it is still this lock's (idempotent; never rejects). */
  release(): Promise<void>;
}

export class StateDirInUseError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holderPid: number,
  ) {
    super(
      `another watchdog (pid ${holderPid}) is using this state dir; ` +
        `if no watchdog is running, delete ${lockPath}`,
    );
    this.name = 'StateDirInUseError';
  }
}

/** Takes the state dir's lock, taking over a stale one; rejects with StateDirInUseError if held. */
export async function lockStateDir(stateDir: string, pid: number = process.pid): Promise<StateDirLock> {
  const path = join(stateDir, STATE_DIR_LOCK_FILE);
  const content = `${pid} ${randomUUID()}\n`;
  // Twice at most: the second attempt follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(content);
      } finally {
        await file.close();
      }
      return { path, release: () => releaseIfOurs(path, content) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await holderPid(path);
      if (holder !== undefined && isRunning(holder)) throw new StateDirInUseError(path, holder);
      // Stale (its watchdog is gone), unreadable or half-written: the lock is free to take.
      await unlink(path).catch(ignoreMissing);
    }
  }
  // Retaken between our removal of the stale lock and our attempt: by a watchdog starting now.
  throw new StateDirInUseError(path, (await holderPid(path)) ?? 0);
}

async function holderPid(path: string): Promise<number | undefined> {
  const text = (await readStateFile(path)) ?? '';
  const pid = Number(text.split(' ')[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseIfOurs(path: string, content: string): Promise<void> {
  const current = await readStateFile(path).catch(() => undefined);
  if (current === content) await unlink(path).catch(() => {});
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
