import { gzipSync } from 'node:zlib';
import { startStack, type Stack } from '../stack/index.js';
import { ClientFleet, type FleetTotals } from './client-fleet.js';
import { PeakRss } from './peak-rss.js';
import { heldByVersion } from './prometheus-totals.js';

// The fault experiments of issue #20 against the real stack: each starts a fresh stack, runs a
// fleet of simulated sessions, injects its fault, lets the fleet drain, waits for every session
// window to close and compares Prometheus with the clients' books.

export interface ChaosSettings {
  sessions: number;
  /** Seconds the fleet exports. */
  loadSeconds: number;
  /** Seconds a stopped component stays down. */
  outageSeconds: number;
  /** Concurrent gzip bombs. */
  bombs: number;
  /** Session window length (s): short, so that windows close within the run. */
  windowSeconds: number;
}

export interface ExperimentResult {
  name: string;
  clients: FleetTotals;
  prometheus: { samples: number; windows: number };
  peakRssBytes: number;
}

interface Experiment {
  name: string;
  redis?: boolean;
  /** Runs the fault while the fleet exports; resolves when the stack is whole again. */
  fault(stack: Stack, settings: ChaosSettings): Promise<void>;
}

const GRACE_SECONDS = 1;

export const EXPERIMENTS: readonly Experiment[] = [
  {
    name: 'prometheus stopped',
    fault: async (stack, s) => {
      await stack.stopPrometheus();
      await sleep(s.outageSeconds * 1000);
      await stack.startPrometheus();
    },
  },
  { name: 'gateway SIGTERM, in-memory', fault: (stack) => restartGateway(stack, 'SIGTERM') },
  { name: 'gateway SIGTERM, Redis', redis: true, fault: (stack) => restartGateway(stack, 'SIGTERM') },
  { name: 'gateway SIGKILL, in-memory', fault: (stack) => restartGateway(stack, 'SIGKILL') },
  { name: 'gateway SIGKILL, Redis', redis: true, fault: (stack) => restartGateway(stack, 'SIGKILL') },
  {
    name: 'collector SIGKILL',
    fault: async (stack, s) => {
      await stack.stopCollector('SIGKILL');
      await sleep(s.outageSeconds * 1000);
      await stack.startCollector();
    },
  },
  { name: 'gzip bombs', fault: (stack, s) => gzipBombs(stack, s.bombs) },
];

export async function runExperiment(
  experiment: Experiment,
  settings: ChaosSettings,
): Promise<ExperimentResult> {
  const stack = await startStack({
    redis: experiment.redis ?? false,
    prometheusIntervalSeconds: 1,
    quiet: true,
    gatewayConfig: {
      server: { retryAfterSeconds: 1 },
      rateLimit: { enabled: false },
      pipeline: {
        export: { flushIntervalMs: 1000 },
        sessions: { windowSeconds: settings.windowSeconds, windowGraceSeconds: GRACE_SECONDS },
      },
    },
  });
  const version = `chaos-${Date.now()}`;
  const gatewayPid = () => stack.processes().find((p) => p.name === 'gateway-0')?.pid;
  const rss = new PeakRss(gatewayPid);
  const startedMs = Date.now();
  try {
    const fleet = new ClientFleet({
      gatewayUrl: () => stack.gatewayUrl,
      token: (installId) => stack.mintToken(installId),
      sessions: settings.sessions,
      version,
      exportIntervalMs: 1000,
      windowMs: settings.windowSeconds * 1000,
      samplesPerExport: 1,
      retryDelayMs: 500,
    });
    fleet.start();
    // The fault starts at a random moment of the load's middle third.
    const third = (settings.loadSeconds * 1000) / 3;
    await sleep(third + Math.random() * third);
    await experiment.fault(stack, settings);
    await sleep(Math.max(0, startedMs + settings.loadSeconds * 1000 - Date.now()));
    const clients = await fleet.stop(60_000);
    // Every window closes at end + grace, found by the next housekeeping; then two more exports.
    await sleep((settings.windowSeconds + GRACE_SECONDS + 4) * 1000);
    const rangeSeconds = (Date.now() - startedMs) / 1000 + 60;
    const prometheus = await stack
      .waitFor(
        async () => {
          const held = await heldByVersion(stack.prometheusUrl, version, rangeSeconds).catch(() => undefined);
          return held && held.samples >= clients.acknowledgedSamples && held.windows >= clients.windows
            ? held
            : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 1000, what: 'Prometheus to catch up' },
      )
      .catch(() => heldByVersion(stack.prometheusUrl, version, rangeSeconds));
    return { name: experiment.name, clients, prometheus, peakRssBytes: rss.stop() };
  } finally {
    rss.stop();
    await stack.stop();
  }
}

async function restartGateway(stack: Stack, signal: NodeJS.Signals): Promise<void> {
  await stack.stopGateway(0, signal);
  await stack.startGateway(0);
}

/** `count` concurrent requests with a valid token whose gzip body inflates to 64 MiB of zeros. */
async function gzipBombs(stack: Stack, count: number): Promise<void> {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const token = stack.mintToken('chaos-bomber');
  await Promise.allSettled(
    Array.from({ length: count }, () =>
      fetch(`${stack.gatewayUrl}/v1/metrics`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'gzip',
          authorization: `Bearer ${token}`,
        },
        body: bomb,
        signal: AbortSignal.timeout(30_000),
      }).then((response) => response.arrayBuffer()),
    ),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
