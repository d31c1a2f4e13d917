// Latency and outcome bookkeeping for one measurement window.

export type Outcome = 'ok' | 'throttled' | 'rejected' | 'error';

export interface WindowStats {
  requests: number;
  ok: number;
  /** 429 / 503: the gateway pushing back (backpressure or rate limits). */
  throttled: number;
  /** Other 4xx: the gateway refusing the payload or the credential. */
  rejected: number;
  /** 5xx other than 503, and network failures/timeouts. */
  errors: number;
  /** Exports the driver did not send because its own in-flight cap was reached (driver-bound). */
  skipped: number;
  bytesSent: number;
  statusCounts: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  elapsedMs: number;
  requestsPerSecond: number;
  lastError: string | undefined;
}

export class WindowRecorder {
  private latencies: number[] = [];
  private counts = { requests: 0, ok: 0, throttled: 0, rejected: 0, errors: 0, skipped: 0, bytesSent: 0 };
  private statusCounts: Record<string, number> = {};
  private startedMs = Date.now();
  private lastError: string | undefined;

  record(outcome: Outcome, status: number | string, latencyMs: number, bytes: number, error?: string): void {
    this.counts.requests += 1;
    this.counts[outcome === 'error' ? 'errors' : outcome] += 1;
    this.counts.bytesSent += bytes;
    this.latencies.push(latencyMs);
    this.statusCounts[String(status)] = (this.statusCounts[String(status)] ?? 0) + 1;
    if (error !== undefined) this.lastError = error;
  }

  skip(): void {
    this.counts.skipped += 1;
  }

  /** Returns the window's stats and starts a new window. */
  take(): WindowStats {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (q: number) =>
      sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) : 0;
    const elapsedMs = Date.now() - this.startedMs;
    const stats: WindowStats = {
      ...this.counts,
      statusCounts: this.statusCounts,
      latencyMs: {
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0,
      },
      elapsedMs,
      requestsPerSecond: elapsedMs > 0 ? (this.counts.requests * 1000) / elapsedMs : 0,
      lastError: this.lastError,
    };
    this.latencies = [];
    this.counts = { requests: 0, ok: 0, throttled: 0, rejected: 0, errors: 0, skipped: 0, bytesSent: 0 };
    this.statusCounts = {};
    this.startedMs = Date.now();
    this.lastError = undefined;
    return stats;
  }
}

export function classifyStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429 || status === 503) return 'throttled';
  if (status >= 400 && status < 500) return 'rejected';
  return 'error';
}
