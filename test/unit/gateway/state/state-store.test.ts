import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryStateStore,
  RedisStateStore,
  commitSessions,
  sessionCommit,
} from '../../../../src/gateway/state/index.js';
import type {
  SeriesAdmission,
  SessionInterval,
  StateStore,
  StateStoreOptions,
} from '../../../../src/gateway/state/index.js';
import {
  CPU_METRIC,
  SESSIONS_METRIC,
  prometheusSeriesCost,
} from '../../../../src/gateway/validation/index.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';

const HOUR = 3_600_000;
const T0 = 1_764_000_000_000_000_000n; // ns; beyond 2^53 on purpose
const S = 10_000_000_000n; // one 10 s interval in ns

const baseOptions: StateStoreOptions = {
  thresholds: ['0.3', '0.8'],
  overThresholdMinSamples: 5,
  maxTrackedSessions: 1000,
  maxZeroWidthStreams: 3,
  dedupWindowMs: 72 * HOUR,
  // Room for one CPU histogram label set plus two counter label sets (in Prometheus series).
  seriesBudget: prometheusSeriesCost(CPU_METRIC) + 2,
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

const counter = (key: string): SeriesAdmission => ({ key, cost: prometheusSeriesCost(SESSIONS_METRIC) });
const histogram = (key: string): SeriesAdmission => ({ key, cost: prometheusSeriesCost(CPU_METRIC) });

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

/** A connected Redis store on the test server, closed after all tests. */
async function openRedisStore(
  keyPrefix: string,
  options: StateStoreOptions = baseOptions,
  commandTimeoutMs = 5000,
): Promise<RedisStateStore> {
  const store = new RedisStateStore({ ...options, url: redis.url, keyPrefix, commandTimeoutMs });
  opened.push(store);
  expect(await store.waitUntilReady(5000)).toBe(true);
  return store;
}

const factories: Array<[string, Factory]> = [
  ['memory', async (options) => new MemoryStateStore(options)],
  ['redis', (options) => openRedisStore(`test${prefixCounter++}:`, options)],
];

describe.each(factories)('%s state store', (_name, create) => {
  let store: StateStore;
  beforeEach(async () => {
    store = await create(baseOptions);
  });

  it("commits a request's sessions in one call as one commitSession each, in order", async () => {
    const now = Date.now();
    const results = await commitSessions(
      store,
      [
        sessionCommit('b1', [interval(0)]),
        sessionCommit('b2', [interval(0), interval(0, 'sending')]),
        // The same session again in the same call: committed after the first, so its replay.
        sessionCommit('b1', [interval(0), interval(1)]),
      ],
      now,
    );
    const values = results.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    expect(values.map((v) => v.duplicate)).toEqual([[false], [false, false], [true, false]]);
    expect(values.map((v) => v.newlySeen)).toEqual([true, true, false]);
  });

  it('accepts in-order intervals and flags retries of acknowledged ones as duplicates', async () => {
    const now = Date.now();
    const first = await store.commitSession(sessionCommit('s1', [interval(0), interval(0, 'sending')]), now);
    expect(first.duplicate).toEqual([false, false]);
    expect(first.newlySeen).toBe(true);
    expect(first.newStages.sort()).toEqual(['idle', 'sending']);
    const retry = await store.commitSession(sessionCommit('s1', [interval(0), interval(0, 'sending')]), now);
    expect(retry.duplicate).toEqual([true, true]);
    expect(retry.newlySeen).toBe(false);
    expect(retry.newStages).toEqual([]);
    const next = await store.commitSession(sessionCommit('s1', [interval(1)]), now);
    expect(next.duplicate).toEqual([false]);
    // A spooled backlog replayed after the live data was acknowledged is also a duplicate.
    const replay = await store.commitSession(sessionCommit('s1', [interval(0), interval(1)]), now);
    expect(replay.duplicate).toEqual([true, true]);
    // Sessions are independent.
    const other = await store.commitSession(sessionCommit('s2', [interval(0)]), now);
    expect(other.duplicate).toEqual([false]);
  });

  it('counts an interval repeated within one commit once', async () => {
    const now = Date.now();
    const idle = interval(0, 'idle', [1, 0]);
    const result = await store.commitSession(
      sessionCommit('r1', [idle, interval(0, 'indexing'), { ...idle }, interval(1, 'idle')]),
      now,
    );
    expect(result.duplicate).toEqual([false, false, true, false]);
    // Two raw stages bounded to the same label are two streams, not a repeat.
    const bounded = await store.commitSession(
      sessionCommit('r2', [
        { ...interval(0, 'other'), stream: 'migrating' },
        { ...interval(0, 'other'), stream: 'repairing' },
        { ...interval(0, 'other'), stream: 'migrating' },
      ]),
      now,
    );
    expect(bounded.duplicate).toEqual([false, false, true]);
  });

  it('counts a zero-width interval at the watermark once, also when it is retried', async () => {
    const now = Date.now();
    // The watchdog's shutdown export can fall in the same millisecond as the export before it:
    // an interval that starts and ends at the watermark, with samples in it.
    const end = interval(1).startTimeUnixNano;
    const zeroWidth = (stream: string, above = [0, 0]): SessionInterval => ({
      startTimeUnixNano: end,
      timeUnixNano: end,
      stage: stream,
      samplesAbove: above,
    });
    await store.commitSession(sessionCommit('z1', [interval(0, 'idle'), interval(0, 'sending')]), now);
    const shutdown = await store.commitSession(sessionCommit('z1', [zeroWidth('shutdown', [3, 0])]), now);
    expect(shutdown.duplicate).toEqual([false]);
    expect(shutdown.newStages).toEqual(['shutdown']);
    // Its retry (the response was lost) is a duplicate; another stream's zero-width interval at the
    // same watermark is not, and then is remembered beside the first.
    const retry = await store.commitSession(sessionCommit('z1', [zeroWidth('shutdown', [3, 0])]), now);
    expect(retry.duplicate).toEqual([true]);
    const second = await store.commitSession(
      sessionCommit('z1', [zeroWidth('idle', [1, 0]), zeroWidth('shutdown', [3, 0])]),
      now,
    );
    expect(second.duplicate).toEqual([false, true]);
    const both = await store.commitSession(
      sessionCommit('z1', [zeroWidth('idle', [1, 0]), zeroWidth('shutdown', [3, 0])]),
      now,
    );
    expect(both.duplicate).toEqual([true, true]);
    // 3 + 1 samples above 0.3 so far, one short of the minimum (5): any retry counted would cross.
    for (const result of [retry, second, both]) expect(result.newOverThresholds).toEqual([]);
    // The next interval starts at that same watermark and is new; after it, the zero-width
    // intervals lie before the watermark and are duplicates by the plain rule.
    const next = await store.commitSession(sessionCommit('z1', [interval(1, 'idle')]), now);
    expect(next.duplicate).toEqual([false]);
    expect(next.newOverThresholds).toEqual([]);
    expect((await store.commitSession(sessionCommit('z1', [zeroWidth('shutdown')]), now)).duplicate).toEqual([
      true,
    ]);
    // A zero-width interval at a new watermark is counted, once.
    const later = interval(2).startTimeUnixNano;
    const atLater = { ...zeroWidth('shutdown', [1, 0]), startTimeUnixNano: later, timeUnixNano: later };
    const crossed = await store.commitSession(sessionCommit('z1', [atLater]), now);
    expect(crossed.duplicate).toEqual([false]);
    expect(crossed.newOverThresholds).toEqual(['0.3']);
    expect((await store.commitSession(sessionCommit('z1', [atLater]), now)).duplicate).toEqual([true]);
  });

  it('tells a zero-width interval from the next one of its stream, which starts at the same time', async () => {
    const now = Date.now();
    const at = (n: number) => interval(n).startTimeUnixNano;
    const span = (stage: string, from: bigint, to: bigint): SessionInterval => ({
      startTimeUnixNano: from,
      timeUnixNano: to,
      stage,
      samplesAbove: [0, 0],
    });
    // A replayed backlog: an interval, the zero-width one at its end, and the next one. All new.
    const backlog = [span('idle', at(0), at(1)), span('idle', at(1), at(1)), span('idle', at(1), at(2))];
    expect((await store.commitSession(sessionCommit('zb', backlog), now)).duplicate).toEqual([
      false,
      false,
      false,
    ]);
    expect((await store.commitSession(sessionCommit('zb', backlog), now)).duplicate).toEqual([
      true,
      true,
      true,
    ]);
    // A retried zero-width interval and the next interval in one commit: the retry is a duplicate,
    // the next interval is new (it shares only its start with the retry).
    await store.commitSession(sessionCommit('zc', [span('idle', at(0), at(1))]), now);
    await store.commitSession(sessionCommit('zc', [span('idle', at(1), at(1))]), now);
    const mixed = await store.commitSession(
      sessionCommit('zc', [span('idle', at(1), at(1)), span('idle', at(1), at(2))]),
      now,
    );
    expect(mixed.duplicate).toEqual([true, false]);
    expect(
      (await store.commitSession(sessionCommit('zc', [span('idle', at(1), at(2))]), now)).duplicate,
    ).toEqual([true]);
  });

  it('remembers at most maxZeroWidthStreams streams at a watermark; beyond, zero-width intervals there are duplicates', async () => {
    const now = Date.now();
    const end = interval(1).startTimeUnixNano;
    const zeroWidth = (stream: string): SessionInterval => ({
      startTimeUnixNano: end,
      timeUnixNano: end,
      stage: 'other',
      stream,
      samplesAbove: [0, 0],
    });
    await store.commitSession(sessionCommit('zm', [interval(0)]), now);
    // maxZeroWidthStreams is 3 here: four new streams are counted, the first three remembered.
    const four = ['s1', 's2', 's3', 's4'].map(zeroWidth);
    expect((await store.commitSession(sessionCommit('zm', four), now)).duplicate).toEqual([
      false,
      false,
      false,
      false,
    ]);
    // With the list full, any zero-width interval at that watermark is a duplicate: the retry of
    // the fourth (never counted twice) and a fifth stream (never seen; dropped, documented).
    const more = await store.commitSession(sessionCommit('zm', [zeroWidth('s4'), zeroWidth('s5')]), now);
    expect(more.duplicate).toEqual([true, true]);
    // The next interval moves the watermark on; the list no longer applies.
    expect((await store.commitSession(sessionCommit('zm', [interval(1)]), now)).duplicate).toEqual([false]);
  });

  it('finds repeats in a long commit (a replayed backlog) the same way', async () => {
    const now = Date.now();
    // 40 intervals: past the pairwise scan, so the keyed pass decides. Every 5th repeats an
    // earlier one; a repeat in another stream is new.
    const intervals: SessionInterval[] = [];
    const expected: boolean[] = [];
    for (let n = 0; n < 40; n++) {
      const repeat = n % 5 === 4;
      intervals.push(repeat ? { ...interval(n - 2), stream: n % 10 === 4 ? 'idle' : 'raw' } : interval(n));
      expected.push(repeat && n % 10 === 4);
    }
    const result = await store.commitSession(sessionCommit('long', intervals), now);
    expect(result.duplicate).toEqual(expected);
  });

  it('distinguishes timestamps that differ only beyond double precision', async () => {
    const now = Date.now();
    const a = { startTimeUnixNano: T0, timeUnixNano: T0 + 1n, stage: 'idle', samplesAbove: [0, 0] };
    await store.commitSession(sessionCommit('p1', [a]), now);
    const b = { startTimeUnixNano: T0 + 1n, timeUnixNano: T0 + 2n, stage: 'idle', samplesAbove: [0, 0] };
    expect((await store.commitSession(sessionCommit('p1', [b]), now)).duplicate).toEqual([false]);
    expect((await store.commitSession(sessionCommit('p1', [a]), now)).duplicate).toEqual([true]);
  });

  it('counts a session over a threshold once, when it accumulates the minimum samples', async () => {
    const now = Date.now();
    const r1 = await store.commitSession(sessionCommit('hot', [interval(0, 'indexing', [3, 1])]), now);
    expect(r1.newOverThresholds).toEqual([]);
    const r2 = await store.commitSession(sessionCommit('hot', [interval(1, 'sending', [2, 1])]), now);
    // 5 samples over 0.3 in total, but only 3 (indexing) + 2 (sending) per stage.
    expect(r2.newOverThresholds).toEqual(['0.3']);
    expect(r2.newStageOverThresholds).toEqual([]);
    const r3 = await store.commitSession(sessionCommit('hot', [interval(2, 'indexing', [2, 9])]), now);
    expect(r3.newOverThresholds).toEqual(['0.8']);
    expect(r3.newStageOverThresholds).toEqual([
      { stage: 'indexing', threshold: '0.3' },
      { stage: 'indexing', threshold: '0.8' },
    ]);
    const r4 = await store.commitSession(sessionCommit('hot', [interval(3, 'indexing', [50, 50])]), now);
    expect(r4.newOverThresholds).toEqual([]);
    expect(r4.newStageOverThresholds).toEqual([]);
    // A duplicate never adds samples.
    const dup = await store.commitSession(sessionCommit('hot', [interval(1, 'sending', [9, 9])]), now);
    expect(dup.duplicate).toEqual([true]);
    expect(dup.newStageOverThresholds).toEqual([]);
  });

  it('is exact under concurrent commits of the same session', async () => {
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.commitSession(sessionCommit('race', [interval(0, 'idle', [5, 5])]), now),
      ),
    );
    expect(results.filter((r) => r.newlySeen)).toHaveLength(1);
    expect(results.filter((r) => !r.duplicate[0])).toHaveLength(1);
    expect(results.flatMap((r) => r.newOverThresholds).sort()).toEqual(['0.3', '0.8']);
  });

  it('forgets a session after the dedup window (the point-age limit rejects such replays first)', async () => {
    const now = Date.now();
    await store.commitSession(sessionCommit('old', [interval(0)]), now - 73 * HOUR);
    await store.housekeeping(now);
    const again = await store.commitSession(sessionCommit('old', [interval(0)]), now);
    expect(again.duplicate).toEqual([false]);
    expect(again.newlySeen).toBe(true);
  });

  it('evicts the least recently seen sessions beyond maxTrackedSessions', async () => {
    const small = await create({ ...baseOptions, maxTrackedSessions: 2 });
    const now = Date.now();
    await small.commitSession(sessionCommit('a', [interval(0)]), now - 3);
    await small.commitSession(sessionCommit('b', [interval(0)]), now - 2);
    await small.commitSession(sessionCommit('c', [interval(0)]), now - 1);
    const snapshot = await small.housekeeping(now);
    expect(snapshot.trackedSessions).toBe(2);
    expect((await small.commitSession(sessionCommit('c', [interval(0)]), now)).duplicate).toEqual([true]);
    expect((await small.commitSession(sessionCommit('a', [interval(0)]), now)).duplicate).toEqual([false]);
  });

  it('admits label sets while their Prometheus series fit, touches known ones and frees idle ones', async () => {
    const now = Date.now();
    const [h, c] = [histogram('h').cost, counter('c').cost];
    expect(await store.admitSeries([histogram('a'), counter('b')], now)).toEqual([true, true]);
    // A second histogram does not fit; the last counter still does; known keys are touched.
    expect(await store.admitSeries([histogram('c'), counter('d'), histogram('a')], now + 1000)).toEqual([
      false,
      true,
      true,
    ]);
    expect(await store.admitSeries([counter('e')], now + 1000)).toEqual([false]);
    expect((await store.housekeeping(now + 1000)).usedSeries).toBe(h + 2 * c);
    // b and d idle past the timeout (their cost is freed); a was touched later.
    const later = now + 1000 + baseOptions.seriesIdleTimeoutMs - 500;
    expect(await store.admitSeries([histogram('a')], later)).toEqual([true]);
    expect((await store.housekeeping(now + 1000 + baseOptions.seriesIdleTimeoutMs + 1)).usedSeries).toBe(h);
    expect(await store.admitSeries([counter('d'), counter('e'), counter('f')], later + 2000)).toEqual([
      true,
      true,
      false,
    ]);
    // Once a expires too, its eleven series are free for another histogram.
    const muchLater = later + 2000 + baseOptions.seriesIdleTimeoutMs + 1;
    expect((await store.housekeeping(muchLater)).usedSeries).toBe(0);
    expect(
      await store.admitSeries([histogram('c'), counter('g'), counter('h'), counter('i')], muchLater),
    ).toEqual([true, true, true, false]);
    expect((await store.housekeeping(muchLater)).usedSeries).toBe(baseOptions.seriesBudget);
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
      const result = await replica.commitSession(sessionCommit('alt', [interval(n, 'idle', [1, 0])]), now);
      const retry = await (replica === a ? b : a).commitSession(
        sessionCommit('alt', [interval(n, 'idle', [1, 0])]),
        now,
      );
      expect(retry.duplicate).toEqual([true]);
      seen += Number(result.newlySeen);
      over += result.newOverThresholds.length;
    }
    expect(seen).toBe(1);
    expect(over).toBe(1);
    expect(await a.admitSeries([histogram('x'), counter('y'), counter('z')], now)).toEqual([
      true,
      true,
      true,
    ]);
    expect(await b.admitSeries([counter('w'), histogram('x')], now)).toEqual([false, true]);
  });

  it('admits exactly up to the budget under concurrent admissions from several replicas', async () => {
    const options = { ...baseOptions, seriesBudget: 100 };
    const replicas = [0, 1, 2].map(
      () => new RedisStateStore({ ...options, url: redis.url, keyPrefix: 'race:', commandTimeoutMs: 5000 }),
    );
    opened.push(...replicas);
    await Promise.all(replicas.map((r) => r.waitUntilReady(5000)));
    const now = Date.now();
    const requests = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0 ? histogram(`h${i}`) : counter(`c${i}`),
    );
    const decisions = await Promise.all(
      replicas.flatMap((replica, r) =>
        requests.map((request, i) => (i % 3 === r ? replica.admitSeries([request], now) : undefined)),
      ),
    );
    const admittedCost = decisions.reduce(
      (sum, d, i) => sum + (d?.[0] ? (requests[i % requests.length]?.cost ?? 0) : 0),
      0,
    );
    const used = (await replicas[0]!.housekeeping(now)).usedSeries;
    expect(used).toBe(admittedCost);
    expect(used).toBeLessThanOrEqual(options.seriesBudget);
    // Every refused request was refused because it did not fit.
    expect(decisions.some((d) => d !== undefined && !d[0])).toBe(true);
    const cheapestRefused = Math.min(
      ...decisions.flatMap((d, i) => (d && !d[0] ? [requests[i % requests.length]!.cost] : [])),
    );
    expect(used + cheapestRefused).toBeGreaterThan(options.seriesBudget);
  });

  it('keeps the used-series counter and the members under one TTL and recounts a lost counter', async () => {
    const store = await openRedisStore('ttl:');
    const admin = new Redis(redis.url);
    try {
      const now = Date.now();
      await store.admitSeries([histogram('a'), counter('b')], now);
      const ttls = await Promise.all([admin.pttl('ttl:series'), admin.pttl('ttl:series:used')]);
      for (const ttl of ttls) {
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(baseOptions.seriesIdleTimeoutMs);
      }
      const expected = histogram('a').cost + counter('b').cost;
      expect((await store.housekeeping(now)).usedSeries).toBe(expected);
      await admin.del('ttl:series:used');
      expect((await store.housekeeping(now)).usedSeries).toBe(expected);
      expect(await store.admitSeries([counter('c')], now)).toEqual([true]);
      expect(Number(await admin.get('ttl:series:used'))).toBe(expected + counter('c').cost);
      // Both gone (e.g. expired together): the budget is empty, not haunted by a stale total.
      await admin.del('ttl:series');
      expect((await store.housekeeping(now)).usedSeries).toBe(0);
      expect(await admin.exists('ttl:series:used')).toBe(0);
    } finally {
      admin.disconnect();
    }
  });

  it('counts a commit whose reply timed out exactly once (the retry carries the same commit id)', async () => {
    // Attempts at 0, 500 and 1000 ms; Redis runs the queued ones when the pause ends at 700 ms.
    const store = await openRedisStore('timeout:', baseOptions, 500);
    // Load the script first, so that the paused command is the commit itself.
    await store.commitSession(sessionCommit('warm', [interval(0)]), Date.now());
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'PAUSE', '700', 'WRITE');
      const result = await store.commitSession(
        sessionCommit('slow', [interval(0, 'indexing', [3, 1])]),
        Date.now(),
      );
      // The first attempt ran (after the pause) and a later one got its stored reply: counted, once.
      expect(result.duplicate).toEqual([false]);
      expect(result.newlySeen).toBe(true);
      expect(Number(await admin.hget('timeout:s:slow', 'a:0.3'))).toBe(3);
      const retry = await store.commitSession(
        sessionCommit('slow', [interval(0, 'indexing', [3, 1])]),
        Date.now(),
      );
      expect(retry.duplicate).toEqual([true]);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      admin.disconnect();
    }
  });
});
