// Encodes the model as OTLP/JSON (lowerCamelCase names, 64-bit integers as decimal strings, enums
// as integers, trace/span ids as hex, bytes as base64, non-finite doubles as "NaN"/"Infinity").
// Used for JSON responses and by the simulator/load generators to build request bodies.

import { KeyValueList } from '../model.js';
import type {
  AnyValue,
  Exemplar,
  ExponentialHistogramBuckets,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  KeyValue,
  Metric,
  NumberDataPoint,
} from '../model.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonFields = { [key: string]: Json };

function double(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

function int64(value: number): string {
  // Integers beyond 2^53 are printed in full, not in exponent notation.
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function anyValue(value: AnyValue): JsonFields {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63
      ? { intValue: int64(value) }
      : { doubleValue: double(value) };
  }
  if (value instanceof Uint8Array) return { bytesValue: base64(value) };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (value instanceof KeyValueList) return { kvlistValue: { values: keyValues(value.values) } };
  return {};
}

function keyValues(attributes: KeyValue[]): Json[] {
  return attributes.map((kv) => ({ key: kv.key, value: anyValue(kv.value) }));
}

function exemplars(list: Exemplar[]): Json[] {
  return list.map((e) => {
    const out: JsonFields = {
      filteredAttributes: keyValues(e.filteredAttributes),
      timeUnixNano: e.timeUnixNano.toString(),
    };
    if (e.valueType === 'int') out.asInt = int64(e.value);
    else out.asDouble = double(e.value);
    if (e.spanId.length > 0) out.spanId = hex(e.spanId);
    if (e.traceId.length > 0) out.traceId = hex(e.traceId);
    return out;
  });
}

function optionalDoubles(out: JsonFields, values: Record<string, number | undefined>): JsonFields {
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = double(value);
  return out;
}

function numberPoint(p: NumberDataPoint): Json {
  const out: JsonFields = {
    attributes: keyValues(p.attributes),
    startTimeUnixNano: p.startTimeUnixNano.toString(),
    timeUnixNano: p.timeUnixNano.toString(),
    exemplars: exemplars(p.exemplars),
    flags: p.flags,
  };
  if (p.valueType === 'int') out.asInt = int64(p.value);
  else if (p.valueType === 'double') out.asDouble = double(p.value);
  return out;
}

function buckets(b: ExponentialHistogramBuckets): Json {
  return { offset: b.offset, bucketCounts: b.bucketCounts.map(int64) };
}

function metric(m: Metric): Json {
  const out: JsonFields = { name: m.name, description: m.description, unit: m.unit };
  if (m.metadata.length > 0) out.metadata = keyValues(m.metadata);
  switch (m.type) {
    case 'gauge':
      out.gauge = { dataPoints: m.dataPoints.map(numberPoint) };
      break;
    case 'sum':
      out.sum = {
        dataPoints: m.dataPoints.map(numberPoint),
        aggregationTemporality: m.aggregationTemporality,
        isMonotonic: m.isMonotonic,
      };
      break;
    case 'histogram':
      out.histogram = {
        aggregationTemporality: m.aggregationTemporality,
        dataPoints: m.dataPoints.map((p) =>
          optionalDoubles(
            {
              attributes: keyValues(p.attributes),
              startTimeUnixNano: p.startTimeUnixNano.toString(),
              timeUnixNano: p.timeUnixNano.toString(),
              count: int64(p.count),
              bucketCounts: p.bucketCounts.map(int64),
              explicitBounds: p.explicitBounds.map(double),
              exemplars: exemplars(p.exemplars),
              flags: p.flags,
            },
            { sum: p.sum, min: p.min, max: p.max },
          ),
        ),
      };
      break;
    case 'exponentialHistogram':
      out.exponentialHistogram = {
        aggregationTemporality: m.aggregationTemporality,
        dataPoints: m.dataPoints.map((p) =>
          optionalDoubles(
            {
              attributes: keyValues(p.attributes),
              startTimeUnixNano: p.startTimeUnixNano.toString(),
              timeUnixNano: p.timeUnixNano.toString(),
              count: int64(p.count),
              scale: p.scale,
              zeroCount: int64(p.zeroCount),
              positive: buckets(p.positive),
              negative: buckets(p.negative),
              flags: p.flags,
              exemplars: exemplars(p.exemplars),
              zeroThreshold: double(p.zeroThreshold),
            },
            { sum: p.sum, min: p.min, max: p.max },
          ),
        ),
      };
      break;
    case 'summary':
      out.summary = {
        dataPoints: m.dataPoints.map((p) => ({
          attributes: keyValues(p.attributes),
          startTimeUnixNano: p.startTimeUnixNano.toString(),
          timeUnixNano: p.timeUnixNano.toString(),
          count: int64(p.count),
          sum: double(p.sum),
          quantileValues: p.quantileValues.map((q) => ({
            quantile: double(q.quantile),
            value: double(q.value),
          })),
          flags: p.flags,
        })),
      };
      break;
    case 'empty':
      break;
  }
  return out;
}

/** The OTLP/JSON body of an ExportMetricsServiceRequest. */
export function encodeExportMetricsServiceRequestJson(request: ExportMetricsServiceRequest): string {
  const body = {
    resourceMetrics: request.resourceMetrics.map((rm) => ({
      resource: {
        attributes: keyValues(rm.resource.attributes),
        droppedAttributesCount: rm.resource.droppedAttributesCount,
      },
      scopeMetrics: rm.scopeMetrics.map((sm) => ({
        scope: {
          name: sm.scope.name,
          version: sm.scope.version,
          attributes: keyValues(sm.scope.attributes),
          droppedAttributesCount: sm.scope.droppedAttributesCount,
        },
        metrics: sm.metrics.map(metric),
        schemaUrl: sm.schemaUrl,
      })),
      schemaUrl: rm.schemaUrl,
    })),
  };
  return JSON.stringify(body);
}

/** The OTLP/JSON body of an ExportMetricsServiceResponse; `{}` for full success. */
export function encodeExportMetricsServiceResponseJson(response: ExportMetricsServiceResponse): string {
  const partial = response.partialSuccess;
  if (partial === undefined) return '{}';
  return JSON.stringify({
    partialSuccess: {
      rejectedDataPoints: int64(partial.rejectedDataPoints),
      errorMessage: partial.errorMessage,
    },
  });
}
