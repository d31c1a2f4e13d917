import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../src/otlp/errors.js';
import { KeyValueList } from '../../../../src/otlp/model.js';
import type { HistogramDataPoint, Metric, NumberDataPoint } from '../../../../src/otlp/model.js';
import { decodeExportMetricsServiceRequest } from '../../../../src/otlp/protobuf/decode-metrics.js';
import { decodeExportMetricsServiceResponse } from '../../../../src/otlp/protobuf/decode-response.js';
import { encodeExportMetricsServiceRequest } from '../../../../src/otlp/protobuf/encode-metrics.js';
import { everyFieldRequest } from '../model-fixtures.js';
import type { Bytes } from './wire.js';
import { dbl, f32, f64, ld, le64, requestWithMetrics, str, tag, u8, varint, vint } from './wire.js';

function onlyMetric(bytes: Uint8Array): Metric {
  const metric = decodeExportMetricsServiceRequest(bytes).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
  if (metric === undefined) throw new Error('no metric decoded');
  return metric;
}

function histogramPoint(...fields: Bytes[]): HistogramDataPoint {
  const metric = onlyMetric(requestWithMetrics([...str(1, 'h'), ...ld(9, ld(1, ...fields))]));
  if (metric.type !== 'histogram') throw new Error(metric.type);
  return metric.dataPoints[0]!;
}

function sumPoint(...fields: Bytes[]): NumberDataPoint {
  const metric = onlyMetric(requestWithMetrics([...str(1, 's'), ...ld(7, ld(1, ...fields))]));
  if (metric.type !== 'sum') throw new Error(metric.type);
  return metric.dataPoints[0]!;
}

function attributeValue(anyValue: Bytes): unknown {
  const point = sumPoint(ld(7, str(1, 'k'), ld(2, anyValue)));
  return point.attributes[0]?.value;
}

function decodeError(bytes: Uint8Array): OtlpDecodeError {
  try {
    decodeExportMetricsServiceRequest(bytes);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw new Error(`expected OtlpDecodeError, got ${String(error)}`);
  }
  throw new Error('expected the decoder to throw');
}

describe('decodeExportMetricsServiceRequest: valid edge cases', () => {
  it('decodes an empty message and empty sub-messages to defaults', () => {
    expect(decodeExportMetricsServiceRequest(new Uint8Array(0))).toEqual({ resourceMetrics: [] });
    expect(decodeExportMetricsServiceRequest(u8(ld(1, ld(2))))).toEqual({
      resourceMetrics: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          scopeMetrics: [
            {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
              metrics: [],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    });
  });

  it('decodes a metric without data as type "empty", keeping name, description, unit and metadata', () => {
    const metric = onlyMetric(
      requestWithMetrics([
        ...str(1, 'm'),
        ...str(2, 'd'),
        ...str(3, 'u'),
        ...ld(12, str(1, 'k'), ld(2, str(1, 'v'))),
      ]),
    );
    expect(metric).toEqual({
      type: 'empty',
      name: 'm',
      description: 'd',
      unit: 'u',
      metadata: [{ key: 'k', value: 'v' }],
    });
  });

  it('takes name/description/unit that follow the data on the wire, and the last data oneof', () => {
    const metric = onlyMetric(
      requestWithMetrics([
        ...ld(5, ld(1, dbl(4, 1))),
        ...ld(7, ld(1, dbl(4, 2)), vint(2, 2)),
        ...str(1, 'late'),
      ]),
    );
    expect(metric.type).toBe('sum');
    expect(metric.name).toBe('late');
    if (metric.type === 'sum') expect(metric.dataPoints[0]?.value).toBe(2);
  });

  it('accepts unpacked and mixed packed/unpacked repeated fields', () => {
    const point = histogramPoint(
      f64(6, 1n),
      f64(6, 2n),
      ld(6, le64(3n), le64(4n)),
      dbl(7, 0.5),
      ld(7, [...new Uint8Array(new Float64Array([1]).buffer)]),
      dbl(7, 2),
    );
    expect(point.bucketCounts).toEqual([1, 2, 3, 4]);
    expect(point.explicitBounds).toEqual([0.5, 1, 2]);
    // A packed run first (decoded into an array of its exact size), then more of both kinds.
    const packedFirst = histogramPoint(ld(6, le64(1n), le64(2n)), f64(6, 3n), ld(6, le64(4n)));
    expect(packedFirst.bucketCounts).toEqual([1, 2, 3, 4]);

    const exponential = onlyMetric(
      requestWithMetrics([
        ...str(1, 'e'),
        ...ld(10, ld(1, ld(8, vint(2, 5), vint(2, 2n ** 40n), ld(2, varint(7), varint(300))))),
      ]),
    );
    if (exponential.type !== 'exponentialHistogram') throw new Error(exponential.type);
    expect(exponential.dataPoints[0]?.positive.bucketCounts).toEqual([5, 2 ** 40, 7, 300]);
  });

  it('shares one frozen bounds array between points with equal packed bounds, and copies it to append', () => {
    const packed = (values: number[]) => ld(7, [...new Uint8Array(new Float64Array(values).buffer)]);
    const first = histogramPoint(packed([0.1, 0.5]));
    const second = histogramPoint(packed([0.1, 0.5]));
    expect(second.explicitBounds).toBe(first.explicitBounds);
    expect(Object.isFrozen(first.explicitBounds)).toBe(true);
    expect(histogramPoint(packed([0.1, 0.6])).explicitBounds).toEqual([0.1, 0.6]);
    // -0 and 0 are different bytes: never confused with each other.
    expect(Object.is(histogramPoint(packed([-0])).explicitBounds[0], -0)).toBe(true);
    expect(Object.is(histogramPoint(packed([0])).explicitBounds[0], 0)).toBe(true);
    // A shared run followed by more bounds: the point gets its own array; the shared one is intact.
    const appended = histogramPoint(packed([0.1, 0.5]), dbl(7, 0.9), packed([1]));
    expect(appended.explicitBounds).toEqual([0.1, 0.5, 0.9, 1]);
    expect(first.explicitBounds).toEqual([0.1, 0.5]);
  });

  it('starts repeated fields as one frozen empty list, and gives a message its own list on the first element', () => {
    const bare = histogramPoint(f64(4, 0n));
    const other = histogramPoint(f64(4, 0n));
    expect(bare.exemplars).toEqual([]);
    expect(bare.exemplars).toBe(other.exemplars);
    expect(bare.attributes).toBe(other.attributes);
    // Writing into a decoded message's empty list fails loudly instead of reaching every message.
    expect(() => (bare.attributes as unknown[]).push({ key: 'k', value: 'v' })).toThrow(TypeError);
    const stage = ld(9, str(1, 'filesfu.app.stage'), ld(2, str(1, 'indexing')));
    const os = ld(9, str(1, 'os.type'), ld(2, str(1, 'linux')));
    const two = histogramPoint(stage, os);
    expect(two.attributes).toEqual([
      { key: 'filesfu.app.stage', value: 'indexing' },
      { key: 'os.type', value: 'linux' },
    ]);
    expect(Object.isFrozen(two.attributes)).toBe(false);
    expect(bare.attributes).toEqual([]);
  });

  it('shares one frozen KeyValue between attributes with equal bytes, and only for scalar values', () => {
    const stage = ld(7, str(1, 'filesfu.app.stage'), ld(2, str(1, 'indexing')));
    const first = sumPoint(stage).attributes[0];
    const second = sumPoint(stage).attributes[0];
    expect(second).toBe(first);
    expect(first).toEqual({ key: 'filesfu.app.stage', value: 'indexing' });
    expect(Object.isFrozen(first)).toBe(true);
    // Other bytes, another attribute; a value of the same length is not confused with it.
    expect(sumPoint(ld(7, str(1, 'filesfu.app.stage'), ld(2, str(1, 'indexinG')))).attributes[0]).toEqual({
      key: 'filesfu.app.stage',
      value: 'indexinG',
    });
    // Arrays and kvlists are objects of their own: never shared.
    const array = ld(7, str(1, 'a'), ld(2, ld(5, ld(1, vint(3, 1)))));
    expect(sumPoint(array).attributes[0]).not.toBe(sumPoint(array).attributes[0]);
    expect(sumPoint(array).attributes[0]?.value).toEqual([1]);
  });

  it('decodes absent optional histogram sum/min/max as undefined, present ones including NaN/Inf', () => {
    expect(histogramPoint(f64(4, 0n))).toMatchObject({ sum: undefined, min: undefined, max: undefined });
    const point = histogramPoint(dbl(5, NaN), dbl(11, -Infinity), dbl(12, Infinity));
    expect(point.sum).toBeNaN();
    expect(point.min).toBe(-Infinity);
    expect(point.max).toBe(Infinity);
  });

  it('decodes negative as_int (sfixed64) and full-range timestamps exactly', () => {
    const point = sumPoint(f64(6, -5n), f64(2, 2n ** 64n - 1n), f64(3, 1_764_000_000_123_456_789n));
    expect(point).toMatchObject({
      value: -5,
      valueType: 'int',
      startTimeUnixNano: 2n ** 64n - 1n,
      timeUnixNano: 1_764_000_000_123_456_789n,
    });
    expect(sumPoint(f64(6, -(2n ** 52n))).value).toBe(-(2 ** 52));
    expect(sumPoint().valueType).toBe('none');
  });

  it('decodes every AnyValue variant, including negative int64 as a ten-byte varint', () => {
    const minusOne = vint(3, -1n);
    expect(minusOne).toHaveLength(11);
    expect(attributeValue(minusOne)).toBe(-1);
    expect(attributeValue(vint(3, -(2n ** 53n) + 1n))).toBe(-(2 ** 53) + 1);
    expect(attributeValue(vint(3, 2n ** 53n - 1n))).toBe(2 ** 53 - 1);
    expect(attributeValue(str(1, 'héllo'))).toBe('héllo');
    expect(attributeValue(vint(2, 1))).toBe(true);
    expect(attributeValue(vint(2, 0))).toBe(false);
    expect(attributeValue(dbl(4, -0.5))).toBe(-0.5);
    expect(attributeValue(ld(7, [0, 255]))).toEqual(new Uint8Array([0, 255]));
    expect(attributeValue([])).toBeNull();
    expect(attributeValue(ld(5, ld(1, str(1, 'a')), ld(1, vint(3, 2)), ld(1)))).toEqual(['a', 2, null]);
    expect(attributeValue(ld(6, ld(1, str(1, 'x'), ld(2, vint(2, 1)))))).toEqual(
      new KeyValueList([{ key: 'x', value: true }]),
    );
  });

  it('accepts non-minimal varints (padded with continuation bytes)', () => {
    expect(sumPoint([...tag(8, 0), 0x81, 0x80, 0x00]).flags).toBe(1);
  });

  it('skips unknown fields of every wire type at every level', () => {
    const unknown = [
      ...vint(99, 12345),
      ...f64(98, 7n),
      ...ld(97, [1, 2, 3]),
      ...f32(96, 0xdeadbeef),
      ...vint(30, 1),
    ];
    const plainPoint = [...f64(2, 1n), ...dbl(4, 0.25), ...ld(7, str(1, 'k'), ld(2, str(1, 'v')))];
    const noisyPoint = [
      ...unknown,
      ...f64(2, 1n),
      ...unknown,
      ...dbl(4, 0.25),
      ...ld(7, unknown, str(1, 'k'), unknown, ld(2, unknown, str(1, 'v'), unknown)),
      ...unknown,
    ];
    const build = (point: Bytes, noise: Bytes) =>
      u8(
        noise,
        ld(
          1,
          noise,
          ld(1, noise, ld(1, str(1, 'r'), noise)),
          ld(
            2,
            noise,
            ld(1, str(1, 'scope'), noise),
            ld(2, noise, str(1, 'm'), ld(7, noise, ld(1, point), noise)),
          ),
        ),
        noise,
      );
    expect(decodeExportMetricsServiceRequest(build(noisyPoint, unknown))).toEqual(
      decodeExportMetricsServiceRequest(build(plainPoint, [])),
    );
  });

  it('decodes responses with and without partial_success', () => {
    expect(decodeExportMetricsServiceResponse(new Uint8Array(0))).toEqual({});
    expect(decodeExportMetricsServiceResponse(u8(ld(1, vint(1, 7), str(2, 'bad'))))).toEqual({
      partialSuccess: { rejectedDataPoints: 7, errorMessage: 'bad' },
    });
  });
});

describe('decodeExportMetricsServiceRequest: malformed input', () => {
  const valid = encodeExportMetricsServiceRequest(everyFieldRequest());

  /** Offsets at which a prefix is itself a valid request: top-level field boundaries. */
  function topLevelBoundaries(bytes: Uint8Array): Set<number> {
    const boundaries = new Set([0]);
    let pos = 0;
    while (pos < bytes.length) {
      pos += 1; // tag 0x0a
      let length = 0;
      let shift = 0;
      for (;;) {
        const byte = bytes[pos++]!;
        length += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if (byte < 0x80) break;
      }
      pos += length;
      boundaries.add(pos);
    }
    return boundaries;
  }

  it('throws OtlpDecodeError for a truncation at every byte offset (except top-level field boundaries)', () => {
    const boundaries = topLevelBoundaries(valid);
    expect(boundaries.size).toBe(3);
    for (let length = 0; length < valid.length; length++) {
      const prefix = valid.subarray(0, length);
      if (boundaries.has(length)) {
        expect(() => decodeExportMetricsServiceRequest(prefix)).not.toThrow();
      } else {
        expect(decodeError(prefix)).toBeInstanceOf(OtlpDecodeError);
      }
    }
  });

  it('names the path of the offending message', () => {
    const bytes = requestWithMetrics([...str(1, 'h'), ...ld(9, ld(1, f64(2, 1n), [...tag(4, 1), 1, 2, 3]))]);
    // The length prefixes are consistent, but the count (fixed64) has only 3 of its 8 bytes.
    const error = decodeError(bytes);
    expect(error.message).toBe(
      'resource_metrics[0].scope_metrics[0].metrics[0].histogram.data_points[0]: truncated fixed64',
    );
    expect(error.path).toBe('resource_metrics[0].scope_metrics[0].metrics[0].histogram.data_points[0]');
    expect(error.reason).toBe('truncated fixed64');
  });

  it('rejects invalid wire types and groups', () => {
    for (const wireType of [3, 4, 6, 7]) {
      expect(decodeError(u8(tag(5, wireType), [0])).message).toMatch(/wire type|group/);
      expect(decodeError(requestWithMetrics([...str(1, 'm'), ...tag(50, wireType), 0])).path).toBe(
        'resource_metrics[0].scope_metrics[0].metrics[0]',
      );
    }
  });

  it('rejects a known field with the wrong wire type', () => {
    expect(decodeError(requestWithMetrics(vint(1, 5))).message).toMatch(
      /Metric: unexpected wire type 0 for field 1/,
    );
    expect(decodeError(u8(vint(1, 5))).message).toMatch(/unexpected wire type/);
  });

  it('rejects lengths past the end and lengths that overrun the enclosing message', () => {
    expect(decodeError(u8(tag(1, 2), varint(1000), [1, 2])).reason).toBe('truncated length-delimited field');
    // The inner scope_metrics claims 5 bytes, its resource_metrics only holds 3 after the prefix;
    // the trailing bytes exist in the buffer but belong to the next top-level field.
    const overrun = u8(ld(1, [...tag(2, 2), 5, 0, 0]), ld(1, ld(2), ld(2)));
    expect(decodeError(overrun).reason).toBe('length-delimited field overruns its message');
    // A fixed64 that straddles the end of its message.
    const straddle = u8([...tag(1, 2), 3, ...tag(1, 2), 1, ...tag(7, 1)], le64(0n));
    expect(decodeError(straddle)).toBeInstanceOf(OtlpDecodeError);
  });

  it('rejects field number 0 and varints longer than ten bytes', () => {
    expect(decodeError(u8([0x00, 0x01])).reason).toMatch(/field number 0/);
    expect(decodeError(u8(tag(7, 0), Array<number>(11).fill(0x80), [0])).reason).toMatch(
      /longer than 10 bytes/,
    );
  });

  it('rejects invalid UTF-8 in short and long strings', () => {
    for (const text of [
      [0xc3, 0x28],
      [...Array<number>(40).fill(0x61), 0xff],
    ]) {
      const error = decodeError(requestWithMetrics(ld(1, text)));
      expect(error.reason).toBe('invalid UTF-8 in string field');
      expect(error.path).toBe('resource_metrics[0].scope_metrics[0].metrics[0]');
    }
  });

  it('bounds AnyValue nesting depth without overflowing the stack', () => {
    // Built inside-out with precomputed lengths: linear, so a 5000-deep payload is cheap to make.
    const nested = (depth: number): Bytes => {
      const leaf = str(1, 'leaf');
      const headers: Bytes[] = [];
      let size = leaf.length;
      for (let i = 0; i < depth; i++) {
        const arrayHeader = [...tag(1, 2), ...varint(size)];
        const arraySize = arrayHeader.length + size;
        const valueHeader = [...tag(5, 2), ...varint(arraySize)];
        headers.push([...valueHeader, ...arrayHeader]);
        size = valueHeader.length + arraySize;
      }
      return [...headers.reverse().flat(), ...leaf];
    };
    expect(() => attributeValue(nested(32))).not.toThrow();
    const error = decodeError(
      requestWithMetrics([...str(1, 's'), ...ld(7, ld(1, ld(7, str(1, 'k'), ld(2, nested(33)))))]),
    );
    expect(error.reason).toMatch(/nested deeper than 32/);
    expect(error.path).toMatch(
      /^resource_metrics\[0\].*data_points\[0\]\.attributes\[0\]\.value\.array_value/,
    );
    // Far deeper than any stack: still a clean decode error.
    expect(decodeError(u8(ld(1, ld(1, ld(1, str(1, 'k'), ld(2, nested(5000))))))).reason).toMatch(
      /nested deeper/,
    );
  });
});
