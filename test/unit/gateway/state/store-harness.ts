import { afterAll, beforeAll, expect } from 'vitest';
import { MemoryStateStore, RedisStateStore } from '../../../../src/gateway/state/index.js';
import type {
  SeriesAdmission,
  SessionPoint,
  StateStore,
  StateStoreOptions,
} from '../../../../src/gateway/state/index.js';
import { CPU_HISTOGRAM_COST } from '../../../../src/model/index.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';
import { HOUR, options } from './fixtures.js';

// The shared store tests' setup: the options, points on a 10 s grid, and both stores (the Redis one
// on a throwaway redis-server this file's importer starts and stops).

export const T0 = 1_764_000_000_000_000_000n; // ns; beyond 2^53 on purpose, a window start
export const S = 10_000_000_000n; // one 10 s interval in ns

export const baseOptions: StateStoreOptions = {
  ...options,
  maxTrackedSessions: 1000,
  maxZeroWidthStreams: 3,
  dedupWindowMs: 72 * HOUR,
  // Room for one CPU histogram label set plus two single-series label sets (in Prometheus series).
  seriesBudget: CPU_HISTOGRAM_COST + 2,
  seriesIdleTimeoutMs: 60_000,
  maxVersions: 2,
};

/** Interval n of the 10 s grid (windows of 60 s hold six), with 10 samples. */
export function interval(n: number, stage = 'idle', above: number[] = [0, 0], stream = stage): SessionPoint {
  return {
    stream,
    stage,
    details: [],
    startTimeUnixNano: T0 + BigInt(n) * S,
    timeUnixNano: T0 + BigInt(n + 1) * S,
    samples: 10,
    above,
  };
}

/** A point from `from` to `to` (ns) of a stream named after its stage. */
export const span = (
  stage: string,
  from: bigint,
  to: bigint,
  above = [0, 0],
  stream = stage,
): SessionPoint => ({
  stream,
  stage,
  details: [],
  startTimeUnixNano: from,
  timeUnixNano: to,
  samples: Number((to - from) / 1_000_000_000n),
  above,
});

/** A label set of one Prometheus series, and one of the CPU histogram's. */
export const counter = (key: string): SeriesAdmission => ({ key, cost: 1 });
export const histogram = (key: string): SeriesAdmission => ({ key, cost: CPU_HISTOGRAM_COST });

export type Factory = (options: StateStoreOptions) => Promise<StateStore>;

/** Starts a redis-server for the importing test file; both store factories. */
export function storeHarness(): {
  redis: () => TestRedis;
  factories: Array<[string, Factory]>;
  openRedisStore: (
    keyPrefix: string,
    options?: StateStoreOptions,
    commandTimeoutMs?: number,
  ) => Promise<RedisStateStore>;
} {
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
    storeOptions: StateStoreOptions = baseOptions,
    commandTimeoutMs = 5000,
  ): Promise<RedisStateStore> {
    const store = new RedisStateStore({ ...storeOptions, url: redis.url, keyPrefix, commandTimeoutMs });
    opened.push(store);
    expect(await store.waitUntilReady(5000)).toBe(true);
    return store;
  }
  return {
    redis: () => redis,
    openRedisStore,
    factories: [
      ['memory', async (storeOptions) => new MemoryStateStore(storeOptions)],
      ['redis', (storeOptions) => openRedisStore(`test${prefixCounter++}:`, storeOptions)],
    ],
  };
}
