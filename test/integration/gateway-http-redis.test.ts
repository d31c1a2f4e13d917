// Two real gateway replicas sharing one real Redis: the per-install budget is shared (a client
// cannot double its rate by alternating replicas), and a revocation added to the Redis set
// filesfu:revoked reaches every replica.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKED_SET_KEY } from '../../src/gateway/auth/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';
import { post, protobuf } from './gateway-http-fixtures.js';

const BURST = 6;
const EMPTY_EXPORT = protobuf({ resourceMetrics: [] });

let stack: Stack;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack({
    quiet: true,
    redis: true,
    gatewayReplicas: 2,
    gatewayConfig: {
      rateLimit: { perInstall: { ratePerSecond: 0.01, burst: BURST } },
      auth: { revocationCacheSeconds: 1 },
    },
  });
  redis = new Redis(stack.redisUrl as string);
});

afterAll(async () => {
  await redis?.quit();
  await stack?.stop();
});

function headers(installId: string): Record<string, string> {
  return { authorization: `Bearer ${stack.mintToken(installId)}`, 'content-type': 'application/x-protobuf' };
}

describe('gateway replicas sharing Redis', () => {
  it('share one per-install budget', async () => {
    const installId = randomUUID();
    const statuses: number[] = [];
    for (let i = 0; i < BURST * 2; i++) {
      const url = stack.gatewayUrls[i % 2] as string;
      statuses.push((await post(url, EMPTY_EXPORT, headers(installId))).status);
    }
    // Alone, each replica would allow BURST: together they must allow BURST in total.
    expect(statuses.filter((s) => s === 200)).toHaveLength(BURST);
    expect(statuses.slice(BURST).every((s) => s === 429)).toBe(true);
  });

  it('apply a revocation from the Redis set on every replica', async () => {
    const installId = randomUUID();
    for (const url of stack.gatewayUrls) {
      expect((await post(url, EMPTY_EXPORT, headers(installId))).status).toBe(200);
    }
    await redis.sadd(REVOKED_SET_KEY, installId);
    for (const url of stack.gatewayUrls) {
      const refused = await stack.waitFor(
        async () => {
          const answer = await post(url, EMPTY_EXPORT, headers(installId));
          return answer.status === 401 ? answer : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'the revocation to reach the replica' },
      );
      expect(refused.headers['x-filesfu-error-code']).toBe('FILESFU_GW_AUTH_REVOKED');
    }
    // Other installs are unaffected.
    expect((await post(stack.gatewayUrl, EMPTY_EXPORT, headers(randomUUID()))).status).toBe(200);
  });
});
