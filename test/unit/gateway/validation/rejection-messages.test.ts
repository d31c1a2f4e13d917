import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pipelineConfigSchema } from '../../../../src/gateway/pipeline/config.js';
import type { RejectReason, RequestLimits } from '../../../../src/gateway/validation/index.js';
import { REJECT_REASONS, RejectionTally, validateRequest } from '../../../../src/gateway/validation/index.js';
import { CPU_BUCKETS } from '../../../../src/model/index.js';
import { AggregationTemporality } from '../../../../src/otlp/index.js';
import type { ExportMetricsServiceRequest, HistogramMetric } from '../../../../src/otlp/index.js';
import { cpuRequest, sessionExport } from '../../../support/cpu-requests.js';

// Issue #21: each mistake a standard SDK user makes is answered with what was expected and how to
// get it, every distinct problem at once, within a bounded length.

const defaults = pipelineConfigSchema.parse({});
const limits: RequestLimits = {
  ...defaults.validation,
  detailAttributes: defaults.details.map((d) => d.attribute),
};
const INSTALL = 'install-1';
const BOUNDS = `[${CPU_BUCKETS.join(', ')}]`;

function cpuMetric(request: ExportMetricsServiceRequest): HistogramMetric {
  const metric = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
  if (metric?.type !== 'histogram') throw new Error('test request has no histogram');
  return metric;
}

function messageOf(request: ExportMetricsServiceRequest): string {
  return validateRequest(request, INSTALL, limits, Date.now()).rejections.message();
}

/** The Python SDK's default explicit bounds. */
const SDK_DEFAULT_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

describe('rejection messages name the fix', () => {
  it('cumulative temporality → the temporality setting', () => {
    const request = cpuRequest([sessionExport()]);
    cpuMetric(request).aggregationTemporality = AggregationTemporality.Cumulative;
    const message = messageOf(request);
    expect(message).toContain('wrong_temporality');
    expect(message).toContain('(got CUMULATIVE)');
    expect(message).toContain('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta');
    expect(message).toContain('AggregationTemporalityPreference.DELTA');
  });

  it('default buckets → the exact bounds and how to set them (advice or a View)', () => {
    const request = cpuRequest([sessionExport()]);
    const point = cpuMetric(request).dataPoints[0]!;
    Object.assign(point, {
      explicitBounds: SDK_DEFAULT_BOUNDS,
      bucketCounts: [0, 2, ...new Array<number>(SDK_DEFAULT_BOUNDS.length - 1).fill(0)],
    });
    const message = messageOf(request);
    expect(message).toContain(`histogram bounds must contain ${BOUNDS}`);
    expect(message).toContain(`explicit_bucket_boundaries_advisory=${BOUNDS}`);
    expect(message).toContain(`advice: { explicitBucketBoundaries: ${BOUNDS} }`);
    expect(message).toContain(`ExplicitBucketHistogramAggregation(${BOUNDS})`);
    expect(message).toContain('got bounds [0, 5, 10, 25');
  });

  it('no session.id → the resource attribute and how to make one', () => {
    const message = messageOf(cpuRequest([sessionExport({ sessionId: '' })]));
    expect(message).toContain('expected resource attribute session.id: a new random UUID per app run');
  });

  it('another install → service.instance.id must be the token install, naming both ids', () => {
    const message = messageOf(cpuRequest([sessionExport({ installId: 'install-2' })]));
    expect(message).toContain(
      'service.instance.id must be the install id this token was issued for, "install-1" (got "install-2")',
    );
  });

  it('no service.instance.id → the attribute with the token install id (400, not 403)', () => {
    const request = cpuRequest([sessionExport()]);
    const attributes = request.resourceMetrics[0]!.resource.attributes;
    request.resourceMetrics[0]!.resource.attributes = attributes.filter(
      (kv) => kv.key !== 'service.instance.id',
    );
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(result.rejections.has('install_id_mismatch')).toBe(false);
    expect(result.rejections.message()).toContain('Set service.instance.id=install-1 on the Resource');
  });

  it('a Gauge instead of a Histogram → the instrument to create', () => {
    const request = cpuRequest([sessionExport()]);
    const metrics = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    metrics[0] = {
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
          value: 0.5,
          valueType: 'double',
          exemplars: [],
          flags: 0,
        },
      ],
    };
    const message = messageOf(request);
    expect(message).toContain('must be a Histogram (got Gauge)');
    expect(message).toContain('create_histogram');
  });

  it('extra metrics are ignored with a note, not rejected', () => {
    const request = cpuRequest([sessionExport()]);
    const base = cpuMetric(request);
    request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.push({ ...base, name: 'http.server.duration' });
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(result.rejections.total).toBe(0);
    expect(result.rejections.ignored).toBe(base.dataPoints.length);
    expect(result.sessions).toHaveLength(1);
    expect(result.rejections.message()).toMatch(/^Note: 1 data point of metrics this gateway does not use/);
  });

  it('reports every distinct problem of a default SDK setup at once, resource first', () => {
    const request = cpuRequest([sessionExport({ sessionId: '', version: '', osType: '' })]);
    const metric = cpuMetric(request);
    metric.aggregationTemporality = AggregationTemporality.Cumulative;
    Object.assign(metric.dataPoints[0]!, {
      explicitBounds: SDK_DEFAULT_BOUNDS,
      bucketCounts: [0, 2, ...new Array<number>(SDK_DEFAULT_BOUNDS.length - 1).fill(0)],
    });
    const result = validateRequest(request, INSTALL, limits, Date.now());
    expect(result.rejections.reasons().map(([reason]) => reason)).toEqual([
      'missing_session_id',
      'missing_version',
      'missing_os_type',
      'wrong_temporality',
      'incompatible_buckets',
    ]);
    // Each point counts once, under its first reason.
    expect(result.rejections.total).toBe(1);
    expect(result.rejections.entries()).toEqual([['missing_session_id', 1]]);
    expect(result.rejections.message()).toMatch(
      /^1 data point of process.cpu.utilization rejected \(5 problems; fix all\)/,
    );
  });

  it('reports every problem of one point, not only the first', () => {
    const request = cpuRequest([sessionExport()]);
    Object.assign(cpuMetric(request).dataPoints[0]!, { startTimeUnixNano: 0n, sum: Number.NaN, count: 99 });
    const reasons = validateRequest(request, INSTALL, limits, Date.now()).rejections.reasons();
    expect(reasons.map(([r]) => r)).toEqual(['count_mismatch', 'nan_value', 'invalid_timestamps']);
  });

  it('is plain ASCII and within maxErrorMessageChars for any mix of reasons and limits', () => {
    const reasons = Object.keys(REJECT_REASONS) as RejectReason[];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...reasons), { minLength: 1 }),
        fc.integer({ min: 512, max: 5000 }),
        fc.string({ maxLength: 300 }),
        fc.nat({ max: 20 }),
        (chosen, maxErrorMessageChars, got, ignored) => {
          const tally = new RejectionTally({ ...limits, installId: INSTALL, maxErrorMessageChars });
          tally.addAll(chosen, 3, Object.fromEntries(chosen.map((r) => [r, got.replace(/[^ -~]/g, '?')])));
          for (let i = 0; i < ignored; i++) tally.ignore(`metric.${i}`, 1);
          const message = tally.message();
          expect(message.length).toBeLessThanOrEqual(maxErrorMessageChars);
          expect(message).toMatch(/^[\t\x20-\x7e]*$/);
          // Every problem is named, at least by its code.
          for (const reason of chosen) expect(message).toContain(reason);
        },
      ),
      { numRuns: 300 },
    );
  });
});
