import { randomUUID } from 'node:crypto';
import { encodeExportMetricsServiceRequest } from '../otlp/index.js';
import {
  mayHaveBeenCounted,
  msToNanos,
  rejectedDataPoints,
  SampleLedger,
  sessionExportRequest,
  type Batch,
  type LedgerSnapshot,
  type LoadSessionIdentity,
} from '../load/index.js';

// Simulated watchdog sessions that export DELTA intervals in real time and retry each export
// (byte-identical) until the gateway acknowledges it, keeping the books a fault experiment compares
// with Prometheus: a sample ledger (recorded, acknowledged, lost by cause, pending) and the session
// windows acknowledged.

export interface ClientFleetOptions {
  /** Where to send; read before every attempt (a restarted replica may move). */
  gatewayUrl: () => string;
  /** A valid install token for the install id. */
  token: (installId: string) => string;
  sessions: number;
  /** service.version of every session: the label a test filters Prometheus by. */
  version: string;
  /** Milliseconds between one session's exports. */
  exportIntervalMs: number;
  /** The gateway's sessions.windowSeconds × 1000: windows are counted by a point's start. */
  windowMs: number;
  /** Samples per export (one per simulated second of sampling). */
  samplesPerExport: number;
  /** Milliseconds between retries of a refused or failed export. */
  retryDelayMs?: number;
}

export interface FleetTotals {
  recordedSamples: number;
  /** Answered 2xx (ledger.acknowledged.total). */
  acknowledgedSamples: number;
  /** Recorded, never acknowledged nor refused: still unanswered when the fleet's drain ran out. */
  lostSamples: number;
  /** Refused by the gateway: a 4xx other than 429, or rejected in a 2xx's partial success. */
  rejectedSamples: number;
  /** Where every recorded sample went; pending is 0 once stop() returned. */
  ledger: LedgerSnapshot;
  /** Distinct (session, window) of acknowledged exports: what the window counters must add up to. */
  windows: number;
  attempts: number;
  retries: number;
}

interface Pending {
  bytes: Uint8Array;
  batch: Batch;
  windowKey: string;
}

/** Runs until stop(); stop() waits (bounded) for every recorded export to be acknowledged. */
export class ClientFleet {
  private running = false;
  private giveUpAtMs = Infinity;
  private readonly loops: Array<Promise<void>> = [];
  private readonly windows = new Set<string>();
  private readonly ledger = new SampleLedger();
  private readonly totals = { attempts: 0, retries: 0 };

  constructor(private readonly options: ClientFleetOptions) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.options.sessions; i++) {
      // Sessions start spread over one interval, as a fleet's exports would be.
      this.loops.push(this.session(i, (i * this.options.exportIntervalMs) / this.options.sessions));
    }
  }

  /** No new exports; waits until every recorded one is acknowledged or `drainMs` passed. */
  async stop(drainMs: number): Promise<FleetTotals> {
    this.running = false;
    this.giveUpAtMs = Date.now() + drainMs;
    await Promise.all(this.loops);
    return this.snapshot();
  }

  snapshot(): FleetTotals {
    const ledger = this.ledger.snapshot();
    return {
      recordedSamples: ledger.recorded,
      acknowledgedSamples: ledger.acknowledged.total,
      lostSamples: ledger.lost.total - ledger.lost.refused,
      rejectedSamples:
        ledger.acknowledged.rejected + ledger.acknowledged.partlyRejected + ledger.lost.refused,
      ledger,
      ...this.totals,
      windows: this.windows.size,
    };
  }

  private async session(index: number, delayMs: number): Promise<void> {
    const identity: LoadSessionIdentity = {
      sessionId: randomUUID(),
      installId: `chaos-install-${index}`,
      appVersion: this.options.version,
      osType: ['linux', 'windows', 'darwin'][index % 3]!,
      osVersion: '1',
      hostArch: 'amd64',
    };
    await sleep(delayMs);
    let lastEndMs = Date.now();
    let n = 0;
    while (this.running) {
      await sleep(this.options.exportIntervalMs);
      const endMs = Math.max(Date.now(), lastEndMs + 1);
      // Every other session is pegged above both default thresholds: its windows are high too.
      const value = index % 2 === 0 ? 0.95 : 0.05 + (n++ % 5) * 0.01;
      const samples = new Array<number>(this.options.samplesPerExport).fill(value);
      const request = sessionExportRequest(identity, msToNanos(lastEndMs), msToNanos(endMs), [
        { stage: 'idle', samples },
      ]);
      const pending: Pending = {
        bytes: encodeExportMetricsServiceRequest(request),
        batch: { samples: samples.length, points: 1 },
        windowKey: `${identity.sessionId}/${Math.floor(lastEndMs / this.options.windowMs)}`,
      };
      this.ledger.record(pending.batch);
      await this.deliver(identity.installId, pending);
      lastEndMs = endMs;
    }
  }

  private async deliver(installId: string, pending: Pending): Promise<void> {
    // An attempt without an answer (other than a refused connection) or with a 5xx other than 503
    // may have been counted: a later acknowledgement of the same bytes may be the gateway's duplicate.
    let unknownOutcome = false;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.totals.retries++;
        if (Date.now() >= this.giveUpAtMs) {
          this.ledger.lose(pending.batch, 'dropped-at-shutdown');
          return;
        }
        await sleep(this.options.retryDelayMs ?? 250);
      }
      this.totals.attempts++;
      let status: number;
      let body: Uint8Array;
      let contentType: string | null;
      try {
        const response = await fetch(`${this.options.gatewayUrl()}/v1/metrics`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-protobuf',
            authorization: `Bearer ${this.options.token(installId)}`,
          },
          body: pending.bytes,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        contentType = response.headers.get('content-type');
        body = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        unknownOutcome ||= mayHaveBeenCounted(error);
        continue; // gateway down or restarting: retry
      }
      if (status >= 200 && status < 300) {
        const rejected = rejectedDataPoints(body, contentType ?? undefined);
        this.ledger.acknowledge(pending.batch, rejected, unknownOutcome);
        if (rejected === 0) this.windows.add(pending.windowKey);
        return;
      }
      if (status >= 400 && status < 500 && status !== 429) {
        this.ledger.lose(pending.batch, 'refused');
        return;
      }
      if (status >= 500 && status !== 503) unknownOutcome = true;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
