// One live session telemetry per spool directory. Two writers of one spool would interleave their
// segments, replay each other's backlog and both delete what they delivered: data sent twice or lost.
//
// The lock is `<spoolDir>/spool.lock`, holding the owner's pid and a random token. It is created
// atomically with its content (written to a private file, then hard-linked to the lock name, which
// fails if the lock exists), so no reader ever sees a half-written lock. A lock held by another
// process is live while that pid runs; a lock holding this process's pid is live while its token is in
// this process's registry (shared on globalThis, so two copies of the library loaded in one process
// still see each other). Anything else is stale (its owner was killed, or a process with a reused pid
// left it) and is taken over. Limits, by design: a stale lock whose pid was reused by another running
// process is taken for live (the error names the file to delete); two processes taking over one stale
// lock at the same instant can both proceed.
//
// Synchronous on purpose: createSessionTelemetry() is synchronous and must refuse a shared directory
// before it creates anything (a few small syscalls, once per telemetry).
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPOOL_LOCK_FILE = 'spool.lock';

export interface SpoolDirLock {
  readonly path: string;
  /** Deletes the lock file if it is still this lock's (idempotent; never throws). */
  release(): void;
}

export class SpoolDirInUseError extends Error {
  constructor(
    readonly spoolDir: string,
    readonly lockPath: string,
    readonly holderPid: number,
  ) {
    const holder = holderPid === process.pid ? 'another telemetry in this process' : `pid ${holderPid}`;
    super(
      `the spool dir ${spoolDir} is in use by a live session telemetry (${holder}); ` +
        'two telemetries must not share a spool: give each its own spoolDir, or pass spoolDir: false ' +
        '(in-memory queue, e.g. for simulators running many sessions in one process). ' +
        `If no such telemetry is running, delete ${lockPath}`,
    );
    this.name = 'SpoolDirInUseError';
  }
}

const REGISTRY_KEY = Symbol.for('filesfu.watchdog.spoolDirLockTokens');

/** Tokens of the spool locks this process holds now. */
function liveTokens(): Set<string> {
  const global = globalThis as { [REGISTRY_KEY]?: Set<string> };
  return (global[REGISTRY_KEY] ??= new Set<string>());
}

/** Takes the spool dir's lock (creating the dir), taking over a stale one; throws SpoolDirInUseError. */
export function lockSpoolDir(spoolDir: string): SpoolDirLock {
  mkdirSync(spoolDir, { recursive: true, mode: 0o700 });
  const path = join(spoolDir, SPOOL_LOCK_FILE);
  const token = randomUUID();
  const content = `${process.pid} ${token}\n`;
  // Not `*.tmp`: the disk spool deletes those on open, and another process may be opening it now.
  const staging = join(spoolDir, `.${SPOOL_LOCK_FILE}.${token}`);
  writeFileSync(staging, content, { mode: 0o600 });
  try {
    // Twice at most: the second attempt follows the removal of a stale lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(staging, path);
        liveTokens().add(token);
        return { path, release: () => release(path, content, token) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && isLive(holder)) throw new SpoolDirInUseError(spoolDir, path, holder.pid);
        removeIfPresent(path);
      }
    }
    // Retaken between our removal of the stale lock and our attempt: by a telemetry starting now.
    throw new SpoolDirInUseError(spoolDir, path, readHolder(path)?.pid ?? 0);
  } finally {
    removeIfPresent(staging);
  }
}

interface Holder {
  pid: number;
  token: string;
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, token] = text.trim().split(' ');
  const pid = Number(pidText);
  return Number.isSafeInteger(pid) && pid > 0 && token ? { pid, token } : undefined;
}

function isLive(holder: Holder): boolean {
  if (holder.pid === process.pid) return liveTokens().has(holder.token);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(path: string, content: string, token: string): void {
  if (!liveTokens().delete(token)) return;
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // Already gone (deleted by hand): nothing to release.
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
