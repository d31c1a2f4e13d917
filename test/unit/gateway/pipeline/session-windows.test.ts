// The pipeline's session windows end to end (memory state, fake collector): episodes, fixed labels,
// closing by progress and by the clock, late points, and how the two counters of a family travel.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPipeline,
  GatewayPipeline,
  pipelineConfigSchema,
} from '../../../../src/gateway/pipeline/index.js';
import type { ExportMetricsServiceRequest } from '../../../../src/otlp/index.js';
import { cpuRequest, NS_PER_MS, sessionExport, type SessionExport } from '../../../support/cpu-requests.js';
import {
  exportedHistograms,
  exportedSums,
  startFakeCollector,
  type FakeCollector,
} from '../../../support/fake-collector.js';

const PRINCIPAL = { installId: 'install-1', keyId: 'k1' };
const WINDOW_MS = 60_000;
const SECOND = 1000n * NS_PER_MS;
const NAME_LENGTH = 'filesfu.file.name.length';

let collector: FakeCollector;
const pipelines: GatewayPipeline[] = [];

beforeAll(async () => {
  collector = await startFakeCollector();
});
afterEach(async () => {
  await Promise.all(pipelines.splice(0).map((p) => p.shutdown()));
  collector.received.length = 0;
});
afterAll(async () => {
  await collector.close();
});

async function newPipeline(
  limits: Record<string, unknown> = {},
  registry = new Registry(),
): Promise<GatewayPipeline> {
  const config = pipelineConfigSchema.parse({
    sessions: { windowSeconds: WINDOW_MS / 1000, windowGraceSeconds: 5 },
    limits,
    export: { collectorUrl: collector.url, flushIntervalMs: 3_600_000 },
  });
  const pipeline = await createPipeline(config, { registry, replicaId: 'replica-a', log: () => {} });
  if (!(pipeline instanceof GatewayPipeline)) throw new Error('unexpected pipeline type');
  pipelines.push(pipeline);
  return pipeline;
}

/** Start of a window `windowsAgo` windows before the current one (ns). */
function windowStart(windowsAgo: number): bigint {
  const now = BigInt(Date.now()) * NS_PER_MS;
  const window = BigInt(WINDOW_MS) * NS_PER_MS;
  return (now / window - BigInt(windowsAgo)) * window;
}

/** One 10 s export interval of a session, starting `offsetS` seconds after `base`. */
function interval(
  session: Pick<SessionExport, 'sessionId' | 'version'>,
  base: bigint,
  offsetS: number,
  stages: Record<string, number[]>,
  extra: Partial<SessionExport> = {},
): SessionExport {
  const startNs = base + BigInt(offsetS) * SECOND;
  return sessionExport({ ...session, startNs, endNs: startNs + 10n * SECOND, stages, ...extra });
}

/** Exported values of `name` by their labels (`k=v,…`), those of version `version` only when given. */
const byLabels = (request: ExportMetricsServiceRequest | undefined, name: string, version?: string) =>
  Object.fromEntries(
    exportedSums(request, name)
      .filter((s) => version === undefined || s.labels['version'] === version)
      .map((s) => [
        Object.entries(s.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        s.point.value,
      ]),
  );

const pegged = (n: number) => new Array<number>(n).fill(0.95);
const quiet = (n: number) => new Array<number>(n).fill(0.02);

describe('session windows through the pipeline', () => {
  it('counts a release pegged through a login as one high window per family, under the labels of its first admission', async () => {
    const pipeline = await newPipeline({ maxVersions: 1 });
    const faulty = { sessionId: randomUUID(), version: '7.0.0' };
    const w = windowStart(5);
    const cores = { 'filesfu.host.cpu.logical_count': 8 };
    // A 7 s login pegged across two exports: 3 samples, then 4 — neither point alone is an episode.
    await pipeline.ingest(
      cpuRequest([
        interval(
          faulty,
          w,
          0,
          { starting: quiet(7), login: pegged(3) },
          {
            extraResourceAttributes: cores,
            pointAttributes: { login: { [NAME_LENGTH]: 57 } },
          },
        ),
      ]),
      PRINCIPAL,
    );
    await pipeline.ingest(
      cpuRequest([
        interval(
          faulty,
          w,
          10,
          { login: pegged(4), idle: quiet(6) },
          {
            extraResourceAttributes: cores,
            pointAttributes: { login: { [NAME_LENGTH]: 57 } },
          },
        ),
      ]),
      PRINCIPAL,
    );
    // Another version takes the only version slot; the faulty session keeps its own label.
    const others = [1, 2, 3].map(() => sessionExport({ version: '8.0.0', stages: { idle: quiet(10) } }));
    await pipeline.ingest(cpuRequest(others), PRINCIPAL);
    await pipeline.housekeeping();
    // A point of the next window closes the first one; a new 8.0.0 session now gets its version.
    await pipeline.ingest(
      cpuRequest([
        interval(faulty, w, 60, { idle: quiet(10) }, { extraResourceAttributes: cores }),
        sessionExport({ version: '8.0.0', stages: { idle: quiet(10) } }),
      ]),
      PRINCIPAL,
    );
    expect(await pipeline.flushNow()).toBe(true);
    const latest = collector.latest();
    const faultyLabels = 'version=7.0.0,os=linux,cpu_cores=5-8';
    expect(byLabels(latest, 'filesfu.session.windows', '7.0.0')).toEqual({ [faultyLabels]: 1 });
    expect(byLabels(latest, 'filesfu.session.windows.high_cpu', '7.0.0')).toEqual({
      [`${faultyLabels},threshold=0.3`]: 1,
      [`${faultyLabels},threshold=0.8`]: 1,
    });
    const stage = (s: string) => `version=7.0.0,stage=${s},os=linux`;
    expect(byLabels(latest, 'filesfu.stage.windows', '7.0.0')).toEqual({
      [stage('starting')]: 1,
      [stage('login')]: 1,
      [stage('idle')]: 1,
    });
    const stageHigh = byLabels(latest, 'filesfu.stage.windows.high_cpu', '7.0.0');
    expect(stageHigh[`${stage('login')},threshold=0.8`]).toBe(1);
    expect(stageHigh[`${stage('starting')},threshold=0.3`]).toBe(0);
    expect(stageHigh[`${stage('idle')},threshold=0.3`]).toBe(0);
    const detail = `${stage('login')},detail=file_name_length,detail_bucket=43-80`;
    expect(byLabels(latest, 'filesfu.detail.windows', '7.0.0')).toEqual({ [detail]: 1 });
    expect(byLabels(latest, 'filesfu.detail.windows.high_cpu', '7.0.0')).toEqual({
      [`${detail},threshold=0.3`]: 1,
      [`${detail},threshold=0.8`]: 1,
    });
    expect(exportedHistograms(latest).some((h) => h.labels['version'] === '8.0.0')).toBe(true);
    // The point sent after the re-rank still lands under the fixed version.
    const versions = exportedHistograms(latest).filter((h) => h.labels['version'] === '7.0.0');
    expect(versions.reduce((n, h) => n + h.point.count, 0)).toBe(30);
  });

  it('exports active and high of a family in the same request, with the same start time and timestamp', async () => {
    const pipeline = await newPipeline();
    const session = { sessionId: randomUUID(), version: '6.4.0' };
    await pipeline.ingest(
      cpuRequest([interval(session, windowStart(3), 0, { login: pegged(10) })]),
      PRINCIPAL,
    );
    await pipeline.housekeeping(); // the window's grace is long over: the clock closes it
    expect(await pipeline.flushNow()).toBe(true);
    for (const request of collector.received) {
      for (const family of ['session', 'stage']) {
        const active = exportedSums(request, `filesfu.${family}.windows`);
        const high = exportedSums(request, `filesfu.${family}.windows.high_cpu`);
        expect(high.length).toBe(active.length * 2);
        const stamps = new Set(
          [...active, ...high].map((s) => `${s.point.startTimeUnixNano}/${s.point.timeUnixNano}`),
        );
        expect(stamps.size).toBeLessThanOrEqual(1);
      }
    }
    // First the announcement at zero, then the totals.
    expect(collector.received.map((r) => exportedSums(r, 'filesfu.session.windows')[0]?.point.value)).toEqual(
      [0, 1],
    );
  });

  it('counts a healthy session with short spikes as active in each window and never high', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Per 10 s export: a spike of 1-4 samples at some offset, or none.
        fc.array(fc.option(fc.record({ at: fc.nat(9), length: fc.integer({ min: 1, max: 4 }) })), {
          minLength: 6,
          maxLength: 24,
        }),
        async (spikes) => {
          const pipeline = await newPipeline();
          const session = { sessionId: randomUUID(), version: '6.4.0' };
          const base = windowStart(6);
          for (const [i, spike] of spikes.entries()) {
            const samples = quiet(10);
            if (spike) for (let s = spike.at; s < Math.min(10, spike.at + spike.length); s++) samples[s] = 1;
            await pipeline.ingest(
              cpuRequest([interval(session, base, i * 10, { indexing: samples })]),
              PRINCIPAL,
            );
          }
          await pipeline.housekeeping();
          expect(await pipeline.flushNow()).toBe(true);
          const latest = collector.latest();
          const windows = Math.ceil(spikes.length / 6);
          expect(Object.values(byLabels(latest, 'filesfu.session.windows'))).toEqual([windows]);
          expect(Object.values(byLabels(latest, 'filesfu.session.windows.high_cpu'))).toEqual([0, 0]);
          expect(Object.values(byLabels(latest, 'filesfu.stage.windows.high_cpu'))).toEqual([0, 0]);
          await pipeline.shutdown();
          collector.received.length = 0;
        },
      ),
      { numRuns: 15 },
    );
  });

  it('counts points of a window the clock already closed in the histogram only, as late', async () => {
    const registry = new Registry();
    const pipeline = await newPipeline({}, registry);
    const session = { sessionId: randomUUID(), version: '6.4.0' };
    const w = windowStart(4);
    await pipeline.ingest(cpuRequest([interval(session, w, 0, { idle: quiet(10) })]), PRINCIPAL);
    await pipeline.housekeeping();
    const late = await pipeline.ingest(
      cpuRequest([interval(session, w, 10, { idle: pegged(10) })]),
      PRINCIPAL,
    );
    expect(late).toMatchObject({ acceptedDataPoints: 1, duplicateDataPoints: 0 });
    await pipeline.housekeeping();
    expect(await pipeline.flushNow()).toBe(true);
    const latest = collector.latest();
    expect(exportedHistograms(latest).reduce((n, h) => n + h.point.count, 0)).toBe(20);
    expect(Object.values(byLabels(latest, 'filesfu.session.windows'))).toEqual([1]);
    expect(Object.values(byLabels(latest, 'filesfu.session.windows.high_cpu'))).toEqual([0, 0]);
    const text = await registry.metrics();
    expect(text).toContain('filesfu_gateway_datapoints_late_total 1');
    expect(text).toContain('filesfu_gateway_session_windows_closed_total{by="timeout"} 1');
    expect(text).toContain('filesfu_gateway_session_windows_closed_total{by="progress"} 0');
  });
});
