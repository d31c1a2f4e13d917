import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CumulativeStore } from '../../../../src/gateway/aggregation/index.js';
import { ExportLoop } from '../../../../src/gateway/export/index.js';
import type { ExportConfig, ExportLoopDeps } from '../../../../src/gateway/export/index.js';
import { pipelineConfigSchema } from '../../../../src/gateway/pipeline/config.js';
import { exportedSums, startFakeCollector, type FakeCollector } from '../../../support/fake-collector.js';
import { SESSION_WINDOWS } from '../../../../src/model/index.js';

/** Counts `n` closed session windows in label set `key` of the session family (thresholds 0.3, 0.8). */
function addWindows(
  store: CumulativeStore,
  key: string,
  labels: Record<string, string>,
  n: number,
  nowMs: number,
  high: boolean[] = [false, false],
): void {
  for (let i = 0; i < n; i++) store.addWindow(SESSION_WINDOWS, key, labels, ['0.3', '0.8'], high, nowMs);
}

let collector: FakeCollector;
beforeAll(async () => {
  collector = await startFakeCollector();
});
afterAll(() => collector.close());

function loop(
  overrides: Partial<ExportLoopDeps> = {},
  exportSettings: Record<string, unknown> = {},
  derived: Partial<ExportConfig> = {},
) {
  const results: string[] = [];
  const store = new CumulativeStore();
  const config = {
    ...pipelineConfigSchema.parse({ export: { collectorUrl: collector.url, ...exportSettings } }).export,
    ...derived,
  };
  const exporter = new ExportLoop({
    store,
    replicaId: 'r1',
    config,
    metrics: { exported: (result) => results.push(result) },
    log: () => {},
    ...overrides,
  });
  return { exporter, store, results };
}

describe('ExportLoop', () => {
  it('exports cumulative values and nothing is lost across a failed export', async () => {
    const { exporter, store, results } = loop();
    addWindows(store, 'c', { version: '1' }, 1, Date.now());
    exporter.markDirty();
    collector.status = 503;
    expect(await exporter.flush()).toBe(false);
    addWindows(store, 'c', { version: '1' }, 1, Date.now());
    collector.status = 200;
    expect(await exporter.flush()).toBe(true);
    // A new series goes out at zero first (so Prometheus' increase() counts all of it)…
    expect(exportedSums(collector.latest(), 'filesfu.session.windows')[0]?.point.value).toBe(0);
    expect(await exporter.flush()).toBe(true);
    // …then with its totals.
    expect(exportedSums(collector.latest(), 'filesfu.session.windows')[0]?.point.value).toBe(2);
    expect(results).toEqual(['failure', 'success', 'success']);
  });

  it('measures how long accepted data has been unexported, from the first unexported batch', async () => {
    let now = 1_000_000;
    const { exporter, store } = loop({ now: () => now });
    expect(exporter.unexportedMs()).toBe(0);
    addWindows(store, 'c', {}, 1, now);
    exporter.markDirty();
    now += 5000;
    exporter.markDirty();
    expect(exporter.unexportedMs()).toBe(5000);
    collector.status = 500;
    await exporter.flush();
    now += 1000;
    expect(exporter.unexportedMs()).toBe(6000);
    collector.status = 200;
    await exporter.flush();
    expect(exporter.unexportedMs()).toBe(0);
  });

  it('is behind only while exports fail, not while data waits for the next regular flush', async () => {
    let now = 1_000_000;
    const { exporter, store } = loop({ now: () => now });
    addWindows(store, 'c', {}, 1, now);
    exporter.markDirty();
    now += 120_000;
    expect(exporter.isBehind(60_000)).toBe(false);
    collector.status = 503;
    await exporter.flush();
    expect(exporter.isBehind(60_000)).toBe(true);
    expect(exporter.isBehind(180_000)).toBe(false);
    collector.status = 200;
    await exporter.flush();
    expect(exporter.isBehind(0)).toBe(false);
  });

  it('never runs two exports at once; a flush during one runs after it', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { exporter, store } = loop({
      post: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return {};
      },
    });
    addWindows(store, 'c', {}, 1, Date.now());
    const results = await Promise.all([exporter.flush(), exporter.flush(), exporter.flush()]);
    expect(results).toEqual([true, true, true]);
    expect(maxInFlight).toBe(1);
  });

  it('retries the final flush until it succeeds within the shutdown bound', async () => {
    let attempts = 0;
    const { exporter, store } = loop({
      post: async () => {
        if (++attempts < 3) throw new Error('collector restarting');
        return {};
      },
    });
    addWindows(store, 'c', {}, 1, Date.now());
    expect(await exporter.shutdown()).toBe(true);
    // Two failures, the zero-valued announcement of the new series, then its totals.
    expect(attempts).toBe(4);
  });

  it('flushAll and shutdown send the totals of series created just before them', async () => {
    const { exporter, store } = loop();
    addWindows(store, 'c', {}, 5, Date.now());
    expect(await exporter.flushAll()).toBe(true);
    expect(exportedSums(collector.latest(), 'filesfu.session.windows')[0]?.point.value).toBe(5);
    addWindows(store, 'd', { version: '2' }, 7, Date.now());
    expect(await exporter.shutdown()).toBe(true);
    const values = exportedSums(collector.latest(), 'filesfu.session.windows').map((s) => s.point.value);
    expect(values.sort()).toEqual([5, 7]);
  });

  it('gives up the final flush after shutdownFlushTimeoutMs', async () => {
    const { exporter, store } = loop(
      {
        post: async () => {
          throw new Error('collector gone');
        },
      },
      {},
      { shutdownFlushTimeoutMs: 50 },
    );
    addWindows(store, 'c', {}, 1, Date.now());
    expect(await exporter.shutdown()).toBe(false);
  });

  it('bounds the final flush attempts by shutdownFlushTimeoutMs, however long the export timeout', async () => {
    const timeouts: number[] = [];
    const { exporter, store } = loop(
      {
        // A collector that never answers: each attempt ends at its timeout.
        post: (_url, _request, timeoutMs) => {
          timeouts.push(timeoutMs);
          return new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs));
        },
      },
      { flushIntervalMs: 3_600_000 },
      { shutdownFlushTimeoutMs: 50 },
    );
    addWindows(store, 'c', {}, 1, Date.now());
    expect(await exporter.shutdown()).toBe(false);
    expect(timeouts.length).toBeGreaterThan(0);
    for (const timeoutMs of timeouts) expect(timeoutMs).toBeLessThanOrEqual(50);
  });
});
