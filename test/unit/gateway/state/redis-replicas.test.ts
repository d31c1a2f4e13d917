import fc from 'fast-check';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { RedisStateStore } from '../../../../src/gateway/state/index.js';
import { commitOf as c } from './fixtures.js';
import { sessionSpec } from './session-simulation.js';
import { checkSessionWindows, simulationOptions } from './session-check.js';
import { baseOptions, counter, histogram, interval, storeHarness } from './store-harness.js';

// The Redis store shared by several replicas: exact dedup and window closing across them, the
// series budget under concurrent admissions, and commits whose reply timed out.

const { redis, openRedisStore } = storeHarness();
let prefixes = 0;

/** `n` replicas sharing one key prefix. */
async function replicas(n: number, options = baseOptions): Promise<RedisStateStore[]> {
  const keyPrefix = `replicas${prefixes++}:`;
  return Promise.all(Array.from({ length: n }, () => openRedisStore(keyPrefix, options)));
}

describe('redis state store shared by replicas', () => {
  it('deduplicates and closes windows exactly when requests alternate between replicas', async () => {
    const [a, b] = await replicas(2);
    const now = Date.now();
    let newSessions = 0;
    const closed = [];
    for (let n = 0; n < 12; n++) {
      const replica = n % 2 === 0 ? a! : b!;
      const result = await replica.commitSession(c('alt', [interval(n, 'idle', [5, 0])]), now);
      const retry = await (replica === a ? b! : a!).commitSession(
        c('alt', [interval(n, 'idle', [5, 0])]),
        now,
      );
      expect(retry.duplicate).toEqual([true]);
      newSessions += Number(result.newSession);
      closed.push(...result.closed, ...retry.closed);
    }
    // Both replicas close due windows at once: the last window is closed by one of them.
    const due = await Promise.all([a!.closeDueWindows(now), b!.closeDueWindows(now)]);
    closed.push(...due.flat());
    expect(newSessions).toBe(1);
    expect(closed.map((w) => w.high)).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(await a!.admitSeries([histogram('x'), counter('y'), counter('z')], now)).toEqual([
      true,
      true,
      true,
    ]);
    expect(await b!.admitSeries([counter('w'), histogram('x')], now)).toEqual([false, true]);
  });

  it('admits exactly up to the budget under concurrent admissions from several replicas', async () => {
    const options = { ...baseOptions, seriesBudget: 100 };
    const stores = await replicas(3, options);
    const now = Date.now();
    const requests = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0 ? histogram(`h${i}`) : counter(`c${i}`),
    );
    const decisions = await Promise.all(
      stores.flatMap((replica, r) =>
        requests.map((request, i) => (i % 3 === r ? replica.admitSeries([request], now) : undefined)),
      ),
    );
    const admittedCost = decisions.reduce(
      (sum, d, i) => sum + (d?.[0] ? (requests[i % requests.length]?.cost ?? 0) : 0),
      0,
    );
    const used = (await stores[0]!.housekeeping(now)).usedSeries;
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
    const admin = new Redis(redis().url);
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

  it('answers a commit whose reply timed out with its reply, closed windows included, once', async () => {
    // Attempts at 0, 500 and 1000 ms; Redis runs the queued ones when the pause ends at 700 ms.
    const store = await openRedisStore('timeout:', baseOptions, 500);
    const now = Date.now();
    await store.commitSession(c('slow', [interval(0, 'indexing', [6, 1])]), now);
    const admin = new Redis(redis().url);
    try {
      await admin.call('CLIENT', 'PAUSE', '700', 'WRITE');
      // The first attempt's write ran (after the pause) and a later read found its reply.
      const result = await store.commitSession(c('slow', [interval(6, 'indexing', [3, 1])]), now);
      expect(result.duplicate).toEqual([false]);
      expect(result.closed.map((w) => w.high)).toEqual([[true, false]]);
      const retry = await store.commitSession(c('slow', [interval(6, 'indexing', [3, 1])]), now);
      expect(retry).toMatchObject({ duplicate: [true], closed: [] });
      // The same for a window the clock closes.
      await admin.call('CLIENT', 'PAUSE', '700', 'WRITE');
      expect((await store.closeDueWindows(now)).map((w) => w.high)).toEqual([[false, false]]);
      expect(await store.closeDueWindows(now)).toEqual([]);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      admin.disconnect();
    }
  });

  it('matches the brute-force session windows with requests spread over two replicas', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sessionSpec, { minLength: 1, maxLength: 3 }), fc.integer(), (specs, seed) =>
        checkSessionWindows(specs, seed, () => replicas(2, simulationOptions)),
      ),
      { numRuns: 40 },
    );
  });
});
