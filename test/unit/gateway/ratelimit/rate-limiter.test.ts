import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from '../../../../src/gateway/ratelimit/index.js';

const limiters: RateLimiter[] = [];
function limiter(overrides: Partial<RateLimiterOptions> = {}): RateLimiter {
  const created = new RateLimiter({
    enabled: true,
    perInstall: { ratePerSecond: 1, burst: 2 },
    perCredential: { ratePerSecond: 1, burst: 3 },
    maxTrackedKeys: 100,
    redis: undefined,
    redisKeyPrefix: 'test:',
    onRedisError: () => {},
    ...overrides,
  });
  limiters.push(created);
  return created;
}
afterEach(() => {
  for (const created of limiters.splice(0)) created.close();
});

describe('RateLimiter', () => {
  it('limits each install by its own bucket', async () => {
    const rl = limiter();
    expect(await rl.check('i1', 'k', 0)).toEqual({ allowed: true });
    expect(await rl.check('i1', 'k', 0)).toEqual({ allowed: true });
    expect(await rl.check('i1', 'k', 0)).toMatchObject({ allowed: false, reason: 'rate_limit_install' });
  });

  it('limits the credential across installs', async () => {
    const rl = limiter();
    for (const install of ['a', 'b', 'c']) expect((await rl.check(install, 'k', 0)).allowed).toBe(true);
    const refused = await rl.check('d', 'k', 0);
    expect(refused).toMatchObject({ allowed: false, reason: 'rate_limit_credential' });
    if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await rl.check('d', 'other-key', 0)).allowed).toBe(true);
  });

  it('allows everything when disabled', async () => {
    const rl = limiter({ enabled: false });
    for (let i = 0; i < 10; i++) expect((await rl.check('i1', 'k', 0)).allowed).toBe(true);
  });
});
