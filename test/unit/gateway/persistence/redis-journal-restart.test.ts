import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE_NAME, CheckpointLocation } from '../../../../src/gateway/persistence/index.js';
import {
  createStateStore,
  GatewayPipeline,
  pipelineConfigSchema,
  type PipelineConfig,
  type PipelineDeps,
} from '../../../../src/gateway/pipeline/index.js';
import type { StateStore } from '../../../../src/gateway/state/index.js';
import { cpuRequest, NS_PER_MS, sessionExport } from '../../../support/cpu-requests.js';
import {
  exportedHistograms,
  exportedSums,
  startFakeCollector,
  type FakeCollector,
} from '../../../support/fake-collector.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';

// With Redis state the session decisions live in Redis and the aggregate in the replica's
// checkpoint. A replica that dies after its commits reached Redis but before a checkpoint held what
// they add (here: its checkpoints fail, then it stops without shutting down) replays its journal at
// the next start: the clients' retries are duplicates, and every point and window counts once.

const PRINCIPAL = { installId: 'install-1', keyId: 'k1' };
const WINDOW_MS = 60_000;

let collector: FakeCollector;
let redis: TestRedis;
let admin: Redis;
beforeAll(async () => {
  collector = await startFakeCollector();
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
  await collector?.close();
});

async function replicaOn(stateDir: string): Promise<{ pipeline: GatewayPipeline; store: StateStore }> {
  const config: PipelineConfig = pipelineConfigSchema.parse({
    export: { collectorUrl: collector.url, flushIntervalMs: 3_600_000 },
    sessions: { windowSeconds: WINDOW_MS / 1000, windowGraceSeconds: 0 },
    persistence: { stateDir },
  });
  const deps: PipelineDeps = {
    registry: new Registry(),
    replicaId: 'r',
    log: () => {},
    redis: { url: redis.url, keyPrefix: 'filesfu:', commandTimeoutMs: 5_000 },
  };
  const store = await createStateStore(config, deps);
  const pipeline = new GatewayPipeline(config, store, deps);
  await pipeline.start();
  return { pipeline, store };
}

function exported(): { samples: number; windows: number } {
  const latest = collector.latest();
  return {
    samples: exportedHistograms(latest).reduce((n, h) => n + h.point.count, 0),
    windows: exportedSums(latest, 'filesfu.session.windows').reduce((n, w) => n + w.point.value, 0),
  };
}

/** The journal's entries still in Redis (the checkpoint names the journal). */
async function journalLength(stateDir: string): Promise<number> {
  const journal = new CheckpointLocation(stateDir).load()?.journal;
  if (!journal) throw new Error('the checkpoint names no journal');
  return admin.llen(`filesfu:gw:journal:${journal.id}`);
}

describe('pipeline restart with Redis state', () => {
  it('replays the journal: a commit in Redis whose checkpoint never came is counted once', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'filesfu-journal-'));
    const windowStart = (BigInt(Date.now() - 3 * WINDOW_MS) / BigInt(WINDOW_MS)) * BigInt(WINDOW_MS);
    const at = (window: number, stages: Record<string, number[]>) =>
      cpuRequest([
        sessionExport({
          sessionId: 'journaled-session',
          startNs: (windowStart + BigInt(window * WINDOW_MS)) * NS_PER_MS,
          endNs: (windowStart + BigInt(window * WINDOW_MS) + 10_000n) * NS_PER_MS,
          stages,
        }),
      ]);
    const first = at(0, { idle: [0.1, 0.9] });
    // In the next window: it closes the first window in the same commit.
    const second = at(1, { idle: [0.2, 0.3, 0.4] });

    const crashed = await replicaOn(stateDir);
    expect((await crashed.pipeline.ingest(first, PRINCIPAL)).acceptedDataPoints).toBe(1);
    // From now on every checkpoint fails (its temporary file cannot be created).
    const blocker = join(stateDir, `${CHECKPOINT_FILE_NAME}.tmp`);
    mkdirSync(blocker);
    await expect(crashed.pipeline.ingest(second, PRINCIPAL)).rejects.toMatchObject({
      code: 'FILESFU_GW_OVERLOADED',
    });
    // The replica dies: no shutdown, no final checkpoint.
    await crashed.store.close();
    rmdirSync(blocker);

    const restarted = await replicaOn(stateDir);
    // The client's retry: Redis has the commit, so it is a duplicate, and the journal brought it back.
    expect(await restarted.pipeline.ingest(second, PRINCIPAL)).toMatchObject({
      acceptedDataPoints: 0,
      duplicateDataPoints: 1,
    });
    await restarted.pipeline.housekeeping(); // closes the second window by the clock
    expect(await restarted.pipeline.flushNow()).toBe(true);
    expect(exported()).toEqual({ samples: 5, windows: 2 });
    // A checkpoint holding the replayed entries trimmed them from Redis.
    await restarted.pipeline.shutdown();
    expect(await journalLength(stateDir)).toBe(0);
  });
});
