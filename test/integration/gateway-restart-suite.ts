import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClientFleet, type FleetTotals } from '../../src/chaos/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';
import { freshSum, promSum } from './gateway-pipeline-fixtures.js';

// The restart experiments through the REAL chain — gateway process, collector, Prometheus — under
// load from simulated sessions that retry until acknowledged: a SIGTERM restart, a SIGKILL at a
// random moment and a collector killed for longer than maxUnexportedMs leave Prometheus with exactly
// the samples and session windows the clients recorded, and no counter reset. A request is answered
// only once a checkpoint holds what it added; with Redis, a commit that reached Redis before the
// crash is replayed from the replica's journal there.

const WINDOW_SECONDS = 3;
const MAX_UNEXPORTED_MS = 1_000;
const SIGKILLS = 4;

/** The restart experiments against one gateway replica with a state directory, its state in memory or in Redis. */
export function restartSuite(state: 'in-memory' | 'redis'): void {
  let stack: Stack;
  // Each experiment has its own version label, so its series are its own.
  const versionOf = (experiment: string) => `${experiment}-${state}`;

  beforeAll(async () => {
    stack = await startStack({
      redis: state === 'redis',
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
      sessions: 24,
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
    const clients = fleet(versionOf('restart-sigterm'));
    clients.start();
    await sleep(4_000);
    await stack.stopGateway(0, 'SIGTERM');
    await stack.startGateway(0);
    await sleep(4_000);
    const totals = await clients.stop(30_000);
    expect(totals.retries).toBeGreaterThan(0); // the restart was felt by the clients
    await expectExact(versionOf('restart-sigterm'), totals);
  });

  it('SIGKILL at random moments under load: exactly once after each restart', async () => {
    const clients = fleet(versionOf('restart-sigkill'));
    clients.start();
    // Several kills: each lands between a commit and its checkpoint with some requests in flight.
    for (let kill = 0; kill < SIGKILLS; kill++) {
      await sleep(1_000 + Math.random() * 2_000);
      await stack.stopGateway(0, 'SIGKILL');
      await stack.startGateway(0);
    }
    await sleep(2_000);
    const totals = await clients.stop(30_000);
    expect(totals.retries).toBeGreaterThan(0);
    await expectExact(versionOf('restart-sigkill'), totals);
  });

  it('collector killed (SIGKILL) for longer than maxUnexportedMs: the gateway keeps accepting and exports it all', async () => {
    const clients = fleet(versionOf('collector-outage'));
    clients.start();
    await sleep(2_000);
    await stack.stopCollector('SIGKILL');
    await sleep(MAX_UNEXPORTED_MS * 5);
    const duringOutage = clients.snapshot();
    await stack.startCollector();
    await sleep(2_000);
    const totals = await clients.stop(30_000);
    // Nothing was refused: every export of the outage was acknowledged at its first attempt.
    expect(duringOutage.retries).toBe(0);
    await expectExact(versionOf('collector-outage'), totals);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
