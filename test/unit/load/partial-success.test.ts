// Reading a 2xx OTLP/HTTP answer's partial success in both wire formats.
import { describe, expect, it } from 'vitest';
import { rejectedDataPoints } from '../../../src/load/partial-success.js';
import {
  encodeExportMetricsServiceResponse,
  encodeExportMetricsServiceResponseJson,
} from '../../../src/otlp/index.js';

describe('rejectedDataPoints', () => {
  const answer = { partialSuccess: { rejectedDataPoints: 4, errorMessage: 'stage too long' } };

  it('reads protobuf and JSON answers, and an empty body as full success', () => {
    expect(rejectedDataPoints(encodeExportMetricsServiceResponse(answer), 'application/x-protobuf')).toBe(4);
    const bytes = new TextEncoder().encode(encodeExportMetricsServiceResponseJson(answer));
    expect(rejectedDataPoints(bytes, 'application/json; charset=utf-8')).toBe(4);
    expect(rejectedDataPoints(new Uint8Array(0), 'application/x-protobuf')).toBe(0);
    expect(rejectedDataPoints(encodeExportMetricsServiceResponse({}), undefined)).toBe(0);
  });

  it('throws on a body it cannot read rather than guess', () => {
    expect(() => rejectedDataPoints(new TextEncoder().encode('{not json'), 'application/json')).toThrow();
  });
});
