// Encodes the model back to the protobuf wire format: the gateway forwards its aggregated series to
// the collector with this. Default-valued proto3 fields are omitted, as protobuf encoders do.
// An AnyValue number is written as int_value when it is an integer in int64 range, else as
// double_value (the model does not remember which it was; the OTel SDK makes the same choice).

import { KeyValueList } from '../model.js';
import type {
  AnyValue,
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  Metric,
  NumberDataPoint,
  Resource,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../model.js';
import { WireType } from './reader.js';
import { ProtobufWriter } from './writer.js';

// Doubles are compared with Object.is so that -0 survives a round trip.
const { Varint, Fixed64, LengthDelimited } = WireType;
/** int_value covers [-2^63, 2^63); integers outside it travel as double_value. */
const INT64_MIN = -(2 ** 63);
const INT64_MAX_EXCLUSIVE = 2 ** 63;

export function encodeExportMetricsServiceRequest(request: ExportMetricsServiceRequest): Uint8Array {
  const w = new ProtobufWriter();
  for (const resourceMetrics of request.resourceMetrics) {
    w.tag(1, LengthDelimited);
    writeResourceMetrics(w, resourceMetrics);
  }
  return w.finish();
}

export function encodeExportMetricsServiceResponse(response: ExportMetricsServiceResponse): Uint8Array {
  const w = new ProtobufWriter(64);
  const partial = response.partialSuccess;
  if (partial !== undefined) {
    w.tag(1, LengthDelimited);
    const start = w.beginLengthDelimited();
    if (partial.rejectedDataPoints !== 0) {
      w.tag(1, Varint);
      w.int64(partial.rejectedDataPoints);
    }
    writeString(w, 2, partial.errorMessage);
    w.endLengthDelimited(start);
  }
  return w.finish();
}

function writeString(w: ProtobufWriter, field: number, value: string): void {
  if (value === '') return;
  w.tag(field, LengthDelimited);
  w.string(value);
}

function writeUint32(w: ProtobufWriter, field: number, value: number): void {
  if (value === 0) return;
  w.tag(field, Varint);
  w.uint32(value);
}

function writeTimestamp(w: ProtobufWriter, field: number, value: bigint): void {
  if (value === 0n) return;
  w.tag(field, Fixed64);
  w.fixed64BigInt(value);
}

function writeOptionalDouble(w: ProtobufWriter, field: number, value: number | undefined): void {
  if (value === undefined) return;
  w.tag(field, Fixed64);
  w.double(value);
}

function writeResourceMetrics(w: ProtobufWriter, resourceMetrics: ResourceMetrics): void {
  const start = w.beginLengthDelimited();
  w.tag(1, LengthDelimited);
  writeResource(w, resourceMetrics.resource);
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    w.tag(2, LengthDelimited);
    writeScopeMetrics(w, scopeMetrics);
  }
  writeString(w, 3, resourceMetrics.schemaUrl);
  w.endLengthDelimited(start);
}

function writeResource(w: ProtobufWriter, resource: Resource): void {
  const start = w.beginLengthDelimited();
  writeAttributes(w, 1, resource.attributes);
  writeUint32(w, 2, resource.droppedAttributesCount);
  w.endLengthDelimited(start);
}

function writeScopeMetrics(w: ProtobufWriter, scopeMetrics: ScopeMetrics): void {
  const start = w.beginLengthDelimited();
  w.tag(1, LengthDelimited);
  writeScope(w, scopeMetrics.scope);
  for (const metric of scopeMetrics.metrics) {
    w.tag(2, LengthDelimited);
    writeMetric(w, metric);
  }
  writeString(w, 3, scopeMetrics.schemaUrl);
  w.endLengthDelimited(start);
}

function writeScope(w: ProtobufWriter, scope: InstrumentationScope): void {
  const start = w.beginLengthDelimited();
  writeString(w, 1, scope.name);
  writeString(w, 2, scope.version);
  writeAttributes(w, 3, scope.attributes);
  writeUint32(w, 4, scope.droppedAttributesCount);
  w.endLengthDelimited(start);
}

function writeAttributes(w: ProtobufWriter, field: number, attributes: KeyValue[]): void {
  for (const attribute of attributes) {
    w.tag(field, LengthDelimited);
    writeKeyValue(w, attribute);
  }
}

function writeKeyValue(w: ProtobufWriter, keyValue: KeyValue): void {
  const start = w.beginLengthDelimited();
  writeString(w, 1, keyValue.key);
  w.tag(2, LengthDelimited);
  writeAnyValue(w, keyValue.value);
  w.endLengthDelimited(start);
}

function writeAnyValue(w: ProtobufWriter, value: AnyValue): void {
  const start = w.beginLengthDelimited();
  if (typeof value === 'string') {
    // An empty string is still a set oneof: write it, unlike a default scalar.
    w.tag(1, LengthDelimited);
    w.string(value);
  } else if (typeof value === 'boolean') {
    w.tag(2, Varint);
    w.bool(value);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX_EXCLUSIVE) {
      w.tag(3, Varint);
      w.int64(value);
    } else {
      w.tag(4, Fixed64);
      w.double(value);
    }
  } else if (value instanceof Uint8Array) {
    w.tag(7, LengthDelimited);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, LengthDelimited);
    const arrayStart = w.beginLengthDelimited();
    for (const item of value) {
      w.tag(1, LengthDelimited);
      writeAnyValue(w, item);
    }
    w.endLengthDelimited(arrayStart);
  } else if (value instanceof KeyValueList) {
    w.tag(6, LengthDelimited);
    const listStart = w.beginLengthDelimited();
    writeAttributes(w, 1, value.values);
    w.endLengthDelimited(listStart);
  }
  // null: an AnyValue with no value set.
  w.endLengthDelimited(start);
}

function writeMetric(w: ProtobufWriter, metric: Metric): void {
  const start = w.beginLengthDelimited();
  writeString(w, 1, metric.name);
  writeString(w, 2, metric.description);
  writeString(w, 3, metric.unit);
  switch (metric.type) {
    case 'gauge': {
      w.tag(5, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeNumberDataPoint(w, point);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'sum': {
      w.tag(7, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeNumberDataPoint(w, point);
      writeUint32(w, 2, metric.aggregationTemporality);
      if (metric.isMonotonic) {
        w.tag(3, Varint);
        w.bool(true);
      }
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'histogram': {
      w.tag(9, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeHistogramDataPoint(w, point);
      writeUint32(w, 2, metric.aggregationTemporality);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'exponentialHistogram': {
      w.tag(10, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeExponentialHistogramDataPoint(w, point);
      writeUint32(w, 2, metric.aggregationTemporality);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'summary': {
      w.tag(11, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeSummaryDataPoint(w, point);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'empty':
      break;
  }
  writeAttributes(w, 12, metric.metadata);
  w.endLengthDelimited(start);
}

function writeExemplars(w: ProtobufWriter, field: number, exemplars: Exemplar[]): void {
  for (const exemplar of exemplars) {
    w.tag(field, LengthDelimited);
    const start = w.beginLengthDelimited();
    writeTimestamp(w, 2, exemplar.timeUnixNano);
    if (exemplar.valueType === 'int') {
      w.tag(6, Fixed64);
      w.sfixed64(exemplar.value);
    } else {
      w.tag(3, Fixed64);
      w.double(exemplar.value);
    }
    if (exemplar.spanId.length > 0) {
      w.tag(4, LengthDelimited);
      w.bytes(exemplar.spanId);
    }
    if (exemplar.traceId.length > 0) {
      w.tag(5, LengthDelimited);
      w.bytes(exemplar.traceId);
    }
    writeAttributes(w, 7, exemplar.filteredAttributes);
    w.endLengthDelimited(start);
  }
}

function writeNumberDataPoint(w: ProtobufWriter, point: NumberDataPoint): void {
  w.tag(1, LengthDelimited);
  const start = w.beginLengthDelimited();
  writeTimestamp(w, 2, point.startTimeUnixNano);
  writeTimestamp(w, 3, point.timeUnixNano);
  if (point.valueType === 'double') {
    w.tag(4, Fixed64);
    w.double(point.value);
  } else if (point.valueType === 'int') {
    w.tag(6, Fixed64);
    w.sfixed64(point.value);
  }
  writeExemplars(w, 5, point.exemplars);
  writeAttributes(w, 7, point.attributes);
  writeUint32(w, 8, point.flags);
  w.endLengthDelimited(start);
}

function writeHistogramDataPoint(w: ProtobufWriter, point: HistogramDataPoint): void {
  w.tag(1, LengthDelimited);
  const start = w.beginLengthDelimited();
  writeTimestamp(w, 2, point.startTimeUnixNano);
  writeTimestamp(w, 3, point.timeUnixNano);
  if (point.count !== 0) {
    w.tag(4, Fixed64);
    w.fixed64(point.count);
  }
  writeOptionalDouble(w, 5, point.sum);
  if (point.bucketCounts.length > 0) {
    w.tag(6, LengthDelimited);
    const packedStart = w.beginLengthDelimited();
    for (const count of point.bucketCounts) w.fixed64(count);
    w.endLengthDelimited(packedStart);
  }
  if (point.explicitBounds.length > 0) {
    w.tag(7, LengthDelimited);
    const packedStart = w.beginLengthDelimited();
    for (const bound of point.explicitBounds) w.double(bound);
    w.endLengthDelimited(packedStart);
  }
  writeExemplars(w, 8, point.exemplars);
  writeAttributes(w, 9, point.attributes);
  writeUint32(w, 10, point.flags);
  writeOptionalDouble(w, 11, point.min);
  writeOptionalDouble(w, 12, point.max);
  w.endLengthDelimited(start);
}

function writeBuckets(w: ProtobufWriter, field: number, buckets: ExponentialHistogramBuckets): void {
  if (buckets.offset === 0 && buckets.bucketCounts.length === 0) return;
  w.tag(field, LengthDelimited);
  const start = w.beginLengthDelimited();
  if (buckets.offset !== 0) {
    w.tag(1, Varint);
    w.sint32(buckets.offset);
  }
  if (buckets.bucketCounts.length > 0) {
    w.tag(2, LengthDelimited);
    const packedStart = w.beginLengthDelimited();
    for (const count of buckets.bucketCounts) w.int64(count);
    w.endLengthDelimited(packedStart);
  }
  w.endLengthDelimited(start);
}

function writeExponentialHistogramDataPoint(w: ProtobufWriter, point: ExponentialHistogramDataPoint): void {
  w.tag(1, LengthDelimited);
  const start = w.beginLengthDelimited();
  writeAttributes(w, 1, point.attributes);
  writeTimestamp(w, 2, point.startTimeUnixNano);
  writeTimestamp(w, 3, point.timeUnixNano);
  if (point.count !== 0) {
    w.tag(4, Fixed64);
    w.fixed64(point.count);
  }
  writeOptionalDouble(w, 5, point.sum);
  if (point.scale !== 0) {
    w.tag(6, Varint);
    w.sint32(point.scale);
  }
  if (point.zeroCount !== 0) {
    w.tag(7, Fixed64);
    w.fixed64(point.zeroCount);
  }
  writeBuckets(w, 8, point.positive);
  writeBuckets(w, 9, point.negative);
  writeUint32(w, 10, point.flags);
  writeExemplars(w, 11, point.exemplars);
  writeOptionalDouble(w, 12, point.min);
  writeOptionalDouble(w, 13, point.max);
  if (!Object.is(point.zeroThreshold, 0)) {
    w.tag(14, Fixed64);
    w.double(point.zeroThreshold);
  }
  w.endLengthDelimited(start);
}

function writeSummaryDataPoint(w: ProtobufWriter, point: SummaryDataPoint): void {
  w.tag(1, LengthDelimited);
  const start = w.beginLengthDelimited();
  writeTimestamp(w, 2, point.startTimeUnixNano);
  writeTimestamp(w, 3, point.timeUnixNano);
  if (point.count !== 0) {
    w.tag(4, Fixed64);
    w.fixed64(point.count);
  }
  if (!Object.is(point.sum, 0)) {
    w.tag(5, Fixed64);
    w.double(point.sum);
  }
  for (const quantile of point.quantileValues) {
    w.tag(6, LengthDelimited);
    const quantileStart = w.beginLengthDelimited();
    if (!Object.is(quantile.quantile, 0)) {
      w.tag(1, Fixed64);
      w.double(quantile.quantile);
    }
    if (!Object.is(quantile.value, 0)) {
      w.tag(2, Fixed64);
      w.double(quantile.value);
    }
    w.endLengthDelimited(quantileStart);
  }
  writeAttributes(w, 7, point.attributes);
  writeUint32(w, 8, point.flags);
  w.endLengthDelimited(start);
}
