import type { ExportMetricsServiceRequest } from '../../otlp/index.js';
import { encodeExportMetricsServiceRequest } from '../../otlp/index.js';

export class ExportFailedError extends Error {
  override readonly name = 'ExportFailedError';
}

/** POSTs one request as OTLP/HTTP protobuf; resolves on 2xx, rejects otherwise (incl. timeout). */
export async function postOtlpMetrics(
  url: string,
  request: ExportMetricsServiceRequest,
  timeoutMs: number,
): Promise<void> {
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
  // Drain the body so the connection can be reused.
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw new ExportFailedError(`export to ${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
}
