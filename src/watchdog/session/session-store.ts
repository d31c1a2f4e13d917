// session.id is one per app run. If the watchdog restarts while the SAME app process is still alive
// (same pid and same process start time), it must continue the same session: the gateway counts a
// session once and deduplicates by (session.id, start time), so a new id would count the run twice.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readStateFile, writeStateFile } from './state-file.js';

export const SESSION_FILE = 'session.json';

interface StoredSession {
  processRunId: string;
  sessionId: string;
  startedAt: string;
}

export interface ResolvedSession {
  sessionId: string;
  /** True when this continues the session of a previous watchdog run for the same process run. */
  resumed: boolean;
}

export async function resolveSession(stateDir: string, processRunId: string): Promise<ResolvedSession> {
  const path = join(stateDir, SESSION_FILE);
  const stored = parseStored(await readStateFile(path));
  if (stored && sameProcessRun(stored.processRunId, processRunId)) {
    return { sessionId: stored.sessionId, resumed: true };
  }
  const session: StoredSession = {
    processRunId,
    sessionId: randomUUID(),
    startedAt: new Date().toISOString(),
  };
  await writeStateFile(path, JSON.stringify(session) + '\n');
  return { sessionId: session.sessionId, resumed: false };
}

const RUN_ID = /^(\d+)@(\d+)(?:~(\d+))?$/;

/**
 * Whether two process run ids (CpuTimeSource.processRunId) name the same run: equal, or
 * `<pid>@<start>~<tolerance>` with the same pid and start times within the larger tolerance (for
 * sources whose start time is only approximate).
 */
export function sameProcessRun(a: string, b: string): boolean {
  if (a === b) return true;
  const x = RUN_ID.exec(a);
  const y = RUN_ID.exec(b);
  if (!x || !y || x[1] !== y[1]) return false;
  const tolerance = Math.max(Number(x[3] ?? 0), Number(y[3] ?? 0));
  return Math.abs(Number(x[2]) - Number(y[2])) <= tolerance;
}

/** Called at session end (the app exited): a later process must not resume it. */
export async function forgetSession(stateDir: string, sessionId: string): Promise<void> {
  const path = join(stateDir, SESSION_FILE);
  const stored = parseStored(await readStateFile(path));
  if (stored?.sessionId === sessionId) await rm(path, { force: true });
}

function parseStored(text: string | undefined): StoredSession | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StoredSession>;
    if (typeof value.processRunId === 'string' && typeof value.sessionId === 'string') {
      return {
        processRunId: value.processRunId,
        sessionId: value.sessionId,
        startedAt: String(value.startedAt),
      };
    }
  } catch {
    // A corrupt state file only costs a new session id.
  }
  return undefined;
}
