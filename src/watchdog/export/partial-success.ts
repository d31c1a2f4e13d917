// Reads ExportMetricsServiceResponse.partial_success from a 2xx body (protobuf or OTLP/JSON).
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';

export interface PartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

export function readPartialSuccess(body: Uint8Array, contentType: string): PartialSuccess | undefined {
  if (body.byteLength === 0) return undefined;
  try {
    const response: unknown = contentType.includes('json')
      ? JSON.parse(new TextDecoder().decode(body))
      : ProtobufMetricsSerializer.deserializeResponse(body);
    const partial = (
      response as { partialSuccess?: { rejectedDataPoints?: unknown; errorMessage?: unknown } }
    )?.partialSuccess;
    if (!partial) return undefined;
    const rejectedDataPoints = Number(partial.rejectedDataPoints ?? 0);
    const errorMessage = typeof partial.errorMessage === 'string' ? partial.errorMessage : '';
    if (!rejectedDataPoints && !errorMessage) return undefined;
    return { rejectedDataPoints, errorMessage };
  } catch {
    // An unreadable success body is still a success.
    return undefined;
  }
}
