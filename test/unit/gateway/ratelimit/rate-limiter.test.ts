import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from '../../../../src/gateway/ratelimit/index.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';

let testRedis: TestRedis;
const clients: Redis[] = [];
const limiters: RateLimiter[] = [];
beforeAll(async () => {
  testRedis = await startTestRedis();
});
afterAll(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await testRedis.stop();
});
afterEach(async () => {
  for (const created of limiters.splice(0)) created.close();
  await testRedis.flush();
});

type Store = 'in-memory' | 'redis';
function limiter(store: Store, overrides: Partial<RateLimiterOptions> = {}): RateLimiter {
  let redis: Redis | undefined;
  if (store === 'redis') {
    redis = new Redis(testRedis.url);
    clients.push(redis);
  }
  const created = new RateLimiter({
    enabled: true,
    // Slow refill, so that the Redis server's clock moving on during a test never adds a token.
    perInstall: { ratePerSecond: 0.001, burst: 2 },
    perCredential: { ratePerSecond: 0.001, burst: 3 },
    maxTrackedKeys: 100,
    redis,
    redisKeyPrefix: 'test:',
    onRedisError: (error) => {
      throw error;
    },
    ...overrides,
  });
  limiters.push(created);
  return created;
}

describe.each<Store>(['in-memory', 'redis'])('RateLimiter (%s)', (store) => {
  it('limits each install by its own bucket', async () => {
    const rl = limiter(store);
    expect(await rl.check('i1', 'k', 0)).toEqual({ allowed: true });
    expect(await rl.check('i1', 'k', 0)).toEqual({ allowed: true });
    expect(await rl.check('i1', 'k', 0)).toMatchObject({ allowed: false, reason: 'rate_limit_install' });
  });

  it('limits the credential across installs', async () => {
    const rl = limiter(store);
    for (const install of ['a', 'b', 'c']) expect((await rl.check(install, 'k', 0)).allowed).toBe(true);
    const refused = await rl.check('d', 'k', 0);
    expect(refused).toMatchObject({ allowed: false, reason: 'rate_limit_credential' });
    if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await rl.check('d', 'other-key', 0)).allowed).toBe(true);
  });

  it('does not charge the credential for a request its install may not send', async () => {
    const rl = limiter(store);
    for (let i = 0; i < 5; i++) await rl.check('noisy', 'k', 0); // 2 allowed, 3 refused by the install
    expect((await rl.check('quiet', 'k', 0)).allowed).toBe(true); // credential: 3rd token
    expect(await rl.check('other', 'k', 0)).toMatchObject({
      allowed: false,
      reason: 'rate_limit_credential',
    });
  });

  it('allows everything when disabled', async () => {
    const rl = limiter(store, { enabled: false });
    for (let i = 0; i < 10; i++) expect((await rl.check('i1', 'k', 0)).allowed).toBe(true);
  });
});

describe('RateLimiter with Redis', () => {
  it('shares the buckets between limiters (replicas)', async () => {
    const [a, b] = [limiter('redis'), limiter('redis')];
    expect((await a.check('i1', 'k', 0)).allowed).toBe(true);
    expect((await b.check('i1', 'k', 0)).allowed).toBe(true);
    expect(await a.check('i1', 'k', 0)).toMatchObject({ allowed: false, reason: 'rate_limit_install' });
  });

  it('falls back to its own buckets when Redis fails, and reports the error', async () => {
    const errors: unknown[] = [];
    const broken = new Redis(testRedis.url, { lazyConnect: true, enableOfflineQueue: false });
    broken.on('error', () => {});
    clients.push(broken);
    const rl = limiter('in-memory', { redis: broken, onRedisError: (error) => errors.push(error) });
    expect((await rl.check('i1', 'k', 0)).allowed).toBe(true);
    expect((await rl.check('i1', 'k', 0)).allowed).toBe(true);
    expect(await rl.check('i1', 'k', 0)).toMatchObject({ allowed: false, reason: 'rate_limit_install' });
    expect(errors).toHaveLength(3);
  });
});
