// Waiting for the gateway to count a simulated run: every session window the simulator sent is
// closed by the gateway (its session moved on, or housekeeping found it due) and flushed through
// the collector to Prometheus. Done when Prometheus' active totals of the three window families
// equal the ground truth's.
import { PROM } from '../model/index.js';
import type { GroundTruth } from './ground-truth.js';

export type InstantQuery = (promql: string) => Promise<Array<{ value: [number, string] }>>;

const FAMILIES = [
  ['session', PROM.sessionWindows.active],
  ['stage', PROM.stageWindows.active],
  ['detail', PROM.detailWindows.active],
] as const;

export interface WindowWaitOptions {
  /** Give up after this long (ms). Default 120 000. */
  timeoutMs?: number;
  /** Pause between polls (ms). Default 1000. */
  intervalMs?: number;
}

/** Resolves when Prometheus holds every window of `truth`; rejects with both sides' totals on timeout. */
export async function waitForClosedWindows(
  query: InstantQuery,
  truth: GroundTruth,
  options: WindowWaitOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const intervalMs = options.intervalMs ?? 1000;
  const want = FAMILIES.map(([family]) => truth[family].reduce((sum, cell) => sum + cell.active, 0));
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing yet';
  for (;;) {
    try {
      const have = await Promise.all(
        FAMILIES.map(async ([, metric]) => Number((await query(`sum(${metric})`))[0]?.value[1] ?? 0)),
      );
      seen = have.join('/');
      if (have.every((value, i) => value === want[i])) return;
    } catch (error) {
      seen = (error as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for Prometheus to hold every closed session window: active session/stage/detail windows ${seen} in Prometheus, ${want.join('/')} sent`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
