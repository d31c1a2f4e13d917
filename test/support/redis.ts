import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/stack/free-port.js';
import { redisProcess } from '../../src/stack/redis.js';

export interface TestRedis {
  url: string;
  port: number;
  /** Deletes every key (between tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway, non-persistent redis-server on a free loopback port, for tests of the Redis store.
 * The stack's own redis process: its exit hook means no redis-server outlives a test file that
 * fails before its afterAll, and a failed start quotes the server's log. The binary is the one the
 * stack resolves (FILESFU_REDIS_SERVER_BIN, else redis-server on PATH; scripts/install-tools.sh).
 */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'filesfu-test-redis-'));
  const redis = redisProcess({
    binary: process.env['FILESFU_REDIS_SERVER_BIN'] ?? 'redis-server',
    port,
    workDir,
    echo: false,
  });
  await redis.start();
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => {});
  return {
    url: redis.url,
    port,
    flush: async () => {
      await admin.flushall();
    },
    stop: async () => {
      admin.disconnect();
      await redis.process.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
