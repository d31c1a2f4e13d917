import { describe, expect, it } from 'vitest';
import {
  buildExportRequest,
  CumulativeStore,
  higherCandidate,
  sessionExemplar,
  uuidBytes,
} from '../../../../src/gateway/aggregation/index.js';
import { AggregationTemporality } from '../../../../src/otlp/index.js';
import { SESSION_WINDOWS, STAGE_WINDOWS } from '../../../../src/model/index.js';

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

const delta = (counts: number[], sum: number | undefined, min: number, max: number) => ({
  bucketCounts: counts,
  count: counts.reduce((a, b) => a + b, 0),
  sum,
  min,
  max,
});

describe('CumulativeStore', () => {
  it('accumulates histograms and window counters per series and keeps the start time of creation', () => {
    const store = new CumulativeStore();
    const labels = { version: '1', stage: 'idle', os: 'linux' };
    store.addHistogram('h', labels, delta([1, 0, 0, 0, 0, 0, 0, 0, 1], 1.2, 0.01, 1.19), undefined, 1000);
    store.addHistogram('h', labels, delta([0, 2, 0, 0, 0, 0, 0, 0, 0], 0.15, 0.07, 0.08), undefined, 2000);
    addWindows(store, 'c', { version: '1', os: 'linux' }, 1, 1000);
    addWindows(store, 'c', { version: '1', os: 'linux' }, 1, 3000);
    store.markExported(store.snapshot()); // the zero-valued announcement
    const { histograms, windows } = store.snapshot();
    expect(histograms[0]).toMatchObject({
      bucketCounts: [1, 2, 0, 0, 0, 0, 0, 0, 1],
      count: 4,
      min: 0.01,
      max: 1.19,
      startTimeUnixNano: 1000n * 1_000_000n,
    });
    expect(histograms[0]?.sum).toBeCloseTo(1.35);
    expect(windows[0]).toMatchObject({ active: 2, startTimeUnixNano: 1000n * 1_000_000n });
  });

  it('adds a delta without a sum (optional in OTLP) as sum 0', () => {
    const store = new CumulativeStore();
    const labels = { version: '1', stage: 'idle', os: 'linux' };
    store.addHistogram('h', labels, delta([1, 0, 0, 0, 0, 0, 0, 0, 0], 0.02, 0.02, 0.02), undefined, 1000);
    store.addHistogram(
      'h',
      labels,
      delta([1, 0, 0, 0, 0, 0, 0, 0, 0], undefined, 0.03, 0.03),
      undefined,
      2000,
    );
    store.markExported(store.snapshot());
    expect(store.snapshot().histograms[0]).toMatchObject({ count: 2, sum: 0.02 });
  });

  it('exports a new series at zero first, and its totals once that export succeeded', () => {
    const store = new CumulativeStore();
    store.addHistogram('h', {}, delta([0, 0, 0, 0, 0, 1, 0, 0, 0], 0.4, 0.4, 0.4), undefined, 1000);
    addWindows(store, 'c', {}, 3, 1000);
    const announcement = store.snapshot();
    expect(announcement.histograms[0]).toMatchObject({ count: 0, sum: 0, bucketCounts: Array(9).fill(0) });
    expect(announcement.windows[0]?.active).toBe(0);
    expect(announcement.announcing).toHaveLength(2);
    // A failed export announces nothing: the next snapshot is the announcement again.
    expect(store.snapshot().windows[0]?.active).toBe(0);
    store.markExported(announcement);
    const totals = store.snapshot();
    expect(totals.histograms[0]?.count).toBe(1);
    expect(totals.windows[0]?.active).toBe(3);
    expect(totals.announcing).toHaveLength(0);
    // The announcement carries the series' start time, so Prometheus sees 0 then the totals.
    expect(totals.windows[0]?.startTimeUnixNano).toBe(announcement.windows[0]?.startTimeUnixNano);
  });

  it('expires idle series once their totals were exported', () => {
    const store = new CumulativeStore();
    addWindows(store, 'old', {}, 1, 0);
    addWindows(store, 'new', {}, 1, 50_000);
    store.markExported(store.snapshot()); // announced at zero
    store.markExported(store.snapshot()); // totals exported
    expect(store.expireIdle(60_001, 60_000)).toBe(1);
    expect(store.seriesCount).toBe(1);
  });

  it('keeps an idle series whose deltas were never exported (collector down longer than the idle timeout)', () => {
    const store = new CumulativeStore();
    store.addHistogram('h', {}, delta([1, 0, 0, 0, 0, 0, 0, 0, 0], 0.01, 0.01, 0.01), undefined, 0);
    addWindows(store, 'c', {}, 1, 0);
    expect(store.expireIdle(60_001, 60_000)).toBe(0); // nothing exported yet
    store.markExported(store.snapshot()); // only the zero announcement got through
    expect(store.expireIdle(60_001, 60_000)).toBe(0);
    const totals = store.snapshot();
    addWindows(store, 'c', {}, 1, 1); // arrives while that export is in flight
    store.markExported(totals);
    expect(store.expireIdle(60_001, 60_000)).toBe(1); // the histogram; the counter has a newer delta
    store.markExported(store.snapshot());
    expect(store.expireIdle(60_002, 60_000)).toBe(1);
    expect(store.seriesCount).toBe(0);
  });

  it('keeps the highest sample as exemplar until it is exported', () => {
    const store = new CumulativeStore();
    const add = (max: number, sessionId: string) =>
      store.addHistogram(
        'h',
        {},
        delta([1, 0, 0, 0, 0, 0, 0, 0, 0], max, max, max),
        { value: max, timeUnixNano: 1n, sessionId },
        0,
      );
    add(0.5, 's1');
    store.markExported(store.snapshot()); // the zero-valued announcement carries no exemplar
    add(0.9, 's2');
    add(0.7, 's3');
    const snapshot = store.snapshot();
    expect(snapshot.histograms[0]?.exemplar?.sessionId).toBe('s2');
    add(0.95, 's4'); // arrives while the export is in flight
    store.markExported(snapshot);
    expect(store.snapshot().histograms[0]?.exemplar?.sessionId).toBe('s4');
    store.markExported(store.snapshot());
    expect(store.snapshot().histograms[0]?.exemplar).toBeUndefined();
  });
});

describe('session exemplars', () => {
  it('carry the session UUID as trace id and as filtered attribute', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const exemplar = sessionExemplar({ value: 0.9, timeUnixNano: 5n, sessionId: id });
    expect(Buffer.from(exemplar.traceId).toString('hex')).toBe('0f8fad5bd9cb469fa16570867728950e');
    expect(Buffer.from(exemplar.spanId).toString('hex')).toBe('0f8fad5bd9cb469f');
    expect(exemplar.filteredAttributes).toEqual([{ key: 'session.id', value: id }]);
    expect(uuidBytes('not-a-uuid-at-all')).toBeUndefined();
    expect(sessionExemplar({ value: 1, timeUnixNano: 1n, sessionId: 'abcdefgh' }).traceId).toHaveLength(0);
  });

  it('prefer the higher value and keep the earlier on ties', () => {
    const a = { value: 0.5, timeUnixNano: 1n, sessionId: 'a' };
    const b = { value: 0.5, timeUnixNano: 2n, sessionId: 'b' };
    expect(higherCandidate(a, b)).toBe(a);
    expect(higherCandidate(undefined, b)).toBe(b);
    expect(higherCandidate(a, { ...b, value: 0.6 })?.sessionId).toBe('b');
  });
});

describe('buildExportRequest', () => {
  it('builds one cumulative request stamped with the replica identity', () => {
    const store = new CumulativeStore();
    store.addHistogram('h', { version: '1' }, delta([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, 1, 1), undefined, 0);
    addWindows(store, 'c', { version: '1' }, 1, 0);
    const request = buildExportRequest(store.snapshot(), 'replica-7', 42n);
    const resource = request.resourceMetrics[0]!;
    expect(resource.resource.attributes).toEqual([
      { key: 'service.name', value: 'filesfu-gateway' },
      { key: 'service.instance.id', value: 'replica-7' },
    ]);
    const metrics = resource.scopeMetrics[0]!.metrics;
    expect(resource.scopeMetrics[0]!.scope.name).toBe('filesfu-gateway');
    expect(metrics.map((m) => [m.name, m.type])).toEqual([
      ['process.cpu.utilization', 'histogram'],
      ['filesfu.session.windows', 'sum'],
      ['filesfu.session.windows.high_cpu', 'sum'],
    ]);
    for (const m of metrics) {
      if (m.type === 'histogram' || m.type === 'sum') {
        expect(m.aggregationTemporality).toBe(AggregationTemporality.Cumulative);
        expect(m.dataPoints[0]?.timeUnixNano).toBe(42n);
      }
    }
  });
});

describe('window families', () => {
  it('create active and every high counter of a label set at zero together, and count them together', () => {
    const store = new CumulativeStore();
    addWindows(store, 'w', { version: '1', os: 'linux', cpu_cores: '3-4' }, 2, 1000, [true, false]);
    addWindows(store, 'w', { version: '1', os: 'linux', cpu_cores: '3-4' }, 1, 2000, [true, true]);
    const announcement = store.snapshot();
    expect(announcement.windows[0]).toMatchObject({ active: 0, high: [0, 0] });
    expect(announcement.announcing).toHaveLength(1);
    store.markExported(announcement);
    expect(store.seriesCount).toBe(1);
    expect(store.snapshot().windows[0]).toMatchObject({ active: 3, high: [3, 1] });
  });

  it('export active and high (with threshold) of one label set with the same start time and timestamp', () => {
    const store = new CumulativeStore();
    store.addWindow(
      STAGE_WINDOWS,
      's',
      { version: '1', stage: 'login', os: 'linux' },
      ['0.3', '0.8'],
      [true, false],
      5,
    );
    store.markExported(store.snapshot());
    const metrics = buildExportRequest(store.snapshot(), 'r', 99n).resourceMetrics[0]!.scopeMetrics[0]!
      .metrics;
    const sums = metrics.flatMap((m) => (m.type === 'sum' ? [m] : []));
    expect(sums.map((m) => m.name)).toEqual(['filesfu.stage.windows', 'filesfu.stage.windows.high_cpu']);
    const points = sums.flatMap((m) => m.dataPoints);
    expect(new Set(points.map((p) => p.timeUnixNano))).toEqual(new Set([99n]));
    expect(new Set(points.map((p) => p.startTimeUnixNano)).size).toBe(1);
    const [active, high] = sums;
    expect(active!.dataPoints.map((p) => p.value)).toEqual([1]);
    expect(
      high!.dataPoints.map((p) => [p.attributes.find((a) => a.key === 'threshold')?.value, p.value]),
    ).toEqual([
      ['0.3', 1],
      ['0.8', 0],
    ]);
    expect(high!.dataPoints[0]!.attributes.map((a) => a.key)).toEqual([
      'version',
      'stage',
      'os',
      'threshold',
    ]);
  });

  it('expire active and high together', () => {
    const store = new CumulativeStore();
    addWindows(store, 'w', {}, 1, 0, [true, true]);
    store.markExported(store.snapshot());
    store.markExported(store.snapshot());
    expect(store.expireIdle(60_001, 60_000)).toBe(1);
    expect(store.snapshot().windows).toEqual([]);
  });
});
