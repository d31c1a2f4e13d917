// Decodes OTLP/JSON (ExportMetricsServiceRequest/Response) straight into the model. Field names
// are lowerCamelCase, with the original snake_case names accepted too; unknown fields are ignored.

import { OtlpDecodeError, rethrowWithin } from '../errors.js';
import type {
  AggregationTemporality,
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../model.js';
import { decodeInstrumentationScope, decodeKeyValues, decodeResource } from './decode-common.js';
import {
  asArray,
  asBool,
  asDouble,
  asEnum,
  asHexBytes,
  asInt32,
  asInt64,
  asObject,
  asOptionalDouble,
  asString,
  asTimestamp,
  asUint32,
  asUint64,
  field,
} from './scalars.js';
import type { JsonObject } from './scalars.js';

const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
] as const;

// fatal: a body that is not UTF-8 is malformed, not something to paper over with U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses and decodes an OTLP/JSON request body given as text. */
export function decodeExportMetricsServiceRequestJson(text: string): ExportMetricsServiceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  return decodeExportMetricsServiceRequestJsonValue(parsed);
}

/** Decodes an OTLP/JSON request body given as raw bytes (must be UTF-8). */
export function decodeExportMetricsServiceRequestJsonBytes(bytes: Uint8Array): ExportMetricsServiceRequest {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    throw new OtlpDecodeError('request body is not valid UTF-8');
  }
  return decodeExportMetricsServiceRequestJson(text);
}

/** Decodes an already-parsed OTLP/JSON request (the value JSON.parse returned). */
export function decodeExportMetricsServiceRequestJsonValue(value: unknown): ExportMetricsServiceRequest {
  const object = asObject(value, 'ExportMetricsServiceRequest');
  return {
    resourceMetrics: decodeList(
      field(object, 'resourceMetrics', 'resource_metrics'),
      'resourceMetrics',
      decodeResourceMetrics,
    ),
  };
}

/** Decodes an OTLP/JSON ExportMetricsServiceResponse from text (an empty body means success). */
export function decodeExportMetricsServiceResponseJson(text: string): ExportMetricsServiceResponse {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  const object = asObject(parsed, 'ExportMetricsServiceResponse');
  const partial = field(object, 'partialSuccess', 'partial_success');
  if (partial === undefined) return {};
  try {
    const p = asObject(partial, 'partialSuccess');
    return {
      partialSuccess: {
        rejectedDataPoints: asInt64(
          field(p, 'rejectedDataPoints', 'rejected_data_points') ?? 0,
          'rejectedDataPoints',
        ),
        errorMessage: asString(field(p, 'errorMessage', 'error_message'), 'errorMessage'),
      },
    };
  } catch (error) {
    rethrowWithin(error, 'partialSuccess');
  }
}

function decodeList<T>(value: unknown, segment: string, decodeItem: (item: unknown) => T): T[] {
  const items = asArray(value, segment);
  const decoded: T[] = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) {
    try {
      decoded[i] = decodeItem(items[i]);
    } catch (error) {
      rethrowWithin(error, segment, i);
    }
  }
  return decoded;
}

function within<T>(segment: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    rethrowWithin(error, segment);
  }
}

function decodeResourceMetrics(value: unknown): ResourceMetrics {
  const object = asObject(value, 'ResourceMetrics');
  return {
    resource: within('resource', () => decodeResource(field(object, 'resource', 'resource'))),
    scopeMetrics: decodeList(
      field(object, 'scopeMetrics', 'scope_metrics'),
      'scopeMetrics',
      decodeScopeMetrics,
    ),
    schemaUrl: asString(field(object, 'schemaUrl', 'schema_url'), 'schemaUrl'),
  };
}

function decodeScopeMetrics(value: unknown): ScopeMetrics {
  const object = asObject(value, 'ScopeMetrics');
  return {
    scope: within('scope', () => decodeInstrumentationScope(field(object, 'scope', 'scope'))),
    metrics: decodeList(field(object, 'metrics', 'metrics'), 'metrics', decodeMetric),
    schemaUrl: asString(field(object, 'schemaUrl', 'schema_url'), 'schemaUrl'),
  };
}

function temporalityOf(data: JsonObject): AggregationTemporality {
  return asEnum(
    field(data, 'aggregationTemporality', 'aggregation_temporality'),
    TEMPORALITY_NAMES,
    'aggregationTemporality',
  ) as AggregationTemporality;
}

function decodeMetric(value: unknown): Metric {
  const object = asObject(value, 'Metric');
  const name = asString(field(object, 'name', 'name'), 'name');
  const description = asString(field(object, 'description', 'description'), 'description');
  const unit = asString(field(object, 'unit', 'unit'), 'unit');
  const metadata = decodeKeyValues(field(object, 'metadata', 'metadata'), 'metadata');
  const base = { name, description, unit, metadata };
  let data: unknown;
  if ((data = field(object, 'gauge', 'gauge')) !== undefined) {
    return within('gauge', () => {
      const gauge = asObject(data, 'gauge');
      return { type: 'gauge', ...base, dataPoints: pointsOf(gauge, decodeNumberDataPoint) };
    });
  }
  if ((data = field(object, 'sum', 'sum')) !== undefined) {
    return within('sum', () => {
      const sum = asObject(data, 'sum');
      return {
        type: 'sum',
        ...base,
        dataPoints: pointsOf(sum, decodeNumberDataPoint),
        aggregationTemporality: temporalityOf(sum),
        isMonotonic: asBool(field(sum, 'isMonotonic', 'is_monotonic'), 'isMonotonic'),
      };
    });
  }
  if ((data = field(object, 'histogram', 'histogram')) !== undefined) {
    return within('histogram', () => {
      const histogram = asObject(data, 'histogram');
      return {
        type: 'histogram',
        ...base,
        dataPoints: pointsOf(histogram, decodeHistogramDataPoint),
        aggregationTemporality: temporalityOf(histogram),
      };
    });
  }
  if ((data = field(object, 'exponentialHistogram', 'exponential_histogram')) !== undefined) {
    return within('exponentialHistogram', () => {
      const histogram = asObject(data, 'exponentialHistogram');
      return {
        type: 'exponentialHistogram',
        ...base,
        dataPoints: pointsOf(histogram, decodeExponentialHistogramDataPoint),
        aggregationTemporality: temporalityOf(histogram),
      };
    });
  }
  if ((data = field(object, 'summary', 'summary')) !== undefined) {
    return within('summary', () => {
      const summary = asObject(data, 'summary');
      return { type: 'summary', ...base, dataPoints: pointsOf(summary, decodeSummaryDataPoint) };
    });
  }
  return { type: 'empty', ...base };
}

function pointsOf<P>(data: JsonObject, decodePoint: (value: unknown) => P): P[] {
  return decodeList(field(data, 'dataPoints', 'data_points'), 'dataPoints', decodePoint);
}

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

function decodeNumberDataPoint(value: unknown): NumberDataPoint {
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

function decodeHistogramDataPoint(value: unknown): HistogramDataPoint {
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

function decodeExponentialHistogramDataPoint(value: unknown): ExponentialHistogramDataPoint {
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

function decodeSummaryDataPoint(value: unknown): SummaryDataPoint {
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
