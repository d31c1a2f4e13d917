import { randomUUID } from 'node:crypto';
import { encodeExportMetricsServiceRequest } from '../otlp/index.js';
import { msToNanos, sessionExportRequest, type LoadSessionIdentity } from '../load/index.js';

// Simulated watchdog sessions that export DELTA intervals in real time and retry each export
// (byte-identical) until the gateway acknowledges it, keeping the books a fault experiment compares
// with Prometheus: samples recorded, acknowledged, given up; session windows acknowledged.

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
  acknowledgedSamples: number;
  /** Recorded, but never acknowledged before the fleet gave up (the experiment's loss). */
  lostSamples: number;
  /** Refused by the gateway as invalid (400). */
  rejectedSamples: number;
  /** Distinct (session, window) of acknowledged exports: what the window counters must add up to. */
  windows: number;
  attempts: number;
  retries: number;
}

interface Pending {
  bytes: Uint8Array;
  samples: number;
  windowKey: string;
}

/** Runs until stop(); stop() waits (bounded) for every recorded export to be acknowledged. */
export class ClientFleet {
  private running = false;
  private giveUpAtMs = Infinity;
  private readonly loops: Array<Promise<void>> = [];
  private readonly windows = new Set<string>();
  private readonly totals: Omit<FleetTotals, 'windows'> = {
    recordedSamples: 0,
    acknowledgedSamples: 0,
    lostSamples: 0,
    rejectedSamples: 0,
    attempts: 0,
    retries: 0,
  };

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
    return { ...this.totals, windows: this.windows.size };
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
        samples: samples.length,
        windowKey: `${identity.sessionId}/${Math.floor(lastEndMs / this.options.windowMs)}`,
      };
      this.totals.recordedSamples += pending.samples;
      await this.deliver(identity.installId, pending);
      lastEndMs = endMs;
    }
  }

  private async deliver(installId: string, pending: Pending): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.totals.retries++;
        if (Date.now() >= this.giveUpAtMs) {
          this.totals.lostSamples += pending.samples;
          return;
        }
        await sleep(this.options.retryDelayMs ?? 250);
      }
      this.totals.attempts++;
      let status: number;
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
        await response.arrayBuffer();
      } catch {
        continue; // gateway down or restarting: retry
      }
      if (status === 200) {
        // The fleet's points are valid: a 200 acknowledges all of them.
        this.totals.acknowledgedSamples += pending.samples;
        this.windows.add(pending.windowKey);
        return;
      }
      if (status === 400) {
        this.totals.rejectedSamples += pending.samples;
        return;
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
