// Valid watchdog-shaped OTLP requests (the metric model of docs/metrics.md) and small HTTP helpers
// for the gateway-http integration tests.

import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { watchdogResourceMetrics } from '../../src/load/index.js';
import { CPU_BUCKETS } from '../../src/model/index.js';
import {
  encodeExportMetricsServiceRequest,
  encodeExportMetricsServiceRequestJson,
  type ExportMetricsServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
} from '../../src/otlp/index.js';

export const CPU_BOUNDS = [...CPU_BUCKETS];

export interface RequestShape {
  installId: string;
  sessionId?: string;
  /** Valid points (one export interval each, consecutive). */
  points?: number;
  /** Extra attributes on an additional, otherwise valid point (e.g. 10k of them → rejected). */
  extraPointAttributes?: KeyValue[];
  stage?: string;
}

export function cpuPoint(
  startNs: bigint,
  endNs: bigint,
  stage: string,
  extra: KeyValue[] = [],
): HistogramDataPoint {
  return {
    attributes: [{ key: 'filesfu.app.stage', value: stage }, ...extra],
    startTimeUnixNano: startNs,
    timeUnixNano: endNs,
    count: 10,
    sum: 4.2,
    bucketCounts: [0, 0, 2, 3, 1, 2, 1, 1, 0],
    explicitBounds: CPU_BOUNDS,
    exemplars: [],
    flags: 0,
    min: 0.12,
    max: 0.91,
  };
}

export function cpuRequest(shape: RequestShape): ExportMetricsServiceRequest {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const intervalNs = 10_000_000_000n;
  const count = shape.points ?? 1;
  const stage = shape.stage ?? 'indexing';
  const dataPoints: HistogramDataPoint[] = [];
  for (let i = 0; i < count; i++) {
    const end = nowNs - BigInt(count - 1 - i) * intervalNs - 1_000_000_000n;
    dataPoints.push(cpuPoint(end - intervalNs, end, stage));
  }
  if (shape.extraPointAttributes !== undefined) {
    dataPoints.push(cpuPoint(nowNs - intervalNs / 2n, nowNs - 1n, stage, shape.extraPointAttributes));
  }
  return {
    resourceMetrics: [
      watchdogResourceMetrics(
        [
          { key: 'service.name', value: 'filesfu-desktop' },
          { key: 'service.version', value: '6.4.0' },
          { key: 'service.instance.id', value: shape.installId },
          { key: 'session.id', value: shape.sessionId ?? randomUUID() },
          { key: 'os.type', value: 'linux' },
          { key: 'os.version', value: '6.1.0' },
          { key: 'host.arch', value: 'amd64' },
        ],
        dataPoints,
      ),
    ],
  };
}

export const protobuf = (request: ExportMetricsServiceRequest): Buffer =>
  Buffer.from(encodeExportMetricsServiceRequest(request));
export const json = (request: ExportMetricsServiceRequest): Buffer =>
  Buffer.from(encodeExportMetricsServiceRequestJson(request), 'utf8');

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * POSTs with node:http (not fetch): fetch refuses some of the headers these tests need to control
 * and hides transport errors behind generic TypeErrors.
 */
export function post(
  url: string,
  body: Buffer | Buffer[],
  headers: Record<string, string | number>,
  path = '/v1/metrics',
): Promise<HttpAnswer> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const chunk of Array.isArray(body) ? body : [body]) req.write(chunk);
    req.end();
  });
}

/** Reads one sample of a gateway self-metric from GET /metrics (sum over matching label sets). */
export async function gatewayMetric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`)))
      total += Number(match[3]);
  }
  return total;
}
