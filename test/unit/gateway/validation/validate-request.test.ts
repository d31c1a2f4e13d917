import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../../src/gateway/validation/index.js';
import type { RequestLimits } from '../../../../src/gateway/validation/index.js';
import { pipelineConfigSchema } from '../../../../src/gateway/pipeline/config.js';
import { AggregationTemporality } from '../../../../src/otlp/index.js';
import type { HistogramMetric } from '../../../../src/otlp/index.js';
import {
  cpuRequest,
  NS_PER_MS,
  sessionExport,
  sessionResourceMetrics,
} from '../../../support/cpu-requests.js';

const defaults = pipelineConfigSchema.parse({});
const limits: RequestLimits = {
  ...defaults.validation,
  detailAttributes: defaults.details.map((d) => d.attribute),
};
const INSTALL = 'install-1';

function cpuMetric(request: ReturnType<typeof cpuRequest>, resource = 0): HistogramMetric {
  const metric = request.resourceMetrics[resource]?.scopeMetrics[0]?.metrics[0];
  if (metric?.type !== 'histogram') throw new Error('test request has no histogram');
  return metric;
}

describe('validateRequest', () => {
  it('accepts a well-formed watchdog export and groups it by session', () => {
    const a = sessionExport({ stages: { idle: [0.1], indexing: [0.9, 0.95] } });
    const b = sessionExport();
    const result = validateRequest(cpuRequest([a, b]), INSTALL, limits, Date.now());
    expect(result.receivedDataPoints).toBe(3);
    expect(result.rejections.total).toBe(0);
    expect(result.rejections.message()).toBe('');
    expect(result.sessions.map((s) => s.identity.sessionId)).toEqual([a.sessionId, b.sessionId]);
    expect(result.sessions[0]?.stages).toEqual(['idle', 'indexing']);
  });

  it('reads the configured details (non-negative integers only) and keys each stream by raw stage and detail values', () => {
    const session = sessionExport({
      stages: { receiving: [0.9], sending: [0.1], idle: [0.2], syncing: [0.3], weird: [0.4] },
      pointAttributes: {
        receiving: { 'filesfu.file.name.length': 57 },
        sending: { 'filesfu.file.name.length': 4.5 },
        idle: { 'filesfu.file.name.length': '57' },
        syncing: { 'filesfu.file.name.length': -3 },
      },
    });
    const [validated] = validateRequest(cpuRequest([session]), INSTALL, limits, Date.now()).sessions;
    expect(validated?.details).toEqual([[57], [undefined], [undefined], [undefined], [undefined]]);
    expect(new Set(validated?.streams).size).toBe(5);
    expect(validated?.streams[0]).toBe('receiving\u000057');
    expect(validated?.streams[1]).toBe('sending\u0000');
    // Without configured details a stream is the raw stage itself.
    const bare = validateRequest(
      cpuRequest([session]),
      INSTALL,
      { ...limits, detailAttributes: [] },
      Date.now(),
    );
    expect(bare.sessions[0]?.streams).toEqual(['receiving', 'sending', 'idle', 'syncing', 'weird']);
    expect(bare.sessions[0]?.details).toEqual([[], [], [], [], []]);
  });

  it.each([
    [8, 8],
    [1, 1],
    [0, undefined],
    [2.5, undefined],
    ['8', undefined],
    [undefined, undefined],
  ])('reads logical_count %s as %s', (count, expected) => {
    const session = sessionExport(
      count === undefined ? {} : { extraResourceAttributes: { 'filesfu.host.cpu.logical_count': count } },
    );
    const [validated] = validateRequest(cpuRequest([session]), INSTALL, limits, Date.now()).sessions;
    expect(validated?.identity.cpuLogicalCount).toBe(expected);
  });

  it('passes a point already on CPU_BUCKETS through as is, and re-buckets a finer one into a copy', () => {
    const request = cpuRequest([sessionExport({ stages: { idle: [0.1], indexing: [0.9] } })]);
    const [canonical, finer] = cpuMetric(request).dataPoints;
    if (!canonical || !finer) throw new Error('test request has two points');
    // The finer point splits the first canonical bucket (0.05) in two: 0.025 and 0.05.
    const counts = [...finer.bucketCounts];
    finer.explicitBounds = [0.025, ...finer.explicitBounds];
    finer.bucketCounts = [0, ...counts];
    const samples = validateRequest(request, INSTALL, limits, Date.now()).sessions[0]?.samples;
    expect(samples?.[0]).toBe(canonical);
    expect(samples?.[1]).not.toBe(finer);
    expect(samples?.[1]?.bucketCounts).toEqual(counts);
    expect(finer.bucketCounts).toEqual([0, ...counts]);
  });

  it('rejects only the resource whose install id does not match the credential', () => {
    const good = sessionExport();
    const foreign = sessionExport({ installId: 'someone-else', stages: { idle: [0.1], syncing: [0.2] } });
    const result = validateRequest(cpuRequest([good, foreign]), INSTALL, limits, Date.now());
    expect(result.sessions).toHaveLength(1);
    expect(result.rejections.entries()).toEqual([['install_id_mismatch', 2]]);
    expect(result.rejections.message()).toContain('install id does not match credential');
  });

  it.each([
    ['missing_session_id', (s: ReturnType<typeof sessionExport>) => ({ ...s, sessionId: '' })],
    ['invalid_session_id', (s: ReturnType<typeof sessionExport>) => ({ ...s, sessionId: 'x'.repeat(65) })],
    ['invalid_session_id', (s: ReturnType<typeof sessionExport>) => ({ ...s, sessionId: 'not a uuid!' })],
    ['missing_version', (s: ReturnType<typeof sessionExport>) => ({ ...s, version: '' })],
    ['missing_os_type', (s: ReturnType<typeof sessionExport>) => ({ ...s, osType: '' })],
  ])('rejects a resource with %s', (reason, mutate) => {
    const result = validateRequest(cpuRequest([mutate(sessionExport())]), INSTALL, limits, Date.now());
    expect(result.rejections.entries()).toEqual([[reason, 1]]);
  });

  it('enforces attribute count and value size on resources, others in the request still count', () => {
    const many = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, 'v']));
    const big = { note: 'x'.repeat(limits.maxAttributeValueBytes + 1) };
    const request = cpuRequest([
      sessionExport({ extraResourceAttributes: many }),
      sessionExport({ extraResourceAttributes: big }),
      sessionExport(),
    ]);
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(result.sessions).toHaveLength(1);
    expect(Object.fromEntries(result.rejections.entries())).toEqual({
      too_many_attributes: 1,
      attribute_value_too_long: 1,
    });
    expect(result.observed.maxAttributes).toBeGreaterThan(limits.maxAttributes);
  });

  it('rejects points by reason and summarises them', () => {
    const request = cpuRequest([
      sessionExport({ stages: { a: [0.1], b: [0.1], c: [0.1], d: [0.1], e: [0.1] } }),
    ]);
    const points = cpuMetric(request).dataPoints;
    const nowMs = Date.now();
    const old = BigInt(nowMs - limits.maxPointAgeMs - 60_000) * NS_PER_MS;
    Object.assign(points[0]!, { startTimeUnixNano: old - 1000n, timeUnixNano: old });
    Object.assign(points[1]!, { sum: Number.NaN });
    Object.assign(points[2]!, { count: 7 });
    Object.assign(points[3]!, { explicitBounds: [0.1, 0.5, 1], bucketCounts: [1, 0, 0, 0], count: 1 });
    const future = BigInt(nowMs + limits.maxFutureSkewMs + 60_000) * NS_PER_MS;
    Object.assign(points[4]!, { timeUnixNano: future });
    const result = validateRequest(request, INSTALL, limits, nowMs);
    expect(result.sessions).toHaveLength(0);
    expect(Object.fromEntries(result.rejections.entries())).toEqual({
      timestamp_too_old: 1,
      nan_value: 1,
      count_mismatch: 1,
      incompatible_buckets: 1,
      timestamp_in_future: 1,
    });
    expect(result.rejections.message()).toMatch(/^5 data points rejected: /);
  });

  it('rejects negative values, missing start time, unknown metrics, wrong type and temporality', () => {
    const request = cpuRequest([sessionExport({ stages: { a: [0.1], b: [0.1] } })]);
    const points = cpuMetric(request).dataPoints;
    Object.assign(points[0]!, { min: -0.1 });
    Object.assign(points[1]!, { startTimeUnixNano: 0n });
    const resource = request.resourceMetrics[0]!;
    const base = cpuMetric(request);
    resource.scopeMetrics[0]!.metrics.push(
      { ...base, name: 'process.memory.usage', dataPoints: [base.dataPoints[0]!] },
      {
        ...base,
        aggregationTemporality: AggregationTemporality.Cumulative,
        dataPoints: [base.dataPoints[0]!],
      },
      {
        type: 'gauge',
        name: 'process.cpu.utilization',
        description: '',
        unit: '1',
        metadata: [],
        dataPoints: [
          {
            attributes: [],
            startTimeUnixNano: 1n,
            timeUnixNano: 2n,
            value: 1,
            valueType: 'double',
            exemplars: [],
            flags: 0,
          },
        ],
      },
    );
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(Object.fromEntries(result.rejections.entries())).toEqual({
      negative_value: 1,
      invalid_timestamps: 1,
      unknown_metric: 1,
      wrong_temporality: 1,
      wrong_metric_type: 1,
    });
  });

  it('merges finer buckets down onto CPU_BUCKETS', () => {
    const request = cpuRequest([sessionExport()]);
    const point = cpuMetric(request).dataPoints[0]!;
    Object.assign(point, {
      explicitBounds: [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.8, 0.9, 1, 2],
      bucketCounts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      count: 78,
    });
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(result.sessions[0]?.samples[0]?.bucketCounts).toEqual([3, 3, 4, 5, 13, 8, 9, 10, 23]);
  });

  it('keeps a rejected resource from hiding the valid resources of the same session', () => {
    const s = sessionExport();
    const request = cpuRequest([s]);
    request.resourceMetrics.push(sessionResourceMetrics({ ...s, installId: 'other' }));
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(result.sessions).toHaveLength(1);
    expect(result.rejections.total).toBe(1);
  });
});
