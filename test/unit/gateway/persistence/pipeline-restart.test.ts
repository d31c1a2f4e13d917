import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPipeline,
  GatewayPipeline,
  pipelineConfigSchema,
} from '../../../../src/gateway/pipeline/index.js';
import { cpuRequest, nowNs, NS_PER_MS, sessionExport } from '../../../support/cpu-requests.js';
import {
  exportedHistograms,
  exportedSums,
  startFakeCollector,
  type FakeCollector,
} from '../../../support/fake-collector.js';

// A pipeline with persistence.stateDir shut down and started again on the same directory continues
// where it stopped: dedup watermarks, open session windows and every exported series (same start
// time, totals carried on).

const PRINCIPAL = { installId: 'install-1', keyId: 'k1' };
const WINDOW_MS = 60_000;

let collector: FakeCollector;
beforeAll(async () => {
  collector = await startFakeCollector();
});
afterAll(() => collector.close());
beforeEach(() => {
  collector.received.length = 0;
  collector.status = 200;
});

async function pipelineOn(stateDir: string, maxUnexportedMs = 60_000): Promise<GatewayPipeline> {
  const config = pipelineConfigSchema.parse({
    export: { collectorUrl: collector.url, flushIntervalMs: 3_600_000, maxUnexportedMs },
    sessions: { windowSeconds: WINDOW_MS / 1000, windowGraceSeconds: 0 },
    persistence: { stateDir },
  });
  const pipeline = await createPipeline(config, { registry: new Registry(), replicaId: 'r', log: () => {} });
  if (!(pipeline instanceof GatewayPipeline)) throw new Error('unexpected pipeline type');
  return pipeline;
}

function exported(): { samples: number; windows: number; starts: Set<bigint> } {
  const latest = collector.latest();
  const histograms = exportedHistograms(latest);
  const windows = exportedSums(latest, 'filesfu.session.windows');
  return {
    samples: histograms.reduce((n, h) => n + h.point.count, 0),
    windows: windows.reduce((n, w) => n + w.point.value, 0),
    starts: new Set([...histograms, ...windows].map((p) => p.point.startTimeUnixNano)),
  };
}

describe('pipeline restart from its checkpoint', () => {
  it('keeps dedup, open windows and exported series across a shutdown and start', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'filesfu-restart-'));
    // A window that started well before now: the second export lies in the next window and closes it.
    const windowStart = (BigInt(Date.now() - 3 * WINDOW_MS) / BigInt(WINDOW_MS)) * BigInt(WINDOW_MS);
    const first = sessionExport({
      startNs: windowStart * NS_PER_MS,
      endNs: (windowStart + 10_000n) * NS_PER_MS,
      stages: { idle: [0.1, 0.9] },
    });
    const before = await pipelineOn(stateDir);
    expect((await before.ingest(cpuRequest([first]), PRINCIPAL)).acceptedDataPoints).toBe(1);
    expect(await before.flushNow()).toBe(true);
    const exportedBefore = exported();
    expect(exportedBefore.samples).toBe(2);
    await before.shutdown();

    const after = await pipelineOn(stateDir);
    // The same request again is a duplicate: the watermark survived.
    expect(await after.ingest(cpuRequest([first]), PRINCIPAL)).toMatchObject({
      acceptedDataPoints: 0,
      duplicateDataPoints: 1,
    });
    const next = {
      ...first,
      startNs: (windowStart + BigInt(WINDOW_MS)) * NS_PER_MS,
      endNs: (windowStart + BigInt(WINDOW_MS) + 10_000n) * NS_PER_MS,
      stages: { idle: [0.2] },
    };
    expect((await after.ingest(cpuRequest([next]), PRINCIPAL)).acceptedDataPoints).toBe(1);
    await after.housekeeping();
    expect(await after.flushNow()).toBe(true);
    const exportedAfter = exported();
    expect(exportedAfter.samples).toBe(3);
    // Both windows closed (the first by the later point, the second by the clock), each once.
    expect(exportedAfter.windows).toBe(2);
    // The CPU histogram keeps its start time: no counter reset.
    for (const start of exportedBefore.starts) expect(exportedAfter.starts.has(start)).toBe(true);
    await after.shutdown();
  });

  it('answers a request only once a checkpoint holds it: a crash right after loses nothing acknowledged', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'filesfu-crash-'));
    const crashed = await pipelineOn(stateDir);
    const requests = [0, 1, 2].map((i) =>
      cpuRequest([sessionExport({ endNs: nowNs(-i * 1000), stages: { idle: [0.1, 0.2, 0.3] } })]),
    );
    // Concurrent requests share group commits; each resolves only after its checkpoint is written.
    await Promise.all(requests.map((r) => crashed.ingest(r, PRINCIPAL)));
    // No shutdown: the next pipeline starts from whatever is on disk now, as after SIGKILL.
    const restarted = await pipelineOn(stateDir);
    for (const request of requests) {
      expect(await restarted.ingest(request, PRINCIPAL)).toMatchObject({
        acceptedDataPoints: 0,
        duplicateDataPoints: 1,
      });
    }
    expect(await restarted.flushNow()).toBe(true);
    expect(exported().samples).toBe(9);
    await restarted.shutdown();
    await crashed.shutdown();
  });

  it('keeps accepting while the collector is down, beyond maxUnexportedMs, and exports it all afterwards', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'filesfu-outage-'));
    const pipeline = await pipelineOn(stateDir, 1);
    collector.status = 503;
    let samples = 0;
    for (let i = 0; i < 5; i++) {
      const request = cpuRequest([sessionExport({ endNs: nowNs(-i * 1000), stages: { idle: [0.1, 0.2] } })]);
      expect(pipeline.backpressure().accepting).toBe(true);
      await pipeline.ingest(request, PRINCIPAL);
      samples += 2;
      expect(await pipeline.flushNow()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(pipeline.backpressure().accepting).toBe(true);
    collector.status = 200;
    expect(await pipeline.flushNow()).toBe(true);
    expect(exported().samples).toBe(samples);
    await pipeline.shutdown();
  });
});
