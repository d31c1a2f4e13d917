import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeExportMetricsServiceResponse } from '../../../../src/otlp/index.js';
import { ExportFailedError, postOtlpMetrics } from '../../../../src/gateway/export/index.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function collectorAnswering(
  status: number,
  contentType: string,
  body: Uint8Array | string,
): Promise<string> {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}/v1/metrics`;
}

describe('postOtlpMetrics', () => {
  it("returns the collector's partial_success so the export loop can report it", async () => {
    const partial = { partialSuccess: { rejectedDataPoints: 3, errorMessage: 'bad points' } };
    const url = await collectorAnswering(
      200,
      'application/x-protobuf',
      encodeExportMetricsServiceResponse(partial),
    );
    expect(await postOtlpMetrics(url, { resourceMetrics: [] }, 5000)).toEqual(partial);
  });

  it('treats a 2xx with an unreadable body as an acknowledgement', async () => {
    const url = await collectorAnswering(200, 'application/x-protobuf', new Uint8Array([0xff, 0xff]));
    expect(await postOtlpMetrics(url, { resourceMetrics: [] }, 5000)).toEqual({});
  });

  it('rejects with the status and the start of the body otherwise', async () => {
    const url = await collectorAnswering(503, 'text/plain', 'memory limiter refused');
    await expect(postOtlpMetrics(url, { resourceMetrics: [] }, 5000)).rejects.toThrow(ExportFailedError);
    await expect(postOtlpMetrics(url, { resourceMetrics: [] }, 5000)).rejects.toThrow(
      /503: memory limiter refused/,
    );
  });
});
