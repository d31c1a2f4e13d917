// Payloads for k6 and the driver must be exactly what a watchdog sends (docs/metrics.md §1) and must
// decode with the gateway's own codec once patched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyInstallToken } from '../../../src/gateway/auth/index.js';
import {
  AggregationTemporality,
  decodeExportMetricsServiceRequest,
  decodeExportMetricsServiceRequestJson,
  type ExportMetricsServiceRequest,
  type KeyValue,
} from '../../../src/otlp/index.js';
import { generatePayloadFiles } from '../../../src/load/payload-files.js';
import { fillJsonTemplate, patchProtobuf } from '../../../src/load/payload-templates.js';
import { cpuHistogramPoint } from '../../../src/load/session-export.js';
import {
  CPU_BUCKETS,
  KNOWN_STAGES,
  RESOURCE_KEYS,
  SCOPE_NAME,
  SERVICE_NAME,
  STAGE_ATTRIBUTE,
} from '../../../src/model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'load-payloads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const secret = 'x'.repeat(40);

function attribute(attributes: KeyValue[], key: string): unknown {
  return attributes.find((kv) => kv.key === key)?.value;
}

function expectValidExport(
  request: ExportMetricsServiceRequest,
  sessionId: string,
  startNs: bigint,
  endNs: bigint,
  installId: string,
) {
  expect(request.resourceMetrics).toHaveLength(1);
  const [rm] = request.resourceMetrics;
  const resource = rm!.resource.attributes;
  expect(attribute(resource, RESOURCE_KEYS.serviceName)).toBe(SERVICE_NAME);
  expect(attribute(resource, RESOURCE_KEYS.sessionId)).toBe(sessionId);
  expect(attribute(resource, RESOURCE_KEYS.serviceInstanceId)).toBe(installId);
  expect(['linux', 'darwin', 'windows']).toContain(attribute(resource, RESOURCE_KEYS.osType));
  expect(['amd64', 'arm64']).toContain(attribute(resource, RESOURCE_KEYS.hostArch));
  expect(rm!.scopeMetrics[0]?.scope.name).toBe(SCOPE_NAME);
  const metric = rm!.scopeMetrics[0]?.metrics[0];
  expect(metric?.type).toBe('histogram');
  if (metric?.type !== 'histogram') return;
  expect(metric.name).toBe('process.cpu.utilization');
  expect(metric.unit).toBe('1');
  expect(metric.aggregationTemporality).toBe(AggregationTemporality.Delta);
  expect(metric.dataPoints.length).toBeGreaterThan(0);
  for (const point of metric.dataPoints) {
    expect(point.explicitBounds).toEqual(CPU_BUCKETS);
    expect(point.bucketCounts).toHaveLength(CPU_BUCKETS.length + 1);
    expect(point.bucketCounts.reduce((a, b) => a + b, 0)).toBe(point.count);
    expect(KNOWN_STAGES).toContain(attribute(point.attributes, STAGE_ATTRIBUTE));
    expect(point.startTimeUnixNano).toBe(startNs);
    expect(point.timeUnixNano).toBe(endNs);
  }
}

describe('load payloads', () => {
  it('generated protobuf and JSON templates decode, once patched, as valid watchdog exports', () => {
    const manifest = generatePayloadFiles({
      outDir: dir,
      installs: 20,
      samplesPerExport: 10,
      keyId: 'load',
      secret,
    });
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    const sessionId = '3f2b1c4d-1111-4222-8333-444455556666';
    const startNs = 1_764_400_000_000_000_000n;
    const endNs = startNs + 10_000_000_000n;
    for (const entry of manifest.payloads) {
      const verified = verifyInstallToken(
        entry.token,
        new Map([['load', secret]]),
        Math.floor(Date.now() / 1000),
      );
      expect(verified.ok && verified.claims.installId).toBe(entry.installId);

      const template = {
        bytes: new Uint8Array(readFileSync(join(dir, entry.protobuf))),
        offsets: entry.offsets,
      };
      const protobuf = decodeExportMetricsServiceRequest(patchProtobuf(template, sessionId, startNs, endNs));
      expectValidExport(protobuf, sessionId, startNs, endNs, entry.installId);
      expect(attribute(protobuf.resourceMetrics[0]!.resource.attributes, RESOURCE_KEYS.serviceVersion)).toBe(
        entry.appVersion,
      );

      const json = fillJsonTemplate(readFileSync(join(dir, entry.json), 'utf8'), {
        sessionId,
        startNs,
        timeNs: endNs,
        version: '1.2.3',
      });
      const decoded = decodeExportMetricsServiceRequestJson(json);
      expectValidExport(decoded, sessionId, startNs, endNs, entry.installId);
      expect(attribute(decoded.resourceMetrics[0]!.resource.attributes, RESOURCE_KEYS.serviceVersion)).toBe(
        '1.2.3',
      );
    }
  });

  it('buckets samples upper-inclusively on CPU_BUCKETS with exact count, sum, min and max', () => {
    const point = cpuHistogramPoint('login', [0, 0.05, 0.051, 0.3, 0.31, 1], 1n, 2n);
    expect(point.bucketCounts).toEqual([2, 1, 0, 1, 1, 0, 0, 1, 0]);
    expect(point.count).toBe(6);
    expect(point.sum).toBeCloseTo(1.711);
    expect(point.min).toBe(0);
    expect(point.max).toBe(1);
  });
});
