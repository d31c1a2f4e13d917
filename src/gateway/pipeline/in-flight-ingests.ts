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
}
