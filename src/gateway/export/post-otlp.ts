import type { ExportMetricsServiceRequest, ExportMetricsServiceResponse } from '../../otlp/index.js';
import { decodeExportMetricsServiceResponse, encodeExportMetricsServiceRequest } from '../../otlp/index.js';

export class ExportFailedError extends Error {
  override readonly name = 'ExportFailedError';
}

/**
 * POSTs one request as OTLP/HTTP protobuf; resolves on 2xx with the collector's response (which may
 * carry partial_success), rejects otherwise (incl. timeout).
 */
export async function postOtlpMetrics(
  url: string,
  request: ExportMetricsServiceRequest,
  timeoutMs: number,
): Promise<ExportMetricsServiceResponse> {
  const body = encodeExportMetricsServiceRequest(request);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ExportFailedError(`export to ${url} failed: ${(err as Error).message}`);
  }
  // Always drain the body so the connection can be reused.
  const answer = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (!response.ok) {
    const text = new TextDecoder().decode(answer.subarray(0, 200));
    throw new ExportFailedError(`export to ${url} answered HTTP ${response.status}: ${text}`);
  }
  const isProtobuf = response.headers.get('content-type')?.includes('application/x-protobuf') ?? false;
  try {
    return isProtobuf ? decodeExportMetricsServiceResponse(answer) : {};
  } catch {
    return {}; // A 2xx is an acknowledgement even when its body is not a readable response.
  }
}
