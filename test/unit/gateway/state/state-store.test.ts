import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStateStore, RedisStateStore } from '../../../../src/gateway/state/index.js';
import type { SessionInterval, StateStore, StateStoreOptions } from '../../../../src/gateway/state/index.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';

const HOUR = 3_600_000;
const T0 = 1_764_000_000_000_000_000n; // ns; beyond 2^53 on purpose
const S = 10_000_000_000n; // one 10 s interval in ns

const baseOptions: StateStoreOptions = {
  thresholds: ['0.3', '0.8'],
  overThresholdMinSamples: 5,
  maxTrackedSessions: 1000,
  dedupWindowMs: 72 * HOUR,
  maxSeries: 3,
  seriesIdleTimeoutMs: 60_000,
  maxVersions: 2,
  versionWindowMs: HOUR,
  versionWindowBuckets: 6,
  maxTrackedVersions: 100,
};

function interval(n: number, stage = 'idle', above: number[] = [0, 0]): SessionInterval {
  return {
    startTimeUnixNano: T0 + BigInt(n) * S,
    timeUnixNano: T0 + BigInt(n + 1) * S,
    stage,
    samplesAbove: above,
  };
}

type Factory = (options: StateStoreOptions) => Promise<StateStore>;

let redis: TestRedis;
let prefixCounter = 0;
const opened: StateStore[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis.stop();
});

const factories: Array<[string, Factory]> = [
  ['memory', async (options) => new MemoryStateStore(options)],
  [
    'redis',
    async (options) => {
      const store = new RedisStateStore({
        ...options,
        url: redis.url,
        keyPrefix: `test${prefixCounter++}:`,
        commandTimeoutMs: 5000,
      });
      opened.push(store);
      expect(await store.waitUntilReady(5000)).toBe(true);
      return store;
    },
  ],
];

describe.each(factories)('%s state store', (_name, create) => {
  let store: StateStore;
  beforeEach(async () => {
    store = await create(baseOptions);
  });

  it('accepts in-order intervals and flags retries of acknowledged ones as duplicates', async () => {
    const now = Date.now();
    const first = await store.commitSession(
      { sessionId: 's1', intervals: [interval(0), interval(0, 'sending')] },
      now,
    );
    expect(first.duplicate).toEqual([false, false]);
    expect(first.newlySeen).toBe(true);
    expect(first.newStages.sort()).toEqual(['idle', 'sending']);
    const retry = await store.commitSession(
      { sessionId: 's1', intervals: [interval(0), interval(0, 'sending')] },
      now,
    );
    expect(retry.duplicate).toEqual([true, true]);
    expect(retry.newlySeen).toBe(false);
    expect(retry.newStages).toEqual([]);
    const next = await store.commitSession({ sessionId: 's1', intervals: [interval(1)] }, now);
    expect(next.duplicate).toEqual([false]);
    // A spooled backlog replayed after the live data was acknowledged is also a duplicate.
    const replay = await store.commitSession({ sessionId: 's1', intervals: [interval(0), interval(1)] }, now);
    expect(replay.duplicate).toEqual([true, true]);
    // Sessions are independent.
    const other = await store.commitSession({ sessionId: 's2', intervals: [interval(0)] }, now);
    expect(other.duplicate).toEqual([false]);
  });

  it('distinguishes timestamps that differ only beyond double precision', async () => {
    const now = Date.now();
    const a = { startTimeUnixNano: T0, timeUnixNano: T0 + 1n, stage: 'idle', samplesAbove: [0, 0] };
    await store.commitSession({ sessionId: 'p1', intervals: [a] }, now);
    const b = { startTimeUnixNano: T0 + 1n, timeUnixNano: T0 + 2n, stage: 'idle', samplesAbove: [0, 0] };
    expect((await store.commitSession({ sessionId: 'p1', intervals: [b] }, now)).duplicate).toEqual([false]);
    expect((await store.commitSession({ sessionId: 'p1', intervals: [a] }, now)).duplicate).toEqual([true]);
  });

  it('counts a session over a threshold once, when it accumulates the minimum samples', async () => {
    const now = Date.now();
    const r1 = await store.commitSession(
      { sessionId: 'hot', intervals: [interval(0, 'indexing', [3, 1])] },
      now,
    );
    expect(r1.newOverThresholds).toEqual([]);
    const r2 = await store.commitSession(
      { sessionId: 'hot', intervals: [interval(1, 'sending', [2, 1])] },
      now,
    );
    // 5 samples over 0.3 in total, but only 3 (indexing) + 2 (sending) per stage.
    expect(r2.newOverThresholds).toEqual(['0.3']);
    expect(r2.newStageOverThresholds).toEqual([]);
    const r3 = await store.commitSession(
      { sessionId: 'hot', intervals: [interval(2, 'indexing', [2, 9])] },
      now,
    );
    expect(r3.newOverThresholds).toEqual(['0.8']);
    expect(r3.newStageOverThresholds).toEqual([
      { stage: 'indexing', threshold: '0.3' },
      { stage: 'indexing', threshold: '0.8' },
    ]);
    const r4 = await store.commitSession(
      { sessionId: 'hot', intervals: [interval(3, 'indexing', [50, 50])] },
      now,
    );
    expect(r4.newOverThresholds).toEqual([]);
    expect(r4.newStageOverThresholds).toEqual([]);
    // A duplicate never adds samples.
    const dup = await store.commitSession(
      { sessionId: 'hot', intervals: [interval(1, 'sending', [9, 9])] },
      now,
    );
    expect(dup.duplicate).toEqual([true]);
    expect(dup.newStageOverThresholds).toEqual([]);
  });

  it('is exact under concurrent commits of the same session', async () => {
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.commitSession({ sessionId: 'race', intervals: [interval(0, 'idle', [5, 5])] }, now),
      ),
    );
    expect(results.filter((r) => r.newlySeen)).toHaveLength(1);
    expect(results.filter((r) => !r.duplicate[0])).toHaveLength(1);
    expect(results.flatMap((r) => r.newOverThresholds).sort()).toEqual(['0.3', '0.8']);
  });

  it('forgets a session after the dedup window (the point-age limit rejects such replays first)', async () => {
    const now = Date.now();
    await store.commitSession({ sessionId: 'old', intervals: [interval(0)] }, now - 73 * HOUR);
    await store.housekeeping(now);
    const again = await store.commitSession({ sessionId: 'old', intervals: [interval(0)] }, now);
    expect(again.duplicate).toEqual([false]);
    expect(again.newlySeen).toBe(true);
  });

  it('evicts the least recently seen sessions beyond maxTrackedSessions', async () => {
    const small = await create({ ...baseOptions, maxTrackedSessions: 2 });
    const now = Date.now();
    await small.commitSession({ sessionId: 'a', intervals: [interval(0)] }, now - 3);
    await small.commitSession({ sessionId: 'b', intervals: [interval(0)] }, now - 2);
    await small.commitSession({ sessionId: 'c', intervals: [interval(0)] }, now - 1);
    const snapshot = await small.housekeeping(now);
    expect(snapshot.trackedSessions).toBe(2);
    expect((await small.commitSession({ sessionId: 'c', intervals: [interval(0)] }, now)).duplicate).toEqual([
      true,
    ]);
    expect((await small.commitSession({ sessionId: 'a', intervals: [interval(0)] }, now)).duplicate).toEqual([
      false,
    ]);
  });

  it('admits series up to the budget, touches known ones and frees idle ones', async () => {
    const now = Date.now();
    expect(await store.admitSeries(['a', 'b'], now)).toEqual([true, true]);
    expect(await store.admitSeries(['c', 'd', 'a'], now + 1000)).toEqual([true, false, true]);
    expect((await store.housekeeping(now + 1000)).activeSeries).toBe(3);
    // b and c idle past the timeout; a was touched later.
    const later = now + 1000 + baseOptions.seriesIdleTimeoutMs - 500;
    expect(await store.admitSeries(['a'], later)).toEqual([true]);
    expect((await store.housekeeping(now + 1000 + baseOptions.seriesIdleTimeoutMs + 1)).activeSeries).toBe(1);
    expect(await store.admitSeries(['d', 'e', 'f'], later + 2000)).toEqual([true, true, false]);
  });

  it('admits versions into free slots and re-ranks the most used in the window', async () => {
    const now = Date.now();
    expect(await store.admitVersions(['1.0', '2.0', '3.0'])).toEqual([true, true, false]);
    await store.recordVersionUsage(
      new Map([
        ['1.0', 1],
        ['2.0', 5],
        ['3.0', 9],
      ]),
      now,
    );
    expect((await store.housekeeping(now)).activeVersions.sort()).toEqual(['2.0', '3.0']);
    expect(await store.admitVersions(['1.0', '3.0'])).toEqual([false, true]);
    // Usage ages out of the window: nothing ranked, slots free again.
    const snapshot = await store.housekeeping(now + 2 * HOUR);
    expect(snapshot.activeVersions).toEqual([]);
    expect(await store.admitVersions(['1.0'])).toEqual([true]);
  });

  it('keeps currently active versions on equal usage', async () => {
    const now = Date.now();
    await store.admitVersions(['b', 'c']);
    await store.recordVersionUsage(
      new Map([
        ['a', 2],
        ['b', 2],
        ['c', 2],
      ]),
      now,
    );
    expect((await store.housekeeping(now)).activeVersions.sort()).toEqual(['b', 'c']);
  });
});

describe('redis state store shared by two replicas', () => {
  it('deduplicates and counts sessions exactly when requests alternate between replicas', async () => {
    const [a, b] = [
      new RedisStateStore({ ...baseOptions, url: redis.url, keyPrefix: 'shared:', commandTimeoutMs: 5000 }),
      new RedisStateStore({ ...baseOptions, url: redis.url, keyPrefix: 'shared:', commandTimeoutMs: 5000 }),
    ];
    opened.push(a, b);
    await Promise.all([a.waitUntilReady(5000), b.waitUntilReady(5000)]);
    const now = Date.now();
    let seen = 0;
    let over = 0;
    for (let n = 0; n < 6; n++) {
      const replica = n % 2 === 0 ? a : b;
      const result = await replica.commitSession(
        { sessionId: 'alt', intervals: [interval(n, 'idle', [1, 0])] },
        now,
      );
      const retry = await (replica === a ? b : a).commitSession(
        { sessionId: 'alt', intervals: [interval(n, 'idle', [1, 0])] },
        now,
      );
      expect(retry.duplicate).toEqual([true]);
      seen += Number(result.newlySeen);
      over += result.newOverThresholds.length;
    }
    expect(seen).toBe(1);
    expect(over).toBe(1);
    expect(await a.admitSeries(['x', 'y', 'z'], now)).toEqual([true, true, true]);
    expect(await b.admitSeries(['w', 'x'], now)).toEqual([false, true]);
  });
});
