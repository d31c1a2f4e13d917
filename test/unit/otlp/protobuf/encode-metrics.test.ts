import { describe, expect, it } from 'vitest';
import { AggregationTemporality } from '../../../../src/otlp/model.js';
import type { ExportMetricsServiceRequest } from '../../../../src/otlp/model.js';
import { decodeExportMetricsServiceRequest } from '../../../../src/otlp/protobuf/decode-metrics.js';
import { decodeExportMetricsServiceResponse } from '../../../../src/otlp/protobuf/decode-response.js';
import {
  encodeExportMetricsServiceRequest,
  encodeExportMetricsServiceResponse,
} from '../../../../src/otlp/protobuf/encode-metrics.js';
import { everyFieldRequest } from '../model-fixtures.js';
import { dbl, f64, ld, str, u8, vint } from './wire.js';

describe('encodeExportMetricsServiceRequest', () => {
  it('round-trips every message, field and AnyValue variant through the decoder', () => {
    const request = everyFieldRequest();
    const decoded = decodeExportMetricsServiceRequest(encodeExportMetricsServiceRequest(request));
    expect(decoded).toEqual(request);
    // NaN survives as a value, not as an absent field.
    const sum = decoded.resourceMetrics[0]?.scopeMetrics[0]?.metrics[1];
    expect(sum?.type === 'sum' && Number.isNaN(sum.dataPoints[0]?.value)).toBe(true);
  });

  it('produces the exact wire bytes of an independently assembled message', () => {
    const request: ExportMetricsServiceRequest = {
      resourceMetrics: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: 'filesfu-gateway' }],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeMetrics: [
            {
              scope: { name: 'filesfu-gateway', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              metrics: [
                {
                  type: 'sum',
                  name: 'filesfu.sessions',
                  description: '',
                  unit: '',
                  metadata: [],
                  aggregationTemporality: AggregationTemporality.Cumulative,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [{ key: 'os', value: 'linux' }],
                      startTimeUnixNano: 10n,
                      timeUnixNano: 20n,
                      value: 5.5,
                      valueType: 'double',
                      exemplars: [],
                      flags: 0,
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const expected = u8(
      ld(
        1,
        ld(1, ld(1, str(1, 'service.name'), ld(2, str(1, 'filesfu-gateway')))),
        ld(
          2,
          ld(1, str(1, 'filesfu-gateway')),
          ld(
            2,
            str(1, 'filesfu.sessions'),
            ld(
              7,
              ld(1, f64(2, 10n), f64(3, 20n), dbl(4, 5.5), ld(7, str(1, 'os'), ld(2, str(1, 'linux')))),
              vint(2, 2),
              vint(3, 1),
            ),
          ),
        ),
      ),
    );
    expect([...encodeExportMetricsServiceRequest(request)]).toEqual([...expected]);
  });

  it('encodes large requests (multi-byte lengths at every level)', () => {
    const request = everyFieldRequest();
    const scope = request.resourceMetrics[0]!.scopeMetrics[0]!;
    for (let i = 0; i < 300; i++) scope.metrics.push({ ...scope.metrics[2]!, name: `m${i}` });
    expect(decodeExportMetricsServiceRequest(encodeExportMetricsServiceRequest(request))).toEqual(request);
  });
});

describe('encodeExportMetricsServiceResponse', () => {
  it('encodes partial success and full success', () => {
    const partial = { partialSuccess: { rejectedDataPoints: 3, errorMessage: 'x' } };
    expect([...encodeExportMetricsServiceResponse(partial)]).toEqual([...u8(ld(1, vint(1, 3), str(2, 'x')))]);
    expect(encodeExportMetricsServiceResponse({})).toHaveLength(0);
    expect(decodeExportMetricsServiceResponse(encodeExportMetricsServiceResponse(partial))).toEqual(partial);
  });
});
