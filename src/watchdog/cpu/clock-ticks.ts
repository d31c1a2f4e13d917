import { execFileSync } from 'node:child_process';

/** Linux's USER_HZ on every mainstream architecture; used when `getconf` is unavailable. */
export const DEFAULT_CLOCK_TICKS_PER_SECOND = 100;

let cached: number | undefined;

/**
 * Clock ticks per second for /proc times (sysconf(_SC_CLK_TCK)). Node has no sysconf binding, so ask
 * `getconf CLK_TCK` once per process; the value cannot change while the system runs.
 */
export function clockTicksPerSecond(): number {
  if (cached !== undefined) return cached;
  cached = DEFAULT_CLOCK_TICKS_PER_SECOND;
  try {
    const output = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim();
    const value = Number(output);
    if (Number.isSafeInteger(value) && value > 0) cached = value;
  } catch {
    // getconf missing (minimal containers): the default is right on practically every Linux.
  }
  return cached;
}
