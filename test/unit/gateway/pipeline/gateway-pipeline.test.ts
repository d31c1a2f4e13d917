import fc from 'fast-check';
import { Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPipeline,
  GatewayPipeline,
  pipelineConfigProblems,
  pipelineConfigSchema,
  stateStoreOptions as storeOptionsOf,
} from '../../../../src/gateway/pipeline/index.js';
import type { Pipeline } from '../../../../src/gateway/pipeline/index.js';
import { GatewayError } from '../../../../src/gateway/errors/index.js';
import { boundedLabelSpaceSeries } from '../../../../src/gateway/cardinality/index.js';
import { MemoryStateStore, redisConfigSchema } from '../../../../src/gateway/state/index.js';
import type { StateStore } from '../../../../src/gateway/state/index.js';
import {
  CPU_HISTOGRAM_COST,
  isHot,
  overflowPrometheusSeries,
  WINDOW_FAMILIES,
  windowFamilyCost,
} from '../../../../src/model/index.js';
import { cpuRequest, nowNs, sessionExport, type SessionExport } from '../../../support/cpu-requests.js';
import {
  exportedHistograms,
  exportedSums,
  startFakeCollector,
  type FakeCollector,
} from '../../../support/fake-collector.js';
import { startTestRedis, type TestRedis } from '../../../support/redis.js';

const PRINCIPAL = { installId: 'install-1', keyId: 'k1' };
const STAGES = ['starting', 'idle', 'indexing', 'sending', 'weird-stage'];
const OSES = ['linux', 'darwin', 'windows', 'plan9'];
const { thresholds: THRESHOLDS, episodeMinSamples: MIN_SAMPLES } = pipelineConfigSchema.parse({}).sessions;
/** Room for two CPU histogram label sets and a few window-family label sets besides the overflow reserve. */
const SMALL_BUDGET = overflowPrometheusSeries(2) + 2 * CPU_HISTOGRAM_COST + 5 * windowFamilyCost(2);
/** Short session windows, so that a test's past points are in windows the clock has closed. */
const SHORT_WINDOWS = { windowSeconds: 60, windowGraceSeconds: 0 };
/** Ten minutes ago: every window of a point that starts there is due at the next housekeeping. */
const PAST_NS = () => nowNs(-600_000);

let collector: FakeCollector;
let redis: TestRedis;
let prefix = 0;
const pipelines: Pipeline[] = [];

beforeAll(async () => {
  [collector, redis] = await Promise.all([startFakeCollector(), startTestRedis()]);
});
afterEach(async () => {
  await Promise.all(pipelines.splice(0).map((p) => p.shutdown()));
  collector.received.length = 0;
  collector.status = 200;
});
afterAll(async () => {
  await collector.close();
  await redis.stop();
});

async function newPipeline(
  store: 'memory' | 'redis',
  overrides: Record<string, Record<string, unknown>> = {},
  registry = new Registry(),
  retryAfterSeconds?: number,
): Promise<GatewayPipeline> {
  const config = pipelineConfigSchema.parse({
    ...overrides,
    export: { collectorUrl: collector.url, flushIntervalMs: 3_600_000, ...overrides['export'] },
  });
  const pipeline = await createPipeline(config, {
    registry,
    replicaId: 'replica-a',
    log: () => {},
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(store === 'redis'
      ? { redis: redisConfigSchema.parse({ url: redis.url, keyPrefix: `p${prefix++}:` }) }
      : {}),
  });
  pipelines.push(pipeline);
  if (!(pipeline instanceof GatewayPipeline)) throw new Error('unexpected pipeline type');
  return pipeline;
}

function sumBuckets(points: ReturnType<typeof exportedHistograms>): number {
  return points.reduce((n, p) => n + p.point.count, 0);
}

function total(points: ReturnType<typeof exportedSums>): number {
  return points.reduce((n, p) => n + p.point.value, 0);
}

describe.each(['memory', 'redis'] as const)('pipeline with %s state', (store) => {
  it('keeps totals exact across the series budget: overflow series absorb the rest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            version: fc.constantFrom('1.0', '1.1', '2.0', '3.0', 'x'.repeat(80)),
            osType: fc.constantFrom(...OSES),
            stages: fc.dictionary(
              fc.constantFrom(...STAGES),
              // fast-check's doubles cluster near 0; the constants make sessions cross the thresholds.
              fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.35, 0.85, 1)), {
                minLength: 1,
                maxLength: 12,
              }),
              { minKeys: 1, maxKeys: 3 },
            ),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (sessions) => {
          const pipeline = await newPipeline(store, {
            limits: { maxSeries: SMALL_BUDGET, maxVersions: 2 },
            sessions: SHORT_WINDOWS,
          });
          const exports: SessionExport[] = sessions.map((s) => sessionExport({ ...s, endNs: PAST_NS() }));
          const outcome = await pipeline.ingest(cpuRequest(exports), PRINCIPAL);
          const points = exports.reduce((n, s) => n + Object.keys(s.stages).length, 0);
          expect(outcome).toMatchObject({
            acceptedDataPoints: points,
            rejectedDataPoints: 0,
            duplicateDataPoints: 0,
          });
          await pipeline.housekeeping(); // the clock closes every session's window
          expect(await pipeline.flushNow()).toBe(true);
          const latest = collector.latest();
          const histograms = exportedHistograms(latest);
          const samples = exports.reduce((n, s) => n + Object.values(s.stages).flat().length, 0);
          expect(sumBuckets(histograms)).toBe(samples);
          // One window per session (its one export starts in one window), one stage cell per stage.
          expect(total(exportedSums(latest, 'filesfu.session.windows'))).toBe(exports.length);
          expect(total(exportedSums(latest, 'filesfu.stage.windows'))).toBe(points);
          // Bounded labels only, and everything forwarded (overflow series included) fits maxSeries
          // Prometheus series.
          const counters = WINDOW_FAMILIES.flatMap((f) => [
            ...exportedSums(latest, f.active),
            ...exportedSums(latest, f.high),
          ]);
          const all = [...histograms, ...counters];
          expect(histograms.length * CPU_HISTOGRAM_COST + counters.length).toBeLessThanOrEqual(SMALL_BUDGET);
          // Overflow label sets: only the overflow label, but the high counters keep `threshold` (a
          // per-threshold fleet rate must include what overflowed).
          for (const s of all.filter((c) => c.labels['otel.metric.overflow'] === 'true')) {
            const labels = Object.keys(s.labels).sort();
            if (s.labels['threshold'] === undefined) expect(labels).toEqual(['otel.metric.overflow']);
            else expect(labels).toEqual(['otel.metric.overflow', 'threshold']);
          }
          // A one-point stream is high at T when the point is hot and holds an episode by itself.
          for (const threshold of THRESHOLDS) {
            const high = (values: number[]) => {
              const above = values.filter((v) => v > threshold).length;
              return isHot(values.length, above) && above >= MIN_SAMPLES;
            };
            const atThreshold = (m: string) =>
              total(exportedSums(latest, m).filter((c) => c.labels['threshold'] === String(threshold)));
            expect(atThreshold('filesfu.session.windows.high_cpu')).toBe(
              exports.filter((e) => Object.values(e.stages).some(high)).length,
            );
            expect(atThreshold('filesfu.stage.windows.high_cpu')).toBe(
              exports.reduce((n, e) => n + Object.values(e.stages).filter(high).length, 0),
            );
          }
          for (const s of all) {
            if (s.labels['os'] !== undefined)
              expect(['linux', 'darwin', 'windows', 'other']).toContain(s.labels['os']);
            if (s.labels['stage'] !== undefined) expect(s.labels['stage']).not.toBe('weird-stage');
            if (s.labels['version'] !== undefined) expect(s.labels['version'].length).toBeLessThanOrEqual(64);
          }
          const versions = new Set(all.map((s) => s.labels['version']).filter((v) => v && v !== 'other'));
          expect(versions.size).toBeLessThanOrEqual(2);
          await pipeline.shutdown();
          collector.received.length = 0;
        },
      ),
      { numRuns: store === 'redis' ? 8 : 20 },
    );
  });

  it('counts a retried request once and acknowledges the replay as duplicates', async () => {
    const pipeline = await newPipeline(store, { sessions: SHORT_WINDOWS });
    const request = cpuRequest([
      sessionExport({ stages: { idle: [0.1, 0.5], indexing: [0.9] }, endNs: PAST_NS() }),
      sessionExport({ endNs: PAST_NS() }),
    ]);
    const first = await pipeline.ingest(request, PRINCIPAL);
    const retry = await pipeline.ingest(request, PRINCIPAL);
    expect(first).toMatchObject({ acceptedDataPoints: 3, duplicateDataPoints: 0 });
    expect(retry).toEqual({
      acceptedDataPoints: 0,
      rejectedDataPoints: 0,
      duplicateDataPoints: 3,
      errorMessage: '',
      invalidRequest: false,
      forbidden: false,
      ignoredDataPoints: 0,
      rejectionReasons: [],
    });
    await pipeline.housekeeping();
    await pipeline.flushNow();
    expect(sumBuckets(exportedHistograms(collector.latest()))).toBe(5);
    expect(total(exportedSums(collector.latest(), 'filesfu.session.windows'))).toBe(2);
  });

  it('exports the hottest session of the interval as the exemplar, its UUID as trace id', async () => {
    const pipeline = await newPipeline(store);
    const cool = sessionExport({ stages: { idle: [0.2, 0.4] } });
    const hot = sessionExport({ stages: { idle: [0.1, 0.97] } });
    await pipeline.ingest(cpuRequest([cool, hot]), PRINCIPAL);
    await pipeline.flushNow();
    const [series] = exportedHistograms(collector.latest());
    expect(series?.point.exemplars).toHaveLength(1);
    const exemplar = series!.point.exemplars[0]!;
    expect(exemplar.value).toBe(0.97);
    expect(exemplar.filteredAttributes).toEqual([{ key: 'session.id', value: hot.sessionId }]);
    expect(Buffer.from(exemplar.traceId).toString('hex')).toBe(hot.sessionId.replace(/-/g, ''));
    expect(exemplar.spanId).toHaveLength(8);
    // A new interval starts after a successful export.
    await pipeline.ingest(cpuRequest([sessionExport({ stages: { idle: [0.3] } })]), PRINCIPAL);
    await pipeline.flushNow();
    expect(exportedHistograms(collector.latest())[0]?.point.exemplars[0]?.value).toBe(0.3);
  });

  it('counts a session export repeated within one request once', async () => {
    const pipeline = await newPipeline(store);
    const session = sessionExport({ stages: { idle: [0.1, 0.2], indexing: [0.9] } });
    const outcome = await pipeline.ingest(cpuRequest([session, session]), PRINCIPAL);
    expect(outcome).toMatchObject({ acceptedDataPoints: 2, duplicateDataPoints: 2, rejectedDataPoints: 0 });
    await pipeline.flushNow(); // announces the new series at zero
    await pipeline.flushNow();
    expect(sumBuckets(exportedHistograms(collector.latest()))).toBe(3);
  });

  it('reports rejections as a partial success and a wholly invalid request as invalid', async () => {
    const pipeline = await newPipeline(store);
    const partial = await pipeline.ingest(
      cpuRequest([sessionExport(), sessionExport({ installId: 'not-me' })]),
      PRINCIPAL,
    );
    expect(partial).toEqual({
      acceptedDataPoints: 1,
      rejectedDataPoints: 1,
      duplicateDataPoints: 0,
      errorMessage: expect.stringMatching(
        /^1 data point of process.cpu.utilization rejected \(1 problem; fix all\): \(1\) install_id_mismatch /,
      ),
      invalidRequest: false,
      forbidden: false,
      ignoredDataPoints: 0,
      rejectionReasons: [['install_id_mismatch', 1]],
    });
    const invalid = await pipeline.ingest(cpuRequest([sessionExport({ installId: 'not-me' })]), PRINCIPAL);
    // Nothing accepted and another install's resource: the HTTP layer answers 403.
    expect(invalid).toMatchObject({ invalidRequest: true, forbidden: true });
    const empty = await pipeline.ingest({ resourceMetrics: [] }, PRINCIPAL);
    expect(empty).toMatchObject({ acceptedDataPoints: 0, rejectedDataPoints: 0, invalidRequest: false });
  });

  it('keeps aggregating while the collector is down and refuses data once it is unexported too long', async () => {
    const pipeline = await newPipeline(store, { export: { maxUnexportedMs: 1 } }, new Registry(), 7);
    collector.status = 503;
    await pipeline.ingest(cpuRequest([sessionExport({ stages: { idle: [0.1, 0.2] } })]), PRINCIPAL);
    expect(await pipeline.flushNow()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pipeline.backpressure()).toMatchObject({ accepting: false, retryAfterSeconds: 7 });
    await pipeline.ingest(cpuRequest([sessionExport({ stages: { idle: [0.3] } })]), PRINCIPAL);
    collector.status = 200;
    expect(await pipeline.flushNow()).toBe(true);
    expect(pipeline.backpressure().accepting).toBe(true);
    expect(sumBuckets(exportedHistograms(collector.latest()))).toBe(3);
  });

  it('registers the agreed self-metrics with every limit as current vs max', async () => {
    const registry = new Registry();
    const pipeline = await newPipeline(store, {}, registry);
    await pipeline.ingest(cpuRequest([sessionExport(), sessionExport({ installId: 'x' })]), PRINCIPAL);
    await pipeline.ingest(cpuRequest([sessionExport()]), PRINCIPAL);
    const text = await registry.metrics();
    for (const name of [
      'filesfu_gateway_datapoints_received_total 3',
      'filesfu_gateway_datapoints_accepted_total 2',
      'filesfu_gateway_datapoints_rejected_total{reason="install_id_mismatch"} 1',
      'filesfu_gateway_datapoints_duplicate_total 0',
      `filesfu_gateway_limit_max{limit="series"} ${pipelineConfigSchema.parse({}).limits.maxSeries}`,
      'filesfu_gateway_limit_max{limit="versions"} 20',
      'filesfu_gateway_limit_max{limit="sessions"} 200000',
      'filesfu_gateway_limit_max{limit="attributes"} 128',
      'filesfu_gateway_limit_max{limit="attribute_value_bytes"} 4096',
      'filesfu_gateway_limit_max{limit="unexported_seconds"} 60',
      `filesfu_gateway_series_budget ${pipelineConfigSchema.parse({}).limits.maxSeries}`,
      'filesfu_gateway_export_total{result="success"} 0',
      'filesfu_gateway_datapoints_late_total 0',
      'filesfu_gateway_session_windows_closed_total{by="progress"} 0',
      'filesfu_gateway_session_windows_closed_total{by="timeout"} 0',
      'filesfu_gateway_session_windows_open 0',
    ]) {
      expect(text).toContain(name);
    }
    for (const name of [
      'filesfu_gateway_limit_current{limit="series"}',
      'filesfu_gateway_series_active',
      'filesfu_gateway_sessions_active',
      'filesfu_gateway_export_duration_seconds_bucket',
      'filesfu_gateway_export_last_success_timestamp_seconds',
      'filesfu_gateway_datapoints_overflowed_total',
    ]) {
      expect(text).toContain(name);
    }
  });
});

describe('pipeline with an unavailable redis', () => {
  it('is not ready, refuses data with Retry-After, and fails a request with a retryable error', async () => {
    const dead = await startTestRedis();
    const url = dead.url;
    await dead.stop();
    const config = pipelineConfigSchema.parse({
      export: { collectorUrl: collector.url },
    });
    const pipeline = await createPipeline(config, {
      registry: new Registry(),
      replicaId: 'r',
      log: () => {},
      redis: redisConfigSchema.parse({ url, commandTimeoutMs: 200 }),
    });
    pipelines.push(pipeline);
    expect(pipeline.ready()).toBe(false);
    expect(pipeline.backpressure()).toMatchObject({ accepting: false, reason: 'state store unavailable' });
    const error = await pipeline.ingest(cpuRequest([sessionExport()]), PRINCIPAL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).retryable).toBe(true);
  });
});

describe('series budget gauges', () => {
  it('report the Prometheus series held by all replicas, the reserved overflow series included', async () => {
    const config = pipelineConfigSchema.parse({
      export: { collectorUrl: collector.url, flushIntervalMs: 3_600_000 },
    });
    const shared = new MemoryStateStore(storeOptionsOf(config));
    const replica = async (registry: Registry) => {
      const pipeline = new GatewayPipeline(config, shared, { registry, replicaId: 'r', log: () => {} });
      await pipeline.start(); // its first housekeeping reads the shared budget
      pipelines.push(pipeline);
      return pipeline;
    };
    const first = await replica(new Registry());
    await first.ingest(cpuRequest([sessionExport({ stages: { idle: [0.1] } })]), PRINCIPAL);
    const registry = new Registry();
    await replica(registry);
    // One histogram label set (its session window is still open), plus the reserve.
    const used = CPU_HISTOGRAM_COST + overflowPrometheusSeries(config.sessions.thresholds.length);
    const text = await registry.metrics();
    expect(text).toContain(`filesfu_gateway_series_active ${used}`);
    expect(text).toContain(`filesfu_gateway_limit_current{limit="series"} ${used}`);
    expect(text).toContain(`filesfu_gateway_series_budget ${config.limits.maxSeries}`);
  });
});

describe('pipeline when the state store fails for part of a request', () => {
  it('counts committed sessions, fails retryably, and the retry counts exactly the rest', async () => {
    const config = pipelineConfigSchema.parse({
      export: { collectorUrl: collector.url, flushIntervalMs: 3_600_000 },
      sessions: SHORT_WINDOWS,
    });
    const memory = new MemoryStateStore(storeOptionsOf(config));
    let failNext = 0;
    const flaky: StateStore = {
      commitSession: async (commit, now) => {
        if (failNext > 0) {
          failNext--;
          throw new Error('connection reset');
        }
        return memory.commitSession(commit, now);
      },
      admitSeries: (keys, now) => memory.admitSeries(keys, now),
      admitVersions: (versions) => memory.admitVersions(versions),
      recordVersionUsage: (usage, now) => memory.recordVersionUsage(usage, now),
      closeDueWindows: (now) => memory.closeDueWindows(now),
      housekeeping: (now) => memory.housekeeping(now),
      ready: () => true,
      close: () => memory.close(),
    };
    const pipeline = new GatewayPipeline(config, flaky, {
      registry: new Registry(),
      replicaId: 'r',
      log: () => {},
    });
    await pipeline.start();
    pipelines.push(pipeline);
    const request = cpuRequest([0, 1, 2].map(() => sessionExport({ endNs: PAST_NS() })));
    failNext = 1; // the first session's commit fails
    await expect(pipeline.ingest(request, PRINCIPAL)).rejects.toBeInstanceOf(GatewayError);
    const retry = await pipeline.ingest(request, PRINCIPAL);
    expect(retry).toMatchObject({ acceptedDataPoints: 1, duplicateDataPoints: 2 });
    await pipeline.housekeeping();
    await pipeline.flushNow();
    expect(sumBuckets(exportedHistograms(collector.latest()))).toBe(6);
    expect(total(exportedSums(collector.latest(), 'filesfu.session.windows'))).toBe(3);
  });
});

describe('pipeline config', () => {
  it('keeps session state longer than any replay the point age limit accepts', () => {
    const config = pipelineConfigSchema.parse({ validation: { maxPointAgeMs: 2000 } });
    expect(config.state.dedupWindowMs).toBeGreaterThan(
      config.validation.maxPointAgeMs + config.validation.maxFutureSkewMs,
    );
  });

  it('sizes the default series budget to hold every label combination the default bounds allow', () => {
    const { limits, sessions, details } = pipelineConfigSchema.parse({});
    const labelSpace = boundedLabelSpaceSeries({
      maxVersions: limits.maxVersions,
      stages: limits.stages.length,
      osTypes: limits.osTypes.length,
      thresholds: sessions.thresholds.length,
      detailBounds: details.map((d) => d.bounds.length),
    });
    expect(limits.maxSeries).toBeGreaterThanOrEqual(labelSpace);
  });

  it('refuses a series budget smaller than the overflow series it reserves, per configured threshold', () => {
    expect(() =>
      pipelineConfigSchema.parse({ limits: { maxSeries: overflowPrometheusSeries(1) - 1 } }),
    ).toThrow(/overflow series/);
    const withThresholds = (thresholds: number[], maxSeries: number) =>
      pipelineConfigProblems(pipelineConfigSchema.parse({ limits: { maxSeries }, sessions: { thresholds } }));
    // Each threshold adds a high counter to the overflow label set of each window family.
    expect(overflowPrometheusSeries(3) - overflowPrometheusSeries(2)).toBe(WINDOW_FAMILIES.length);
    expect(withThresholds([0.3, 0.8], overflowPrometheusSeries(2))).toEqual([]);
    expect(withThresholds([0.3, 0.5, 0.8], overflowPrometheusSeries(2))).toEqual([
      expect.stringMatching(/maxSeries must be at least .* overflow series .* 3 thresholds/),
    ]);
  });

  it('rejects thresholds that are not bucket bounds', () => {
    expect(() => pipelineConfigSchema.parse({ sessions: { thresholds: [0.25] } })).toThrow(/CPU_BUCKETS/);
  });
});

describe('pipeline shutdown with redis state', () => {
  it('waits for an ingest still committing, so its points are in the final flush', async () => {
    const pipeline = await newPipeline('redis');
    const admin = new Redis(redis.url);
    try {
      // Every state-store script of the ingest waits for the pause; shutdown starts meanwhile.
      await admin.call('CLIENT', 'PAUSE', '500', 'WRITE');
      const ingest = pipeline.ingest(
        cpuRequest([sessionExport({ stages: { idle: [0.1, 0.2, 0.3] } })]),
        PRINCIPAL,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const shutdown = pipeline.shutdown();
      expect(await ingest).toMatchObject({ acceptedDataPoints: 1 });
      await shutdown;
      expect(sumBuckets(exportedHistograms(collector.latest()))).toBe(3);
      await expect(pipeline.ingest(cpuRequest([sessionExport()]), PRINCIPAL)).rejects.toMatchObject({
        code: 'FILESFU_GW_SHUTTING_DOWN',
        status: 503,
      });
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      admin.disconnect();
    }
  });
});

describe('stateStoreOptions', () => {
  it('hands the store the episode and window settings in its units', () => {
    const config = pipelineConfigSchema.parse({
      sessions: { episodeMinSamples: 7, windowSeconds: 300, windowGraceSeconds: 30, thresholds: [0.8] },
    });
    expect(storeOptionsOf(config)).toMatchObject({
      thresholds: ['0.8'],
      episodeMinSamples: 7,
      windowMs: 300_000,
      windowGraceMs: 30_000,
    });
  });
});
