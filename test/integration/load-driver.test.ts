// The Node load driver at CI size against the real stack: an ingest run is delivered exactly once
// (every accepted export's samples and every session window the gateway counted reach Prometheus),
// and a cardinality attack is absorbed (no server errors) while Prometheus stays within the version
// bound. Short session windows (5 s, 1 s grace) close within the test. Every run's sample ledger
// balances cause by cause, and what it says was accepted is what Prometheus holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOSS_CAUSES, ledgerBalances, runLoad, type LedgerSnapshot } from '../../src/load/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';
import { gatewayMetric } from './gateway-pipeline-fixtures.js';

const MAX_VERSIONS = 5;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    quiet: true,
    prometheusIntervalSeconds: 2,
    gatewayConfig: {
      pipeline: {
        export: { flushIntervalMs: 1000 },
        limits: { maxVersions: MAX_VERSIONS },
        // Housekeeping (every flush here) closes them; it also re-ranks the versions, so the
        // version bound holds over the short attack too.
        sessions: { windowSeconds: 5, windowGraceSeconds: 1 },
      },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function scalar(promql: string): Promise<number | undefined> {
  const [sample] = await stack.queryPrometheus(promql);
  return sample === undefined ? undefined : Number(sample.value[1]);
}

/**
 * Once the gateway has no session window open (each closed by progress or by the clock), at least
 * `lastWindows` closed, and every window it closed reached Prometheus (their sum equals the gateway's
 * own count): how many it counted. Windows closed by the clock are not one per session: housekeeping
 * can close a window before the session's next point arrives.
 */
async function deliveredWindows(lastWindows: number, samples?: number): Promise<number> {
  return stack.waitFor(
    async () => {
      const url = stack.gatewayUrl;
      const open = await gatewayMetric(url, 'filesfu_gateway_session_windows_open');
      const closed = await gatewayMetric(url, 'filesfu_gateway_session_windows_closed_total');
      const stored = await scalar('sum(filesfu_session_windows_total)');
      const storedSamples = await scalar('sum(process_cpu_utilization_count)');
      const samplesIn = samples === undefined || storedSamples === samples;
      return open === 0 && closed >= lastWindows && stored === closed && samplesIn ? closed : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, what: 'every session window and sample in Prometheus' },
  );
}

/** recorded = acknowledged + lost + pending, with lost summed cause by cause. */
function expectBalanced(ledger: LedgerSnapshot): void {
  const lostByCause = LOSS_CAUSES.reduce((sum, cause) => sum + ledger.lost[cause], 0);
  expect(lostByCause).toBe(ledger.lost.total);
  expect(ledger.recorded).toBe(ledger.acknowledged.total + lostByCause + ledger.pending);
  expect(ledgerBalances(ledger)).toBe(true);
  // runLoad waits for every answer: nothing is left in flight.
  expect(ledger.pending).toBe(0);
}

let ingestWindows = 0;
/** Sessions sent by the tests so far (each one's last window closes by the clock). */
let sessionsBefore = 0;
let ingestSamples = 0;

describe('load driver against the real stack', () => {
  it('ingest: every accepted export is counted exactly once downstream', async () => {
    const sessions = 60;
    const result = await runLoad({
      mode: 'ingest',
      url: stack.gatewayUrl,
      tokenFor: stack.mintToken,
      sessions,
      durationMs: 6000,
      exportIntervalMs: 2000,
      samplesPerExport: 4,
    });
    const { total } = result;
    expect(total.errors + total.rejected + total.skipped).toBe(0);
    // 60 sessions × one export per 2 s × 6 s, started evenly over the first interval.
    expect(total.requests).toBeGreaterThanOrEqual(sessions * 2);
    expect(total.ok + total.throttled).toBe(total.requests);
    expect(total.latencyMs.p99).toBeGreaterThan(0);
    const ledger = result.samples;
    expectBalanced(ledger);
    expect(ledger.recorded).toBe(total.requests * 4);
    expect(ledger.acknowledged).toMatchObject({ total: total.ok * 4, accepted: total.ok * 4, rejected: 0 });
    expect(ledger.lost).toMatchObject({ total: total.throttled * 4, throttled: total.throttled * 4 });

    // What the driver's books say was accepted is exactly what Prometheus holds.
    const windows = await deliveredWindows(sessions, ledger.acknowledged.accepted);
    // Every session reported in at least one window, and a 6 s run spans at most three 5 s windows.
    expect(windows).toBeGreaterThanOrEqual(sessions);
    expect(windows).toBeLessThanOrEqual(sessions * 3);
    ingestWindows = windows;
    sessionsBefore = sessions;
    ingestSamples = total.ok * 4;
  });

  it('attack: random versions and sessions are absorbed and the version label stays bounded', async () => {
    const result = await runLoad({
      mode: 'attack',
      url: stack.gatewayUrl,
      tokenFor: stack.mintToken,
      sessions: 50,
      durationMs: 4000,
      exportIntervalMs: 1000,
    });
    expect(result.total.requests).toBeGreaterThanOrEqual(100);
    expect(result.total.errors).toBe(0);
    expectBalanced(result.samples);
    // One sample per export; bounded versions are relabelled, never rejected.
    expect(result.samples.acknowledged.total).toBe(result.total.ok);
    expect(result.samples.lost.failed).toBe(0);
    // Each accepted attack export is a new session with one point: one session window.
    const windows = await deliveredWindows(sessionsBefore + result.total.ok);
    expect(windows).toBe(ingestWindows + result.total.ok);
    expect(await scalar('sum(process_cpu_utilization_count)')).toBeGreaterThan(ingestSamples);
    // Every attack export claims a new version; far more than the bound reached the gateway.
    const versions = await scalar('count(count by (version) (filesfu_session_windows_total))');
    expect(versions).toBeLessThanOrEqual(MAX_VERSIONS + 1);
    const series = await scalar('count({__name__=~"filesfu_.*|process_cpu_utilization_.*"})');
    expect(series).toBeLessThanOrEqual(2000 + 10);
  });

  it('ramp steps: the join of a fleet (first export of every session) is measured apart from the steady state', async () => {
    const sessions = 40;
    let joinedCalls = 0;
    const result = await runLoad({
      mode: 'ingest',
      url: stack.gatewayUrl,
      tokenFor: stack.mintToken,
      sessions,
      durationMs: 4000,
      exportIntervalMs: 2000,
      samplesPerExport: 2,
      joinMs: 2000,
      onJoined: () => joinedCalls++,
    });
    expect(joinedCalls).toBe(1);
    const joining = result.joining;
    expect(joining).toBeDefined();
    // Exports are due at an even spread: by the end of the first interval each session has sent one
    // (give or take the one due on the tick that closes the join).
    expect(joining!.requests + joining!.skipped).toBeGreaterThanOrEqual(sessions - 1);
    expect(joining!.requests + joining!.skipped).toBeLessThanOrEqual(sessions + 1);
    // Two more intervals after the join, counted only in the steady state.
    expect(result.total.requests).toBeGreaterThanOrEqual(2 * sessions - 2);
    expect(result.total.errors + result.total.rejected + joining!.errors + joining!.rejected).toBe(0);
    // The run's books cover the join and the steady state alike.
    expectBalanced(result.samples);
    const requests = joining!.requests + joining!.skipped + result.total.requests + result.total.skipped;
    expect(result.samples.recorded).toBe(requests * 2);
  });
});
