// What journaling a session commit in Redis costs (docs/decisions/0013): the same commits through
// the Redis state store with and without a journal open, on a throwaway redis-server. Each round
// commits one export of `SESSIONS` sessions concurrently (3 points each, with the journal payload a
// real ingest builds), as one gateway request would; it reports the median round and the commits per
// second over all rounds. Run: `npx tsx bench/redis-journal.ts`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { journalPayload } from '../src/gateway/pipeline/journaled-session.js';
import type { PreparedSession } from '../src/gateway/pipeline/session-commit.js';
import { RedisStateStore, type SessionCommit, type StateStoreOptions } from '../src/gateway/state/index.js';
import { CPU_BUCKETS } from '../src/model/index.js';
import { freePort } from '../src/stack/free-port.js';
import { redisProcess } from '../src/stack/redis.js';
import { median } from './median.js';

const SESSIONS = 64;
const ROUNDS = 300;
const POINTS = 3;
const S = 1_000_000_000n;

const options: StateStoreOptions = {
  thresholds: ['0.3', '0.8'],
  episodeMinSamples: 5,
  windowMs: 60_000,
  windowGraceMs: 5_000,
  maxTrackedSessions: 1_000_000,
  maxZeroWidthStreams: 32,
  dedupWindowMs: 3_600_000,
  seriesBudget: 100_000,
  seriesIdleTimeoutMs: 3_600_000,
  maxVersions: 5,
  versionWindowMs: 3_600_000,
  versionWindowBuckets: 6,
  maxTrackedVersions: 100,
};

/** Round `round`'s export of session `s`: POINTS consecutive 10 s points, and its journal payload. */
function commitOf(s: number, round: number, journaled: boolean, startNs: bigint): SessionCommit {
  const sessionKey = `install-${s}/session-${s}`;
  const labels = { version: '1.0.0', os: 'windows', cpuCores: '5-8' };
  const stamps = Array.from({ length: POINTS }, (_, i) => startNs + BigInt(round * POINTS + i) * 10n * S);
  const points = stamps.map((start) => ({
    stream: 'idle',
    stage: 'idle',
    details: [],
    startTimeUnixNano: start,
    timeUnixNano: start + 10n * S,
    samples: 10,
    above: [2, 0],
  }));
  if (!journaled) return { sessionKey, labels, points };
  const bucketCounts = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
  bucketCounts[3] = 8;
  bucketCounts[6] = 2;
  const bounded = (value: string) => ({ value, bounded: undefined });
  const prepared: PreparedSession = {
    sessionId: `session-${s}`,
    rawVersion: '1.0.0',
    version: bounded('1.0.0'),
    os: bounded('windows'),
    samples: stamps.map((start) => ({
      startTimeUnixNano: start,
      timeUnixNano: start + 10n * S,
      bucketCounts,
      count: 10,
      sum: 3.1,
      min: 0.05,
      max: 0.45,
    })),
    stages: stamps.map(() => bounded('idle')),
    commit: { sessionKey, labels, points },
  };
  return { sessionKey, labels, points, journal: journalPayload(prepared) };
}

async function measure(
  url: string,
  journaled: boolean,
): Promise<{ medianRoundMs: number; perSecond: number }> {
  const store = new RedisStateStore({
    ...options,
    url,
    keyPrefix: `bench-${String(journaled)}:`,
    commandTimeoutMs: 5_000,
  });
  await store.waitUntilReady(5_000);
  if (journaled) store.openJournal('bench', 0);
  const startNs = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  const rounds: number[] = [];
  const began = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SESSIONS }, (_, s) =>
        store.commitSession(commitOf(s, round, journaled, startNs), Date.now()),
      ),
    );
    rounds.push(performance.now() - t0);
    // A checkpoint trims what it holds, as the gateway does every few milliseconds.
    if (journaled) await store.trimJournal(store.journaledThrough());
  }
  const elapsedS = (performance.now() - began) / 1000;
  await store.close();
  return { medianRoundMs: median(rounds), perSecond: (ROUNDS * SESSIONS) / elapsedS };
}

const workDir = mkdtempSync(join(tmpdir(), 'filesfu-bench-redis-'));
const redis = redisProcess({
  binary: process.env['FILESFU_REDIS_SERVER_BIN'] ?? 'redis-server',
  port: await freePort(),
  workDir,
  echo: false,
});
await redis.start();
try {
  // Warm-up, then each variant twice in alternation; the median of each variant's two runs.
  await measure(redis.url, false);
  const results: Record<'without' | 'with', Array<{ medianRoundMs: number; perSecond: number }>> = {
    without: [],
    with: [],
  };
  for (let i = 0; i < 2; i++) {
    results.without.push(await measure(redis.url, false));
    results.with.push(await measure(redis.url, true));
  }
  for (const [name, runs] of Object.entries(results)) {
    const roundMs = median(runs.map((r) => r.medianRoundMs));
    const perSecond = median(runs.map((r) => r.perSecond));
    console.log(
      `${name} journal: ${SESSIONS} concurrent commits in ${roundMs.toFixed(2)} ms (median round), ${Math.round(perSecond)} commits/s`,
    );
  }
} finally {
  await redis.process.stop();
}
