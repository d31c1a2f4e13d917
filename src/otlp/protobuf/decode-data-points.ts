// Decoders for the number, histogram and exponential histogram data points of
// opentelemetry/proto/metrics/v1. Each takes the reader positioned at the message's first field and
// the message's end offset.

import { rethrowWithin } from '../errors.js';
import type {
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
} from '../model.js';
import { fieldSet, readKeyValueInto, skipOrReject } from './decode-common.js';
import { NONE, appended } from '../empty-list.js';
import { readExemplarInto } from './decode-exemplar.js';
import type { ProtobufReader } from './reader.js';

const NUMBER_POINT_FIELDS = fieldSet(2, 3, 4, 5, 6, 7, 8);
const HISTOGRAM_POINT_FIELDS = fieldSet(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
const EXPONENTIAL_POINT_FIELDS = fieldSet(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
const BUCKETS_FIELDS = fieldSet(1, 2);

export function decodeNumberDataPoint(r: ProtobufReader, end: number): NumberDataPoint {
  const point: NumberDataPoint = {
    attributes: NONE,
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    value: 0,
    valueType: 'none',
    exemplars: NONE,
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 17:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case 25:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case 33:
        point.value = r.readDouble();
        point.valueType = 'double';
        break;
      case 42:
        point.exemplars = readExemplarInto(r, end, point.exemplars);
        break;
      case 49:
        point.value = r.readSfixed64();
        point.valueType = 'int';
        break;
      case 58:
        point.attributes = readKeyValueInto(r, end, point.attributes, 'attributes');
        break;
      case 64:
        point.flags = r.readVarint32();
        break;
      default:
        skipOrReject(r, tag, end, NUMBER_POINT_FIELDS, 'NumberDataPoint');
    }
  }
  r.expectEnd(end);
  return point;
}

export function decodeHistogramDataPoint(r: ProtobufReader, end: number): HistogramDataPoint {
  const point: HistogramDataPoint = {
    attributes: NONE,
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    bucketCounts: NONE,
    explicitBounds: NONE,
    exemplars: NONE,
    flags: 0,
    min: undefined,
    max: undefined,
  };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 17:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case 25:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case 33:
        point.count = r.readFixed64();
        break;
      case 41:
        point.sum = r.readDouble();
        break;
      case 50: {
        const packedEnd = r.readLengthDelimitedEnd(end);
        if (point.bucketCounts.length === 0) point.bucketCounts = r.readPackedFixed64Array(packedEnd);
        else r.readPackedFixed64(packedEnd, point.bucketCounts); // a second run appends (legal, rare)
        break;
      }
      case 49: // unpacked repeated fixed64
        point.bucketCounts = appended(point.bucketCounts, r.readFixed64());
        break;
      case 58: {
        const packedEnd = r.readLengthDelimitedEnd(end);
        if (point.explicitBounds.length === 0) point.explicitBounds = r.readPackedDoubleShared(packedEnd);
        else r.readPackedDouble(packedEnd, appendableBounds(point)); // a second run appends (legal, rare)
        break;
      }
      case 57: // unpacked repeated double
        appendableBounds(point).push(r.readDouble());
        break;
      case 66:
        point.exemplars = readExemplarInto(r, end, point.exemplars);
        break;
      case 74:
        point.attributes = readKeyValueInto(r, end, point.attributes, 'attributes');
        break;
      case 80:
        point.flags = r.readVarint32();
        break;
      case 89:
        point.min = r.readDouble();
        break;
      case 97:
        point.max = r.readDouble();
        break;
      default:
        skipOrReject(r, tag, end, HISTOGRAM_POINT_FIELDS, 'HistogramDataPoint');
    }
  }
  r.expectEnd(end);
  return point;
}

/** The point's bounds as an array it owns: a shared (frozen) one is copied once, before appending. */
function appendableBounds(point: HistogramDataPoint): number[] {
  if (Object.isFrozen(point.explicitBounds)) point.explicitBounds = [...point.explicitBounds];
  return point.explicitBounds as number[];
}

function decodeBuckets(r: ProtobufReader, end: number): ExponentialHistogramBuckets {
  const buckets: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 8:
        buckets.offset = r.readSint32();
        break;
      case 18: {
        const packedEnd = r.readLengthDelimitedEnd(end);
        while (r.pos < packedEnd) buckets.bucketCounts.push(r.readUint64Varint());
        r.expectEnd(packedEnd);
        break;
      }
      case 16: // unpacked repeated uint64
        buckets.bucketCounts.push(r.readUint64Varint());
        break;
      default:
        skipOrReject(r, tag, end, BUCKETS_FIELDS, 'Buckets');
    }
  }
  r.expectEnd(end);
  return buckets;
}

function readBuckets(r: ProtobufReader, end: number, segment: string): ExponentialHistogramBuckets {
  try {
    return decodeBuckets(r, r.readLengthDelimitedEnd(end));
  } catch (error) {
    rethrowWithin(error, segment);
  }
}

export function decodeExponentialHistogramDataPoint(
  r: ProtobufReader,
  end: number,
): ExponentialHistogramDataPoint {
  const point: ExponentialHistogramDataPoint = {
    attributes: NONE,
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: NONE,
    min: undefined,
    max: undefined,
    zeroThreshold: 0,
  };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        point.attributes = readKeyValueInto(r, end, point.attributes, 'attributes');
        break;
      case 17:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case 25:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case 33:
        point.count = r.readFixed64();
        break;
      case 41:
        point.sum = r.readDouble();
        break;
      case 48:
        point.scale = r.readSint32();
        break;
      case 57:
        point.zeroCount = r.readFixed64();
        break;
      case 66:
        point.positive = readBuckets(r, end, 'positive');
        break;
      case 74:
        point.negative = readBuckets(r, end, 'negative');
        break;
      case 80:
        point.flags = r.readVarint32();
        break;
      case 90:
        point.exemplars = readExemplarInto(r, end, point.exemplars);
        break;
      case 97:
        point.min = r.readDouble();
        break;
      case 105:
        point.max = r.readDouble();
        break;
      case 113:
        point.zeroThreshold = r.readDouble();
        break;
      default:
        skipOrReject(r, tag, end, EXPONENTIAL_POINT_FIELDS, 'ExponentialHistogramDataPoint');
    }
  }
  r.expectEnd(end);
  return point;
}
