// Protobuf encoders for the data point messages of metrics/v1 (and their exemplars).

import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from '../model.js';
import {
  Fixed64,
  LengthDelimited,
  Varint,
  writeAttributes,
  writeOptionalDouble,
  writeTimestamp,
  writeUint32,
} from './encode-common.js';
import type { ProtobufWriter } from './writer.js';

// Doubles are compared with Object.is so that -0 survives a round trip.

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

export function writeNumberDataPoint(w: ProtobufWriter, point: NumberDataPoint): void {
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

export function writeHistogramDataPoint(w: ProtobufWriter, point: HistogramDataPoint): void {
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

export function writeExponentialHistogramDataPoint(
  w: ProtobufWriter,
  point: ExponentialHistogramDataPoint,
): void {
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

export function writeSummaryDataPoint(w: ProtobufWriter, point: SummaryDataPoint): void {
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
