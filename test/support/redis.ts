import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../src/stack/free-port.js';

export interface TestRedis {
  url: string;
  port: number;
  /** Deletes every key (between tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env['FILESFU_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** A throwaway, non-persistent redis-server on a free loopback port, for tests of the Redis store. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // A failing test file may leave without its afterAll: no redis-server outlives the test process.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => {});
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited early: ${output}`);
    try {
      await admin.connect();
      await admin.ping();
      break;
    } catch {
      admin.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server did not come up: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    port,
    flush: async () => {
      await admin.flushall();
    },
    stop: async () => {
      admin.disconnect();
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
