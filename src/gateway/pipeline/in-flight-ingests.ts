import type { PipelineLog } from './contract.js';

/** State-store round trips one ingest makes in sequence at most (bounds the shutdown wait). */
const INGEST_STATE_ROUND_TRIPS = 4;

/** Ingests between validation and aggregation; shutdown waits for them before the final flush. */
export class InFlightIngests<T> {
  private readonly running = new Set<Promise<T>>();

  /** Tracks `run` until it settles; returns it. */
  track(run: Promise<T>): Promise<T> {
    this.running.add(run);
    const forget = () => this.running.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** Waits at most `boundMs` for every tracked ingest; resolves how many are still running. */
  async settle(boundMs: number): Promise<number> {
    if (this.running.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, boundMs);
      }),
    ]);
    clearTimeout(timer);
    return this.running.size;
  }

  /**
   * Waits for ingests still committing to the state store, so that what they acknowledge is in the
   * final flush. Bounded: a state-store command fails after `commandTimeoutMs`, and an ingest makes
   * a few in sequence (versions, commits, series budget). Logs those still running after that.
   */
  async settleBeforeFlush(commandTimeoutMs: number, log: PipelineLog): Promise<void> {
    const running = await this.settle(INGEST_STATE_ROUND_TRIPS * commandTimeoutMs);
    if (running > 0) {
      log('error', 'ingests still running at the final flush; what they add is not exported', {
        ingests: running,
      });
    }
  }
}
