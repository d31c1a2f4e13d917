import { describe, expect, it } from 'vitest';
import {
  LabelBounds,
  SeriesBudget,
  VersionBounds,
  seriesKey,
} from '../../../../src/gateway/cardinality/index.js';
import { MemoryStateStore } from '../../../../src/gateway/state/index.js';
import type { SeriesAdmission, StateStore, StateStoreOptions } from '../../../../src/gateway/state/index.js';
import { CPU_HISTOGRAM_COST, windowFamilyCost } from '../../../../src/model/index.js';

const options: StateStoreOptions = {
  thresholds: ['0.3'],
  episodeMinSamples: 5,
  windowMs: 600_000,
  windowGraceMs: 120_000,
  maxTrackedSessions: 100,
  maxZeroWidthStreams: 32,
  dedupWindowMs: 1e9,
  seriesBudget: 2,
  seriesIdleTimeoutMs: 60_000,
  maxVersions: 2,
  versionWindowMs: 3_600_000,
  versionWindowBuckets: 6,
  maxTrackedVersions: 100,
};
const labels = new LabelBounds({ maxLabelValueLength: 8, stages: ['idle', 'indexing'], osTypes: ['linux'] });
const quiet = () => {};

/** A store whose calls can be counted or made to fail. */
function instrumented(store: StateStore): StateStore & { calls: number; failing: boolean } {
  const wrapper = {
    calls: 0,
    failing: false,
    commitSession: store.commitSession.bind(store),
    recordVersionUsage: store.recordVersionUsage.bind(store),
    closeDueWindows: store.closeDueWindows.bind(store),
    housekeeping: store.housekeeping.bind(store),
    ready: () => true,
    close: store.close.bind(store),
    admitSeries: async (requests: SeriesAdmission[], now: number) => {
      wrapper.calls++;
      if (wrapper.failing) throw new Error('down');
      return store.admitSeries(requests, now);
    },
    admitVersions: async (versions: string[]) => {
      wrapper.calls++;
      if (wrapper.failing) throw new Error('down');
      return store.admitVersions(versions);
    },
  };
  return wrapper;
}

describe('LabelBounds', () => {
  it('maps unknown stages/os and too long values to "other", saying which limit did it', () => {
    expect(labels.stage('idle')).toEqual({ value: 'idle', bounded: undefined });
    expect(labels.stage('gaming')).toEqual({ value: 'other', bounded: 'stage_allow_list' });
    expect(labels.stage(undefined)).toEqual({ value: 'other', bounded: 'stage_allow_list' });
    expect(labels.os('linux')).toEqual({ value: 'linux', bounded: undefined });
    expect(labels.os('haiku')).toEqual({ value: 'other', bounded: 'os_allow_list' });
    expect(labels.capLength('123456789')).toEqual({ value: 'other', bounded: 'label_value_length' });
  });
});

describe('VersionBounds', () => {
  it('admits into free slots immediately, then maps the rest to "other" without asking the store', async () => {
    const store = instrumented(new MemoryStateStore(options));
    const versions = new VersionBounds(store, labels, { maxVersions: 2, admissionCacheMs: 60_000 }, quiet);
    const now = Date.now();
    const first = await versions.bound(['1.0', '2.0', '3.0', 'very-long-version'], now);
    expect(Object.fromEntries([...first].map(([k, v]) => [k, v.value]))).toEqual({
      '1.0': '1.0',
      '2.0': '2.0',
      '3.0': 'other',
      'very-long-version': 'other',
    });
    expect(first.get('3.0')?.bounded).toBe('versions');
    const calls = store.calls;
    const again = await versions.bound(['1.0', '4.0'], now + 1);
    expect(again.get('4.0')?.value).toBe('other');
    expect(store.calls).toBe(calls);
  });

  it('follows the re-ranked active set', async () => {
    const store = new MemoryStateStore(options);
    const versions = new VersionBounds(store, labels, { maxVersions: 2, admissionCacheMs: 60_000 }, quiet);
    const now = Date.now();
    await versions.bound(['1.0', '2.0'], now);
    await store.recordVersionUsage(
      new Map([
        ['1.0', 1],
        ['2.0', 3],
        ['3.0', 7],
      ]),
      now,
    );
    versions.refresh((await store.housekeeping(now)).activeVersions, now);
    const result = await versions.bound(['1.0', '2.0', '3.0'], now);
    expect([...result.values()].map((v) => v.value)).toEqual(['other', '2.0', '3.0']);
  });

  it('maps unknown versions to "other" when the store fails', async () => {
    const store = instrumented(new MemoryStateStore(options));
    store.failing = true;
    const versions = new VersionBounds(store, labels, { maxVersions: 2, admissionCacheMs: 60_000 }, quiet);
    expect((await versions.bound(['1.0'], Date.now())).get('1.0')?.value).toBe('other');
  });
});

/** Label sets of one Prometheus series each, named by their keys. */
const counters = (...keys: string[]) => keys.map((key) => ({ key, cost: 1 }));
const histogram = (key: string) => ({ key, cost: CPU_HISTOGRAM_COST });
/** A window-family label set with two thresholds: active + two high counters, one unit. */
const family = (key: string) => ({ key, cost: windowFamilyCost(2) });

describe('SeriesBudget', () => {
  it('asks the store once per series and cache interval', async () => {
    const store = instrumented(new MemoryStateStore(options));
    const budget = new SeriesBudget(store, { admissionCacheMs: 1000 }, quiet);
    const now = Date.now();
    expect([...(await budget.admit(counters('a', 'b', 'c'), now))]).toEqual(['a', 'b']);
    expect([...(await budget.admit(counters('a', 'b', 'c', 'a'), now + 10))]).toEqual(['a', 'b']);
    expect(store.calls).toBe(1);
    await budget.admit(counters('a'), now + 1001);
    expect(store.calls).toBe(2);
  });

  it('charges each label set the Prometheus series it becomes', async () => {
    const cpuCost = CPU_HISTOGRAM_COST;
    const store = new MemoryStateStore({ ...options, seriesBudget: cpuCost + 2 });
    const budget = new SeriesBudget(store, { admissionCacheMs: 1000 }, quiet);
    const now = Date.now();
    const admitted = await budget.admit(
      [histogram('h1'), ...counters('c1'), histogram('h2'), ...counters('c2', 'c3')],
      now,
    );
    expect([...admitted]).toEqual(['h1', 'c1', 'c2']);
    expect((await store.housekeeping(now)).usedSeries).toBe(cpuCost + 2);
  });

  it('admits a window family label set as one unit of 1 + T series, or not at all', async () => {
    const store = new MemoryStateStore({ ...options, seriesBudget: 2 * windowFamilyCost(2) + 2 });
    const budget = new SeriesBudget(store, { admissionCacheMs: 1000 }, quiet);
    const now = Date.now();
    const admitted = await budget.admit([family('f1'), family('f2'), family('f3'), ...counters('c1')], now);
    expect([...admitted]).toEqual(['f1', 'f2', 'c1']);
    expect((await store.housekeeping(now)).usedSeries).toBe(2 * windowFamilyCost(2) + 1);
  });

  it('keeps admitted series and overflows new ones when the store fails', async () => {
    const store = instrumented(new MemoryStateStore({ ...options, seriesBudget: 10 }));
    const budget = new SeriesBudget(store, { admissionCacheMs: 1000 }, quiet);
    const now = Date.now();
    await budget.admit(counters('a'), now);
    store.failing = true;
    expect([...(await budget.admit(counters('a', 'new'), now + 5000))]).toEqual(['a']);
  });
});

describe('seriesKey', () => {
  it('is independent of label order and unambiguous', () => {
    expect(seriesKey('m', { b: '1', a: '2' })).toBe(seriesKey('m', { a: '2', b: '1' }));
    expect(seriesKey('m', { a: 'x",b="y' })).not.toBe(seriesKey('m', { a: 'x', b: 'y' }));
  });
});
