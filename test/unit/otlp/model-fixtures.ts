// A hand-built request that uses every message, field and AnyValue variant of the model, including
// the ones the OTel JS SDK never emits (summary, exemplars, metadata, flags, empty metrics).

import { AggregationTemporality, FLAG_NO_RECORDED_VALUE, KeyValueList } from '../../../src/otlp/model.js';
import type { ExportMetricsServiceRequest, KeyValue } from '../../../src/otlp/model.js';
import { CPU_BUCKETS } from '../../../src/model/index.js';

const T0 = 1_764_000_000_123_456_789n;
const T1 = T0 + 1_000_000_000n;

export const EVERY_ANY_VALUE: KeyValue[] = [
  { key: 'string', value: 'indexing' },
  { key: 'empty.string', value: '' },
  { key: 'unicode', value: 'Grüße, 世界 🚀' },
  { key: 'bool.true', value: true },
  { key: 'bool.false', value: false },
  { key: 'int', value: 42 },
  { key: 'int.negative', value: -1 },
  { key: 'int.min.safe', value: Number.MIN_SAFE_INTEGER },
  { key: 'int.max.safe', value: Number.MAX_SAFE_INTEGER },
  { key: 'double', value: 0.3 },
  { key: 'double.nan', value: NaN },
  { key: 'double.inf', value: Infinity },
  { key: 'double.neg.inf', value: -Infinity },
  { key: 'bytes', value: new Uint8Array([0, 1, 2, 253, 254, 255]) },
  { key: 'bytes.empty', value: new Uint8Array(0) },
  { key: 'array', value: ['a', 1, 2.5, true, null, [new Uint8Array([7])]] },
  { key: 'array.empty', value: [] },
  {
    key: 'kvlist',
    value: new KeyValueList([
      { key: 'nested', value: new KeyValueList([{ key: 'deeper', value: ['x'] }]) },
      { key: 'null', value: null },
    ]),
  },
  { key: 'null', value: null },
];

const SPAN_ID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const TRACE_ID = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xff]);

export function everyFieldRequest(): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: EVERY_ANY_VALUE, droppedAttributesCount: 3 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeMetrics: [
          {
            scope: {
              name: 'filesfu-watchdog',
              version: '1.0.0',
              attributes: [{ key: 'scope.attr', value: 'x' }],
              droppedAttributesCount: 1,
            },
            schemaUrl: 'https://example.com/scope-schema',
            metrics: [
              {
                type: 'gauge',
                name: 'test.gauge',
                description: 'a gauge',
                unit: '{thing}',
                metadata: [{ key: 'meta', value: 'data' }],
                dataPoints: [
                  {
                    attributes: [{ key: 'stage', value: 'idle' }],
                    startTimeUnixNano: 0n,
                    timeUnixNano: T1,
                    value: -12,
                    valueType: 'int',
                    exemplars: [
                      {
                        filteredAttributes: [{ key: 'session.id', value: 'abc' }],
                        timeUnixNano: T0,
                        value: -3,
                        valueType: 'int',
                        spanId: SPAN_ID,
                        traceId: TRACE_ID,
                      },
                    ],
                    flags: 0,
                  },
                  {
                    attributes: [],
                    startTimeUnixNano: T0,
                    timeUnixNano: T1,
                    value: 0,
                    valueType: 'none',
                    exemplars: [],
                    flags: FLAG_NO_RECORDED_VALUE,
                  },
                ],
              },
              {
                type: 'sum',
                name: 'test.sum',
                description: '',
                unit: '',
                metadata: [],
                aggregationTemporality: AggregationTemporality.Cumulative,
                isMonotonic: true,
                dataPoints: [
                  {
                    attributes: [{ key: 'version', value: '6.4.0' }],
                    startTimeUnixNano: T0,
                    timeUnixNano: T1,
                    value: NaN,
                    valueType: 'double',
                    exemplars: [],
                    flags: 0,
                  },
                ],
              },
              {
                type: 'histogram',
                name: 'process.cpu.utilization',
                description: 'CPU',
                unit: '1',
                metadata: [],
                aggregationTemporality: AggregationTemporality.Delta,
                dataPoints: [
                  {
                    attributes: [{ key: 'filesfu.app.stage', value: 'indexing' }],
                    startTimeUnixNano: T0,
                    timeUnixNano: T1,
                    count: 9,
                    sum: 3.75,
                    bucketCounts: [1, 0, 0, 2, 3, 0, 1, 1, 1],
                    explicitBounds: [...CPU_BUCKETS],
                    exemplars: [
                      {
                        filteredAttributes: [],
                        timeUnixNano: T1,
                        value: 0.97,
                        valueType: 'double',
                        spanId: new Uint8Array(0),
                        traceId: new Uint8Array(0),
                      },
                    ],
                    flags: 0,
                    min: 0.01,
                    max: 1.2,
                  },
                  {
                    attributes: [],
                    startTimeUnixNano: T0,
                    timeUnixNano: T1,
                    count: 0,
                    sum: undefined,
                    bucketCounts: [],
                    explicitBounds: [],
                    exemplars: [],
                    flags: 0,
                    min: undefined,
                    max: undefined,
                  },
                ],
              },
              {
                type: 'exponentialHistogram',
                name: 'test.exponential',
                description: '',
                unit: 's',
                metadata: [],
                aggregationTemporality: AggregationTemporality.Cumulative,
                dataPoints: [
                  {
                    attributes: [{ key: 'k', value: 'v' }],
                    startTimeUnixNano: T0,
                    timeUnixNano: T1,
                    count: 2 ** 40 + 7,
                    sum: -17.5,
                    scale: -3,
                    zeroCount: 4,
                    positive: { offset: -2, bucketCounts: [1, 0, 300, 2 ** 35] },
                    negative: { offset: 5, bucketCounts: [9] },
                    flags: 0,
                    exemplars: [],
                    min: -Infinity,
                    max: 1e300,
                    zeroThreshold: 1e-9,
                  },
                ],
              },
              {
                type: 'summary',
                name: 'test.summary',
                description: '',
                unit: 'ms',
                metadata: [],
                dataPoints: [
                  {
                    attributes: [],
                    startTimeUnixNano: T0,
                    timeUnixNano: T1,
                    count: 100,
                    sum: 1234.5,
                    quantileValues: [
                      { quantile: 0, value: 0.5 },
                      { quantile: 0.5, value: 10 },
                      { quantile: 1, value: 99 },
                    ],
                    flags: 0,
                  },
                ],
              },
              { type: 'empty', name: 'test.empty', description: '', unit: '', metadata: [] },
            ],
          },
        ],
      },
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [],
      },
    ],
  };
}
