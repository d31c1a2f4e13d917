import type { AggregateSnapshot, CumulativeStore } from '../aggregation/index.js';
import { buildExportRequest } from '../aggregation/index.js';
import type { ExportConfig } from './export-config.js';
import { postOtlpMetrics } from './post-otlp.js';

export interface ExportLoopMetrics {
  exported(result: 'success' | 'failure', durationSeconds: number, nowMs: number): void;
}

export interface ExportLoopDeps {
  store: CumulativeStore;
  replicaId: string;
  config: ExportConfig;
  metrics: ExportLoopMetrics;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Test seam; defaults to OTLP/HTTP protobuf. */
  post?: typeof postOtlpMetrics;
  now?: () => number;
  /**
   * Replaces store.snapshot() when the aggregate is persisted: a snapshot taken together with a
   * checkpoint written before the export, so that nothing exported is ever ahead of what a restart
   * restores. A rejection fails this export (the next flush tries again).
   */
  durableSnapshot?: () => Promise<AggregateSnapshot>;
}

const NS_PER_MS = 1_000_000n;

/**
 * Exports the cumulative aggregate every flushIntervalMs. Cumulative data makes failures harmless:
 * nothing is lost, the next flush carries it. Flushes never overlap (a tick during a flush is
 * skipped) and never reject. Tracks since when accepted data is unexported, for backpressure.
 */
export class ExportLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  /** Time the oldest not-yet-exported data was accepted; undefined when everything is exported. */
  private dirtySinceMs: number | undefined;
  /** The latest successful export announced new series at zero; their totals go out next flush. */
  private owesTotals = false;
  /** Whether the latest export attempt failed (data merely waiting for the next flush is normal). */
  private lastAttemptFailed = false;
  /** Bumped on every accepted batch, to tell whether data arrived while a flush was in flight. */
  private generation = 0;
  private readonly post: typeof postOtlpMetrics;
  private readonly now: () => number;

  constructor(private readonly deps: ExportLoopDeps) {
    this.post = deps.post ?? postOtlpMetrics;
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) void this.flush();
    }, this.deps.config.flushIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Call after aggregating accepted data. */
  markDirty(): void {
    this.generation++;
    this.dirtySinceMs ??= this.now();
  }

  /** Milliseconds the oldest accepted data has waited for a successful export (0 when none). */
  unexportedMs(): number {
    return this.dirtySinceMs === undefined ? 0 : Math.max(0, this.now() - this.dirtySinceMs);
  }

  /**
   * True while exports are failing and the oldest unexported data is older than `maxAgeMs`: the
   * moment to push back on clients. Data that only waits for the next regular flush never counts.
   */
  isBehind(maxAgeMs: number): boolean {
    return this.lastAttemptFailed && this.unexportedMs() > maxAgeMs;
  }

  /**
   * One export; waits for a running one first, because data may have arrived after its snapshot.
   * `timeoutMs` bounds its request (default: the configured export timeout).
   */
  async flush(timeoutMs = this.deps.config.timeoutMs): Promise<boolean> {
    while (this.running) await this.running;
    const run = this.exportOnce(timeoutMs).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /**
   * Flushes until everything aggregated so far is out: a second export when the first announced new
   * series at zero. Resolves false when an export failed.
   */
  async flushAll(): Promise<boolean> {
    if (!(await this.flush())) return false;
    return this.owesTotals ? this.flush() : true;
  }

  /** Final flush for SIGTERM: retried until success or shutdownFlushTimeoutMs, attempts included. */
  async shutdown(): Promise<boolean> {
    this.stop();
    const deadline = this.now() + this.deps.config.shutdownFlushTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const timeoutMs = Math.max(1, Math.min(this.deps.config.timeoutMs, deadline - this.now()));
      // New series need two exports (zero, then totals), so flush until nothing is owed.
      if ((await this.flush(timeoutMs)) && !this.owesTotals) return true;
      const left = deadline - this.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 200 * 2 ** Math.min(attempt, 4))));
    }
  }

  private async exportOnce(timeoutMs: number): Promise<boolean> {
    const { store, config, replicaId, metrics, log } = this.deps;
    const generation = this.generation;
    let snapshot: AggregateSnapshot;
    try {
      snapshot = this.deps.durableSnapshot ? await this.deps.durableSnapshot() : store.snapshot();
    } catch (err) {
      this.lastAttemptFailed = true;
      log('error', 'checkpoint before export failed; not exporting until a checkpoint succeeds', {
        err: (err as Error).message,
      });
      return false;
    }
    if (snapshot.histograms.length === 0 && snapshot.windows.length === 0) {
      this.dirtySinceMs = undefined;
      this.lastAttemptFailed = false;
      this.owesTotals = false;
      return true;
    }
    const startedMs = this.now();
    const request = buildExportRequest(snapshot, replicaId, BigInt(Math.floor(startedMs)) * NS_PER_MS);
    try {
      const response = await this.post(config.collectorUrl, request, timeoutMs);
      const rejected = response.partialSuccess?.rejectedDataPoints ?? 0;
      if (rejected > 0) {
        // Cumulative series: the next flush re-sends the same totals, so nothing is lost; say so loudly.
        log('warn', 'collector rejected part of an export', {
          rejectedDataPoints: rejected,
          errorMessage: response.partialSuccess?.errorMessage,
        });
      }
      const endMs = this.now();
      metrics.exported('success', (endMs - startedMs) / 1000, endMs);
      store.markExported(snapshot);
      this.lastAttemptFailed = false;
      this.owesTotals = snapshot.announcing.length > 0;
      // Series announced at zero in this export still owe their totals: that data is not out yet.
      const caughtUp = this.generation === generation && snapshot.announcing.length === 0;
      this.dirtySinceMs = caughtUp ? undefined : startedMs;
      return true;
    } catch (err) {
      const endMs = this.now();
      metrics.exported('failure', (endMs - startedMs) / 1000, endMs);
      this.lastAttemptFailed = true;
      log('warn', 'export to collector failed; will retry with the next flush', {
        err: (err as Error).message,
        unexportedMs: this.unexportedMs(),
      });
      return false;
    }
  }
}
