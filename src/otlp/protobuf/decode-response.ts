// Decodes opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse: what a collector
// answers (partial_success when it rejected points).

import { OtlpDecodeError, rethrowWithin } from '../errors.js';
import type { ExportMetricsServiceResponse } from '../model.js';
import { fieldSet, skipOrReject } from './decode-common.js';
import { ProtobufReader } from './reader.js';

const RESPONSE_FIELDS = fieldSet(1);
const PARTIAL_SUCCESS_FIELDS = fieldSet(1, 2);

/** Decodes an ExportMetricsServiceResponse (what a collector answers). */
export function decodeExportMetricsServiceResponse(bytes: Uint8Array): ExportMetricsServiceResponse {
  const r = new ProtobufReader(bytes);
  const end = r.end;
  const response: ExportMetricsServiceResponse = {};
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === 10) {
      const partialEnd = r.readLengthDelimitedEnd(end);
      const partialSuccess = { rejectedDataPoints: 0, errorMessage: '' };
      try {
        while (r.pos < partialEnd) {
          const inner = r.readTag();
          if (inner === 8) partialSuccess.rejectedDataPoints = r.readInt64Varint();
          else if (inner === 18) partialSuccess.errorMessage = r.readString(partialEnd);
          else skipOrReject(r, inner, partialEnd, PARTIAL_SUCCESS_FIELDS, 'ExportMetricsPartialSuccess');
        }
        r.expectEnd(partialEnd);
      } catch (error) {
        rethrowWithin(error, 'partial_success');
      }
      response.partialSuccess = partialSuccess;
    } else {
      skipOrReject(r, tag, end, RESPONSE_FIELDS, 'ExportMetricsServiceResponse');
    }
  }
  if (r.pos !== end) throw new OtlpDecodeError('field overruns its message');
  return response;
}
