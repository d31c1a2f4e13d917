// Tells the gateway's operator which installs are failing: per-install rejection summaries logged
// once per interval (install id, reasons, counts; never tokens or payload bytes), and self-metrics
// that find failing installs without a label per install.
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { Log } from '../http/index.js';
import type { IngestOutcome } from '../pipeline/index.js';
import { GATEWAY_SELF_METRICS } from '../../model/index.js';

/** How much one summary names; fixed sizes of the log and of memory, not deployment settings. */
export interface SummaryBounds {
  /** Installs named per summary, most rejected points first; the rest are totalled in one line. */
  maxInstallsPerSummary: number;
  /** Installs remembered per interval (bounds memory); more are counted but not named. */
  maxTrackedInstalls: number;
}

export const SUMMARY_BOUNDS: SummaryBounds = { maxInstallsPerSummary: 20, maxTrackedInstalls: 10_000 };

/**
 * Seconds between per-install rejection summaries in the log, and the window of
 * filesfu_gateway_installs_rejected. Fixed, not a setting: the gauge then means the same on every
 * deployment, and SUMMARY_BOUNDS already bound what a summary costs.
 */
export const REJECTION_SUMMARY_INTERVAL_SECONDS = 60;

/** One install's rejections in the current interval. */
interface InstallRejections {
  requests: number;
  /** Requests answered 400 / 403 (nothing accepted). */
  refused: number;
  rejectedDataPoints: number;
  reasons: Map<string, number>;
}

export class RejectionReporter {
  private current = new Map<string, InstallRejections>();
  /** Installs with rejections this interval beyond maxTrackedInstalls (not named). */
  private untracked = new Set<string>();
  private untrackedOverflow = 0;
  private lastIntervalInstalls = 0;
  private readonly requestsRejected: Counter<'reason'>;
  private readonly ignored: Counter;
  private readonly timer: NodeJS.Timeout;

  constructor(
    registry: Registry,
    private readonly log: Log,
    private readonly bounds: SummaryBounds = SUMMARY_BOUNDS,
  ) {
    const registers = [registry];
    this.requestsRejected = new Counter({
      name: GATEWAY_SELF_METRICS.requestsRejected,
      help: 'Export requests with data points rejected, by every distinct reason they had (a request counts once per reason)',
      labelNames: ['reason'],
      registers,
    });
    this.ignored = new Counter({
      name: GATEWAY_SELF_METRICS.pointsIgnored,
      help: 'Data points of metrics the gateway does not use: dropped without error (not rejected)',
      registers,
    });
    const installs = () => this.lastIntervalInstalls;
    new Gauge({
      name: GATEWAY_SELF_METRICS.installsRejected,
      help: 'Distinct installs that had data points rejected in the last completed summary interval (a minute)',
      registers,
      collect() {
        this.set(installs());
      },
    });
    this.timer = setInterval(() => this.summarize(), REJECTION_SUMMARY_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  /** Records one answered export of `installId` (the credential's install). */
  record(installId: string, outcome: IngestOutcome): void {
    if (outcome.ignoredDataPoints) this.ignored.inc(outcome.ignoredDataPoints);
    if (outcome.rejectedDataPoints === 0) return;
    const reasons = outcome.rejectionReasons ?? [];
    for (const [reason] of reasons) this.requestsRejected.inc({ reason });
    let entry = this.current.get(installId);
    if (entry === undefined) {
      if (this.current.size >= this.bounds.maxTrackedInstalls) {
        if (this.untracked.size < this.bounds.maxTrackedInstalls) this.untracked.add(installId);
        else this.untrackedOverflow++;
        return;
      }
      entry = { requests: 0, refused: 0, rejectedDataPoints: 0, reasons: new Map() };
      this.current.set(installId, entry);
    }
    entry.requests++;
    if (outcome.invalidRequest) entry.refused++;
    entry.rejectedDataPoints += outcome.rejectedDataPoints;
    for (const [reason, n] of reasons) entry.reasons.set(reason, (entry.reasons.get(reason) ?? 0) + n);
  }

  /** Ends the interval: logs its summaries and publishes its install count. Public for tests. */
  summarize(): void {
    const installs = [...this.current.entries()].sort(
      (a, b) => b[1].rejectedDataPoints - a[1].rejectedDataPoints || a[0].localeCompare(b[0]),
    );
    // Untracked installs overflowed the set only when it was full, so this is a lower bound then.
    const untracked = this.untracked.size + this.untrackedOverflow;
    this.lastIntervalInstalls = installs.length + untracked;
    const intervalSeconds = REJECTION_SUMMARY_INTERVAL_SECONDS;
    const named = installs.slice(0, this.bounds.maxInstallsPerSummary);
    for (const [installId, entry] of named) {
      this.log('warn', 'export rejections by install', {
        installId,
        intervalSeconds,
        requests: entry.requests,
        refusedRequests: entry.refused,
        rejectedDataPoints: entry.rejectedDataPoints,
        reasons: Object.fromEntries(entry.reasons),
      });
    }
    const rest = installs.slice(named.length);
    if (rest.length > 0 || untracked > 0) {
      this.log('warn', 'export rejections of further installs (not named)', {
        intervalSeconds,
        installs: rest.length + untracked,
        rejectedDataPoints: rest.reduce((n, [, entry]) => n + entry.rejectedDataPoints, 0),
      });
    }
    this.current = new Map();
    this.untracked = new Set();
    this.untrackedOverflow = 0;
  }

  /** Logs what the last partial interval had and stops the timer. */
  close(): void {
    clearInterval(this.timer);
    this.summarize();
  }
}
