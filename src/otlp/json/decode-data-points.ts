// OTLP/JSON decoders for the data point messages of metrics/v1 (and their exemplars).

import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../model.js';
import { decodeKeyValues, decodeList, within } from './decode-common.js';
import {
  asArray,
  asDouble,
  asHexBytes,
  asInt32,
  asInt64,
  asObject,
  asOptionalDouble,
  asTimestamp,
  asUint32,
  asUint64,
  field,
} from './scalars.js';
import type { JsonObject } from './scalars.js';

function decodeExemplar(value: unknown): Exemplar {
  const object = asObject(value, 'Exemplar');
  const asIntValue = field(object, 'asInt', 'as_int');
  const isInt = asIntValue !== undefined;
  return {
    filteredAttributes: decodeKeyValues(
      field(object, 'filteredAttributes', 'filtered_attributes'),
      'filteredAttributes',
    ),
    timeUnixNano: asTimestamp(field(object, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    value: isInt
      ? asInt64(asIntValue, 'asInt')
      : asDouble(field(object, 'asDouble', 'as_double') ?? 0, 'asDouble'),
    valueType: isInt ? 'int' : 'double',
    spanId: asHexBytes(field(object, 'spanId', 'span_id'), 'spanId'),
    traceId: asHexBytes(field(object, 'traceId', 'trace_id'), 'traceId'),
  };
}

function exemplarsOf(object: JsonObject): Exemplar[] {
  return decodeList(field(object, 'exemplars', 'exemplars'), 'exemplars', decodeExemplar);
}

export function decodeNumberDataPoint(value: unknown): NumberDataPoint {
  const object = asObject(value, 'NumberDataPoint');
  const asIntValue = field(object, 'asInt', 'as_int');
  const asDoubleValue = field(object, 'asDouble', 'as_double');
  let pointValue = 0;
  let valueType: NumberDataPoint['valueType'] = 'none';
  if (asIntValue !== undefined) {
    pointValue = asInt64(asIntValue, 'asInt');
    valueType = 'int';
  } else if (asDoubleValue !== undefined) {
    pointValue = asDouble(asDoubleValue, 'asDouble');
    valueType = 'double';
  }
  return {
    attributes: decodeKeyValues(field(object, 'attributes', 'attributes'), 'attributes'),
    startTimeUnixNano: asTimestamp(
      field(object, 'startTimeUnixNano', 'start_time_unix_nano'),
      'startTimeUnixNano',
    ),
    timeUnixNano: asTimestamp(field(object, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    value: pointValue,
    valueType,
    exemplars: exemplarsOf(object),
    flags: asUint32(field(object, 'flags', 'flags'), 'flags'),
  };
}

export function decodeHistogramDataPoint(value: unknown): HistogramDataPoint {
  const object = asObject(value, 'HistogramDataPoint');
  const counts = asArray(field(object, 'bucketCounts', 'bucket_counts'), 'bucketCounts');
  const bounds = asArray(field(object, 'explicitBounds', 'explicit_bounds'), 'explicitBounds');
  const bucketCounts: number[] = new Array<number>(counts.length);
  for (let i = 0; i < counts.length; i++) bucketCounts[i] = asUint64(counts[i], `bucketCounts[${i}]`);
  const explicitBounds: number[] = new Array<number>(bounds.length);
  for (let i = 0; i < bounds.length; i++) explicitBounds[i] = asDouble(bounds[i], `explicitBounds[${i}]`);
  return {
    attributes: decodeKeyValues(field(object, 'attributes', 'attributes'), 'attributes'),
    startTimeUnixNano: asTimestamp(
      field(object, 'startTimeUnixNano', 'start_time_unix_nano'),
      'startTimeUnixNano',
    ),
    timeUnixNano: asTimestamp(field(object, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    count: asUint64(field(object, 'count', 'count'), 'count'),
    sum: asOptionalDouble(field(object, 'sum', 'sum'), 'sum'),
    bucketCounts,
    explicitBounds,
    exemplars: exemplarsOf(object),
    flags: asUint32(field(object, 'flags', 'flags'), 'flags'),
    min: asOptionalDouble(field(object, 'min', 'min'), 'min'),
    max: asOptionalDouble(field(object, 'max', 'max'), 'max'),
  };
}

function decodeBuckets(value: unknown, what: string): ExponentialHistogramBuckets {
  if (value === undefined) return { offset: 0, bucketCounts: [] };
  return within(what, () => {
    const object = asObject(value, what);
    const counts = asArray(field(object, 'bucketCounts', 'bucket_counts'), 'bucketCounts');
    const bucketCounts: number[] = new Array<number>(counts.length);
    for (let i = 0; i < counts.length; i++) bucketCounts[i] = asUint64(counts[i], `bucketCounts[${i}]`);
    return { offset: asInt32(field(object, 'offset', 'offset'), 'offset'), bucketCounts };
  });
}

export function decodeExponentialHistogramDataPoint(value: unknown): ExponentialHistogramDataPoint {
  const object = asObject(value, 'ExponentialHistogramDataPoint');
  return {
    attributes: decodeKeyValues(field(object, 'attributes', 'attributes'), 'attributes'),
    startTimeUnixNano: asTimestamp(
      field(object, 'startTimeUnixNano', 'start_time_unix_nano'),
      'startTimeUnixNano',
    ),
    timeUnixNano: asTimestamp(field(object, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    count: asUint64(field(object, 'count', 'count'), 'count'),
    sum: asOptionalDouble(field(object, 'sum', 'sum'), 'sum'),
    scale: asInt32(field(object, 'scale', 'scale'), 'scale'),
    zeroCount: asUint64(field(object, 'zeroCount', 'zero_count'), 'zeroCount'),
    positive: decodeBuckets(field(object, 'positive', 'positive'), 'positive'),
    negative: decodeBuckets(field(object, 'negative', 'negative'), 'negative'),
    flags: asUint32(field(object, 'flags', 'flags'), 'flags'),
    exemplars: exemplarsOf(object),
    min: asOptionalDouble(field(object, 'min', 'min'), 'min'),
    max: asOptionalDouble(field(object, 'max', 'max'), 'max'),
    zeroThreshold: asDouble(field(object, 'zeroThreshold', 'zero_threshold') ?? 0, 'zeroThreshold'),
  };
}

function decodeValueAtQuantile(value: unknown): ValueAtQuantile {
  const object = asObject(value, 'ValueAtQuantile');
  return {
    quantile: asDouble(field(object, 'quantile', 'quantile') ?? 0, 'quantile'),
    value: asDouble(field(object, 'value', 'value') ?? 0, 'value'),
  };
}

export function decodeSummaryDataPoint(value: unknown): SummaryDataPoint {
  const object = asObject(value, 'SummaryDataPoint');
  return {
    attributes: decodeKeyValues(field(object, 'attributes', 'attributes'), 'attributes'),
    startTimeUnixNano: asTimestamp(
      field(object, 'startTimeUnixNano', 'start_time_unix_nano'),
      'startTimeUnixNano',
    ),
    timeUnixNano: asTimestamp(field(object, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    count: asUint64(field(object, 'count', 'count'), 'count'),
    sum: asDouble(field(object, 'sum', 'sum') ?? 0, 'sum'),
    quantileValues: decodeList(
      field(object, 'quantileValues', 'quantile_values'),
      'quantileValues',
      decodeValueAtQuantile,
    ),
    flags: asUint32(field(object, 'flags', 'flags'), 'flags'),
  };
}
