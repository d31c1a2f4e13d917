import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFleet, type FleetTotals } from '../../src/chaos/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';
import { freshSum, promSum } from './gateway-pipeline-fixtures.js';

// The embedded (in-memory) default through the REAL chain — gateway process, collector,
// Prometheus — under load from simulated sessions that retry until acknowledged: a SIGTERM restart
// and a collector outage longer than maxUnexportedMs leave Prometheus with exactly the samples and
// session windows the clients had acknowledged, and no counter reset. A SIGKILL too: a request is
// answered only once a checkpoint holds it.

const WINDOW_SECONDS = 3;
const MAX_UNEXPORTED_MS = 1_000;

describe('gateway with in-memory state and a state directory', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      prometheusIntervalSeconds: 1,
      gatewayConfig: {
        server: { retryAfterSeconds: 1 },
        rateLimit: { enabled: false },
        pipeline: {
          export: { flushIntervalMs: 500, maxUnexportedMs: MAX_UNEXPORTED_MS },
          sessions: { windowSeconds: WINDOW_SECONDS, windowGraceSeconds: 1 },
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  function fleet(version: string): ClientFleet {
    return new ClientFleet({
      gatewayUrl: () => stack.gatewayUrl,
      token: (installId) => stack.mintToken(installId),
      sessions: 12,
      version,
      exportIntervalMs: 300,
      windowMs: WINDOW_SECONDS * 1000,
      samplesPerExport: 3,
      retryDelayMs: 200,
    });
  }

  /** Prometheus holds exactly what the clients had acknowledged, and no series of `version` reset. */
  async function expectExact(version: string, totals: FleetTotals): Promise<void> {
    expect(totals.lostSamples).toBe(0);
    expect(totals.acknowledgedSamples).toBe(totals.recordedSamples);
    const samples = `process_cpu_utilization_count{version="${version}"}`;
    const windows = `filesfu_session_windows_total{version="${version}"}`;
    // Windows close by the clock (end + grace) after the sessions stopped.
    await stack.waitFor(async () => ((await promSum(stack, windows)) >= totals.windows ? true : undefined), {
      timeoutMs: 60_000,
      what: `${totals.windows} session windows of ${version}`,
    });
    const sinceMs = Date.now();
    expect(await freshSum(stack, samples, sinceMs, `${version} samples`)).toBe(totals.acknowledgedSamples);
    expect(await freshSum(stack, windows, sinceMs, `${version} windows`)).toBe(totals.windows);
    expect(await promSum(stack, `resets(${samples}[10m])`)).toBe(0);
    expect(await promSum(stack, `resets(${windows}[10m])`)).toBe(0);
  }

  it('SIGTERM and restart under load: every acknowledged sample and window once, no counter reset', async () => {
    const clients = fleet('restart-sigterm');
    clients.start();
    await sleep(4_000);
    await stack.stopGateway(0, 'SIGTERM');
    await stack.startGateway(0);
    await sleep(4_000);
    const totals = await clients.stop(30_000);
    expect(totals.retries).toBeGreaterThan(0); // the restart was felt by the clients
    await expectExact('restart-sigterm', totals);
  });

  it('SIGKILL at a random moment under load: exactly once after the restart', async () => {
    const clients = fleet('restart-sigkill');
    clients.start();
    await sleep(2_000 + Math.random() * 3_000);
    await stack.stopGateway(0, 'SIGKILL');
    await stack.startGateway(0);
    await sleep(3_000);
    const totals = await clients.stop(30_000);
    expect(totals.retries).toBeGreaterThan(0);
    await expectExact('restart-sigkill', totals);
  });

  it('collector down longer than maxUnexportedMs: the gateway keeps accepting and exports it all', async () => {
    const clients = fleet('collector-outage');
    clients.start();
    await sleep(2_000);
    await stack.stopCollector();
    await sleep(MAX_UNEXPORTED_MS * 5);
    const duringOutage = clients.snapshot();
    await stack.startCollector();
    await sleep(2_000);
    const totals = await clients.stop(30_000);
    // Nothing was refused: every export of the outage was acknowledged at its first attempt.
    expect(duringOutage.retries).toBe(0);
    await expectExact('collector-outage', totals);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
