import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKED_SET_KEY, RevocationList } from '../../../../src/gateway/auth/revocation.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';

const NOW_MS = 1_764_000_000_000;

describe('RevocationList against a real Redis', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  /** SISMEMBER calls Redis has served so far (INFO commandstats). */
  async function sismemberCalls(): Promise<number> {
    const stats = await redis.info('commandstats');
    return Number(/cmdstat_sismember:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  }

  it('keeps at most maxCachedInstalls answers; an install whose answer was dropped is asked again', async () => {
    await redis.sadd(REVOKED_SET_KEY, 'install-b');
    const list = new RevocationList({
      revokedInstallIds: [],
      redis,
      cacheSeconds: 30,
      maxCachedInstalls: 2,
      onRedisError: () => {},
    });
    const before = await sismemberCalls();
    expect(await list.isRevoked('install-a', NOW_MS)).toBe(false);
    expect(await list.isRevoked('install-b', NOW_MS)).toBe(true);
    expect(await sismemberCalls()).toBe(before + 2);
    // Both answered from the cache.
    expect([list.cachedAnswer('install-a', NOW_MS), list.cachedAnswer('install-b', NOW_MS)]).toEqual([
      false,
      true,
    ]);
    // A third install takes the oldest answer's place (install-a's)...
    expect(await list.isRevoked('install-c', NOW_MS)).toBe(false);
    expect(list.cachedAnswer('install-a', NOW_MS)).toBeUndefined();
    expect(list.cachedAnswer('install-b', NOW_MS)).toBe(true);
    // ...so install-a is asked again, and its fresh answer evicts install-b's, now the oldest.
    expect(await list.isRevoked('install-a', NOW_MS)).toBe(false);
    expect(await sismemberCalls()).toBe(before + 4);
    expect(list.cachedAnswer('install-b', NOW_MS)).toBeUndefined();
    // An answer is also asked again once it is older than cacheSeconds.
    expect(list.cachedAnswer('install-c', NOW_MS + 30_001)).toBeUndefined();
  });
});
