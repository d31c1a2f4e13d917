// What a 2xx OTLP/HTTP answer says about the request's points: how many were rejected
// (partial_success.rejected_data_points), read from a protobuf or JSON body.
import { decodeExportMetricsServiceResponse, decodeExportMetricsServiceResponseJson } from '../otlp/index.js';

/**
 * Rejected points of a 2xx answer; 0 for an empty body (full success). A body that does not decode
 * is an answer the client cannot account for, so it throws rather than guess either way.
 */
export function rejectedDataPoints(body: Uint8Array, contentType: string | undefined): number {
  if (body.length === 0) return 0;
  const response = /json/i.test(contentType ?? '')
    ? decodeExportMetricsServiceResponseJson(Buffer.from(body).toString('utf8'))
    : decodeExportMetricsServiceResponse(body);
  return Number(response.partialSuccess?.rejectedDataPoints ?? 0);
}
