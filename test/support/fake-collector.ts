import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  NumberDataPoint,
} from '../../src/otlp/index.js';
import { decodeExportMetricsServiceRequest } from '../../src/otlp/index.js';

/**
 * An OTLP/HTTP endpoint on a free loopback port that decodes and keeps what it receives, for unit
 * tests of exporters. The real collector is used by the integration tests.
 */
export interface FakeCollector {
  url: string;
  received: ExportMetricsServiceRequest[];
  /** Answer every request with this HTTP status (200 = accept). */
  status: number;
  latest(): ExportMetricsServiceRequest | undefined;
  close(): Promise<void>;
}

export async function startFakeCollector(): Promise<FakeCollector> {
  const collector: FakeCollector = {
    url: '',
    received: [],
    status: 200,
    latest: () => collector.received.at(-1),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (collector.status === 200) {
        collector.received.push(decodeExportMetricsServiceRequest(Buffer.concat(chunks)));
      }
      response.writeHead(collector.status, { 'content-type': 'application/x-protobuf' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  return collector;
}

/** Points of one metric in an exported request, with attributes as a plain object. */
export function exportedHistograms(
  request: ExportMetricsServiceRequest | undefined,
): Array<{ labels: Record<string, string>; point: HistogramDataPoint }> {
  const out: Array<{ labels: Record<string, string>; point: HistogramDataPoint }> = [];
  for (const rm of request?.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.type !== 'histogram') continue;
        for (const point of m.dataPoints) {
          out.push({
            labels: Object.fromEntries(point.attributes.map((a) => [a.key, String(a.value)])),
            point,
          });
        }
      }
    }
  }
  return out;
}

export function exportedSums(
  request: ExportMetricsServiceRequest | undefined,
  name: string,
): Array<{ labels: Record<string, string>; point: NumberDataPoint }> {
  const out: Array<{ labels: Record<string, string>; point: NumberDataPoint }> = [];
  for (const rm of request?.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.type !== 'sum' || m.name !== name) continue;
        for (const point of m.dataPoints) {
          out.push({
            labels: Object.fromEntries(point.attributes.map((a) => [a.key, String(a.value)])),
            point,
          });
        }
      }
    }
  }
  return out;
}
