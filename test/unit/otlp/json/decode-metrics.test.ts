import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../src/otlp/errors.js';
import {
  decodeExportMetricsServiceRequestJson,
  decodeExportMetricsServiceRequestJsonBytes,
  decodeExportMetricsServiceRequestJsonValue,
  decodeExportMetricsServiceResponseJson,
} from '../../../../src/otlp/json/decode-metrics.js';
import {
  encodeExportMetricsServiceRequestJson,
  encodeExportMetricsServiceResponseJson,
} from '../../../../src/otlp/json/encode-metrics.js';
import type { Metric } from '../../../../src/otlp/model.js';
import { everyFieldRequest } from '../model-fixtures.js';

function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      snakeCaseKeys(v),
    ]),
  );
}

function requestWithMetric(metric: unknown): unknown {
  return { resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] };
}

function onlyMetric(metric: unknown): Metric {
  const decoded = decodeExportMetricsServiceRequestJsonValue(requestWithMetric(metric));
  const result = decoded.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
  if (result === undefined) throw new Error('no metric');
  return result;
}

function decodeError(value: unknown): OtlpDecodeError {
  try {
    decodeExportMetricsServiceRequestJsonValue(value);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw new Error(`expected OtlpDecodeError, got ${String(error)}`);
  }
  throw new Error('expected the decoder to throw');
}

const PREFIX = 'resourceMetrics[0].scopeMetrics[0].metrics[0]';

describe('OTLP/JSON request decoding', () => {
  it('round-trips every message, field and AnyValue variant through the JSON encoder', () => {
    const request = everyFieldRequest();
    expect(decodeExportMetricsServiceRequestJson(encodeExportMetricsServiceRequestJson(request))).toEqual(
      request,
    );
  });

  it('accepts the original snake_case field names everywhere', () => {
    const request = everyFieldRequest();
    const snake = snakeCaseKeys(JSON.parse(encodeExportMetricsServiceRequestJson(request)));
    expect(JSON.stringify(snake)).toContain('"start_time_unix_nano"');
    expect(decodeExportMetricsServiceRequestJsonValue(snake)).toEqual(request);
  });

  it('accepts 64-bit integers as strings or numbers, doubles as numbers or special strings, enum names', () => {
    const metric = onlyMetric({
      name: 'h',
      histogram: {
        aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
        dataPoints: [
          {
            startTimeUnixNano: 1000,
            timeUnixNano: '1764000000123456789',
            count: '3',
            sum: 'NaN',
            min: '-Infinity',
            max: 'Infinity',
            bucketCounts: ['1', 2, '0'],
            explicitBounds: [0.5, '1.5'],
            flags: '1',
          },
        ],
      },
    });
    expect(metric).toMatchObject({ type: 'histogram', aggregationTemporality: 1 });
    if (metric.type !== 'histogram') throw new Error(metric.type);
    const point = metric.dataPoints[0]!;
    expect(point).toMatchObject({
      startTimeUnixNano: 1000n,
      timeUnixNano: 1_764_000_000_123_456_789n,
      count: 3,
      min: -Infinity,
      max: Infinity,
      bucketCounts: [1, 2, 0],
      explicitBounds: [0.5, 1.5],
      flags: 1,
    });
    expect(point.sum).toBeNaN();

    const sum = onlyMetric({
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: [{ asInt: '-5' }, { asInt: -7 }, { asDouble: 2 }],
      },
    });
    if (sum.type !== 'sum') throw new Error(sum.type);
    expect(sum.dataPoints.map((p) => [p.value, p.valueType])).toEqual([
      [-5, 'int'],
      [-7, 'int'],
      [2, 'double'],
    ]);
  });

  it('decodes trace/span ids from hex and bytes values from base64', () => {
    const metric = onlyMetric({
      gauge: {
        dataPoints: [
          {
            asDouble: 1,
            attributes: [
              { key: 'b', value: { bytesValue: 'AAH//w==' } },
              { key: 'u', value: { bytesValue: '-_8' } },
              { key: 'i', value: { intValue: '-9007199254740991' } },
              { key: 'e', value: {} },
              { key: 'n', value: null },
            ],
            exemplars: [
              { asInt: '4', spanId: '0102030405060708', traceId: 'DEADBEEF00000000000000000000ABCD' },
            ],
          },
        ],
      },
    });
    if (metric.type !== 'gauge') throw new Error(metric.type);
    const point = metric.dataPoints[0]!;
    expect(point.attributes).toEqual([
      { key: 'b', value: new Uint8Array([0, 1, 255, 255]) },
      { key: 'u', value: new Uint8Array([251, 255]) },
      { key: 'i', value: -9007199254740991 },
      { key: 'e', value: null },
      { key: 'n', value: null },
    ]);
    expect(point.exemplars[0]).toMatchObject({
      value: 4,
      valueType: 'int',
      spanId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
      traceId: new Uint8Array([0xde, 0xad, 0xbe, 0xef, ...Array<number>(10).fill(0), 0xab, 0xcd]),
    });
  });

  it('treats null as the default and ignores unknown fields', () => {
    const metric = onlyMetric({
      name: 'g',
      description: null,
      futureField: { anything: [1, 2] },
      gauge: { dataPoints: [{ asDouble: 1.5, attributes: null, exemplars: null, somethingNew: true }] },
    });
    expect(metric).toMatchObject({ type: 'gauge', name: 'g', description: '' });
    expect(decodeExportMetricsServiceRequestJsonValue({})).toEqual({ resourceMetrics: [] });
    expect(onlyMetric({ name: 'x' }).type).toBe('empty');
  });

  it('reports wrong JSON types with the path of the offending field', () => {
    const cases: Array<[unknown, string]> = [
      [
        { histogram: { dataPoints: [{ bucketCounts: '1,2' }] } },
        `${PREFIX}.histogram.dataPoints[0]: bucketCounts: expected an array`,
      ],
      [
        { histogram: { dataPoints: [{ bucketCounts: [1, -2] }] } },
        `${PREFIX}.histogram.dataPoints[0]: bucketCounts[1]: expected an unsigned`,
      ],
      [
        { sum: { dataPoints: [{ asInt: 1.5 }] } },
        `${PREFIX}.sum.dataPoints[0]: asInt: expected a 64-bit integer`,
      ],
      [
        { sum: { dataPoints: [{ timeUnixNano: '-1' }] } },
        `${PREFIX}.sum.dataPoints[0]: timeUnixNano: expected an unsigned`,
      ],
      [
        { sum: { dataPoints: [{ asDouble: 'lots' }] } },
        `${PREFIX}.sum.dataPoints[0]: asDouble: expected a double`,
      ],
      [{ sum: { isMonotonic: 'yes' } }, `${PREFIX}.sum: isMonotonic: expected a boolean`],
      [
        { sum: { aggregationTemporality: 'SIDEWAYS' } },
        `${PREFIX}.sum: aggregationTemporality: expected an enum`,
      ],
      [
        { gauge: { dataPoints: [{ exemplars: [{ spanId: 'AQIDBAUGBwg=' }] }] } },
        `${PREFIX}.gauge.dataPoints[0].exemplars[0]: spanId: expected a hex string`,
      ],
      [
        { gauge: { dataPoints: [{ attributes: [{ key: 1 }] }] } },
        `${PREFIX}.gauge.dataPoints[0].attributes[0]: key: expected a string`,
      ],
      [
        { gauge: { dataPoints: [{ attributes: [{ key: 'k', value: { bytesValue: '!!' } }] }] } },
        `${PREFIX}.gauge.dataPoints[0].attributes[0].value: bytesValue: expected a base64 string`,
      ],
      [{ gauge: [] }, `${PREFIX}.gauge: gauge: expected an object, got an array`],
      [{ name: 5 }, `${PREFIX}: name: expected a string`],
      [
        { exponentialHistogram: { dataPoints: [{ scale: 2 ** 40 }] } },
        `${PREFIX}.exponentialHistogram.dataPoints[0]: scale: expected a 32-bit integer`,
      ],
    ];
    for (const [metric, expected] of cases) {
      expect(decodeError(requestWithMetric(metric)).message).toContain(expected);
    }
    expect(decodeError({ resourceMetrics: {} }).message).toContain('resourceMetrics: expected an array');
    expect(decodeError([]).message).toContain('expected an object');
    expect(decodeError(null).message).toContain('expected an object');
  });

  it('bounds AnyValue nesting depth', () => {
    let deep: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 5000; i++) deep = { arrayValue: { values: [deep] } };
    const error = decodeError(
      requestWithMetric({ gauge: { dataPoints: [{ attributes: [{ key: 'k', value: deep }] }] } }),
    );
    expect(error.reason).toMatch(/nested deeper than 32/);
  });

  it('turns invalid JSON text and invalid UTF-8 into OtlpDecodeError', () => {
    expect(() => decodeExportMetricsServiceRequestJson('{"resourceMetrics": [')).toThrow(OtlpDecodeError);
    expect(() => decodeExportMetricsServiceRequestJson('{"resourceMetrics": [')).toThrow(/invalid JSON/);
    expect(() => decodeExportMetricsServiceRequestJsonBytes(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(
      /not valid UTF-8/,
    );
  });
});

describe('OTLP/JSON responses', () => {
  it('round-trips partial success, and reads an empty body or {} as success', () => {
    const partial = { partialSuccess: { rejectedDataPoints: 12, errorMessage: 'too many series' } };
    expect(JSON.parse(encodeExportMetricsServiceResponseJson(partial))).toEqual({
      partialSuccess: { rejectedDataPoints: '12', errorMessage: 'too many series' },
    });
    expect(decodeExportMetricsServiceResponseJson(encodeExportMetricsServiceResponseJson(partial))).toEqual(
      partial,
    );
    expect(decodeExportMetricsServiceResponseJson('')).toEqual({});
    expect(decodeExportMetricsServiceResponseJson('{}')).toEqual({});
    expect(() => decodeExportMetricsServiceResponseJson('[')).toThrow(OtlpDecodeError);
  });
});
