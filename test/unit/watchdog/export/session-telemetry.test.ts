import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeExportMetricsServiceRequest,
  AggregationTemporality,
  type AnyValue,
  type HistogramMetric,
  type KeyValue,
} from '../../../../src/otlp/index.js';
import { CPU_BUCKETS, createSessionTelemetry, type SessionIdentity } from '../../../../src/watchdog/index.js';

const identity: SessionIdentity = {
  installId: '3f0c2b7e-1111-4222-8333-444455556666',
  sessionId: '9a9a9a9a-1111-4222-8333-444455556666',
  appVersion: '6.4.0',
  osType: 'linux',
  osVersion: '6.1.0',
  hostArch: 'amd64',
};

interface Captured {
  url: string;
  headers: Headers;
  body: Uint8Array;
}

/** A fetch that records requests and answers from `statuses` (then 200). */
function recordingFetch(statuses: number[] = []) {
  const requests: Captured[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    requests.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: new Uint8Array(init?.body as Uint8Array),
    });
    const status = statuses.shift() ?? 200;
    if (status === 0) return Promise.reject(new TypeError('fetch failed'));
    return Promise.resolve(new Response(null, { status }));
  };
  return { fetchImpl, requests };
}

const attr = (attributes: KeyValue[], key: string): AnyValue | undefined =>
  attributes.find((a) => a.key === key)?.value;

function histogramOf(body: Uint8Array): { metric: HistogramMetric; resource: KeyValue[]; scope: string } {
  const request = decodeExportMetricsServiceRequest(body);
  const resourceMetrics = request.resourceMetrics[0];
  const scopeMetrics = resourceMetrics?.scopeMetrics[0];
  const metric = scopeMetrics?.metrics[0];
  if (!resourceMetrics || !scopeMetrics || metric?.type !== 'histogram')
    throw new Error('no histogram exported');
  return { metric, resource: resourceMetrics.resource.attributes, scope: scopeMetrics.scope.name };
}

describe('createSessionTelemetry', () => {
  it('exports the docs/metrics.md model: resource, scope, DELTA histogram with CPU_BUCKETS per stage', async () => {
    const { fetchImpl, requests } = recordingFetch();
    const telemetry = createSessionTelemetry({
      identity,
      endpoint: 'http://127.0.0.1:9',
      token: 'tok-123',
      exportIntervalMs: 600_000,
      spoolDir: false,
      fetch: fetchImpl,
    });
    for (const value of [0.02, 0.35, 0.95]) telemetry.recordCpu(value, 'indexing');
    telemetry.recordCpu(0.04, 'idle');
    await telemetry.forceFlush();

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe('http://127.0.0.1:9/v1/metrics');
    expect(request?.headers.get('authorization')).toBe('Bearer tok-123');
    expect(request?.headers.get('content-type')).toBe('application/x-protobuf');

    const { metric, resource, scope } = histogramOf(request?.body ?? new Uint8Array());
    expect(scope).toBe('filesfu-watchdog');
    expect(Object.fromEntries(resource.map((kv) => [kv.key, kv.value]))).toEqual({
      'service.name': 'filesfu-desktop',
      'service.version': '6.4.0',
      'service.instance.id': identity.installId,
      'session.id': identity.sessionId,
      'os.type': 'linux',
      'os.version': '6.1.0',
      'host.arch': 'amd64',
    });
    expect(metric.name).toBe('process.cpu.utilization');
    expect(metric.unit).toBe('1');
    expect(metric.aggregationTemporality).toBe(AggregationTemporality.Delta);
    const byStage = new Map(metric.dataPoints.map((p) => [attr(p.attributes, 'filesfu.app.stage'), p]));
    const indexing = byStage.get('indexing');
    expect(indexing?.explicitBounds).toEqual([...CPU_BUCKETS]);
    expect(indexing?.count).toBe(3);
    expect(indexing?.min).toBeCloseTo(0.02);
    expect(indexing?.max).toBeCloseTo(0.95);
    // Buckets (le): 0.05 | 0.1 | 0.2 | 0.3 | 0.5 | 0.8 | 0.9 | 1 | +Inf
    expect(indexing?.bucketCounts).toEqual([1, 0, 0, 0, 1, 0, 0, 1, 0]);
    expect(byStage.get('idle')?.count).toBe(1);
    expect(telemetry.samplesRecorded).toBe(4);
    await telemetry.shutdown();
  });

  it('exports consecutive DELTA intervals that do not overlap, and nothing for an empty interval', async () => {
    const { fetchImpl, requests } = recordingFetch();
    const telemetry = createSessionTelemetry({
      identity,
      endpoint: 'http://127.0.0.1:9',
      exportIntervalMs: 600_000,
      spoolDir: false,
      fetch: fetchImpl,
    });
    telemetry.recordCpu(0.5, 'syncing');
    await telemetry.forceFlush();
    await telemetry.forceFlush(); // nothing recorded: no request
    telemetry.recordCpu(0.6, 'syncing');
    await telemetry.shutdown();
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map((r) => histogramOf(r.body).metric.dataPoints[0]);
    expect(first?.count).toBe(1);
    expect(second?.count).toBe(1);
    expect((second?.startTimeUnixNano ?? 0n) >= (first?.timeUnixNano ?? 1n)).toBe(true);
  });

  it('keeps undelivered exports on disk across a restart and replays them first, in order', async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), 'filesfu-telemetry-'));
    const offline = recordingFetch([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const before = createSessionTelemetry({
      identity,
      endpoint: 'http://127.0.0.1:9',
      exportIntervalMs: 600_000,
      spoolDir,
      spoolFsync: false,
      fetch: offline.fetchImpl,
      retry: { baseDelayMs: 10_000 },
      shutdownDrainTimeoutMs: 50,
    });
    before.recordCpu(0.1, 'login');
    await before.forceFlush();
    before.recordCpu(0.2, 'login');
    await before.shutdown();
    expect((await readdir(spoolDir)).filter((n) => n.endsWith('.pb'))).toHaveLength(2);

    const online = recordingFetch();
    const after = createSessionTelemetry({
      identity,
      endpoint: 'http://127.0.0.1:9',
      exportIntervalMs: 600_000,
      spoolDir,
      spoolFsync: false,
      fetch: online.fetchImpl,
    });
    after.recordCpu(0.3, 'idle');
    await after.shutdown();
    const sums = online.requests.map((r) => histogramOf(r.body).metric.dataPoints[0]?.sum);
    expect(sums).toEqual([0.1, 0.2, 0.3]);
    const starts = online.requests.map(
      (r) => histogramOf(r.body).metric.dataPoints[0]?.startTimeUnixNano ?? 0n,
    );
    expect([...starts].sort((a, b) => (a < b ? -1 : 1))).toEqual(starts);
    expect((await readdir(spoolDir)).filter((n) => n.endsWith('.pb'))).toEqual([]);
  });

  it('exports the logical core count as a resource attribute when the identity has one', async () => {
    const { fetchImpl, requests } = recordingFetch();
    const telemetry = createSessionTelemetry({
      identity: { ...identity, cpuLogicalCount: 8 },
      endpoint: 'http://127.0.0.1:9',
      exportIntervalMs: 600_000,
      spoolDir: false,
      fetch: fetchImpl,
    });
    telemetry.recordCpu(0.1, 'idle');
    await telemetry.shutdown();
    const { resource } = histogramOf(requests[0]?.body ?? new Uint8Array());
    expect(attr(resource, 'filesfu.host.cpu.logical_count')).toBe(8);
  });

  it('records one point per (stage, detail values), exporting only STAGE_DETAILS with valid values', async () => {
    const { fetchImpl, requests } = recordingFetch();
    const telemetry = createSessionTelemetry({
      identity,
      endpoint: 'http://127.0.0.1:9',
      exportIntervalMs: 600_000,
      spoolDir: false,
      fetch: fetchImpl,
    });
    telemetry.recordCpu(0.9, 'receiving', { 'filesfu.file.name.length': 57 });
    telemetry.recordCpu(0.8, 'receiving', { 'filesfu.file.name.length': 57 });
    telemetry.recordCpu(0.2, 'receiving', { 'filesfu.file.name.length': 12, 'filesfu.file.size': 4096 });
    telemetry.recordCpu(0.1, 'receiving');
    // Not exported: an unknown attribute, a negative and a fractional value.
    telemetry.recordCpu(0.3, 'receiving', { 'x.y': 3, 'filesfu.file.count': -1 });
    telemetry.recordCpu(0.4, 'receiving', { 'filesfu.file.name.length': 1.5 });
    await telemetry.shutdown();
    const { metric } = histogramOf(requests[0]?.body ?? new Uint8Array());
    const points = metric.dataPoints.map((p) => ({
      attributes: Object.fromEntries(p.attributes.map((kv) => [kv.key, kv.value])),
      count: p.count,
    }));
    expect(points).toHaveLength(3);
    expect(points).toEqual(
      expect.arrayContaining([
        {
          attributes: { 'filesfu.app.stage': 'receiving', 'filesfu.file.name.length': 57 },
          count: 2,
        },
        {
          attributes: {
            'filesfu.app.stage': 'receiving',
            'filesfu.file.name.length': 12,
            'filesfu.file.size': 4096,
          },
          count: 1,
        },
        { attributes: { 'filesfu.app.stage': 'receiving' }, count: 3 },
      ]),
    );
  });

  it('ignores non-finite samples and clamps out-of-range ones', async () => {
    const { fetchImpl, requests } = recordingFetch();
    const telemetry = createSessionTelemetry({
      identity,
      endpoint: 'http://127.0.0.1:9',
      exportIntervalMs: 600_000,
      spoolDir: false,
      fetch: fetchImpl,
    });
    telemetry.recordCpu(Number.NaN, 'idle');
    telemetry.recordCpu(7, 'idle');
    await telemetry.shutdown();
    const point = histogramOf(requests[0]?.body ?? new Uint8Array()).metric.dataPoints[0];
    expect(point?.count).toBe(1);
    expect(point?.max).toBe(1);
    expect(telemetry.samplesRecorded).toBe(1);
  });
});
