// Decoder for opentelemetry.proto.metrics.v1.SummaryDataPoint (legacy summaries, e.g. from
// Prometheus clients bridged into OTLP).

import { rethrowWithin } from '../errors.js';
import type { SummaryDataPoint, ValueAtQuantile } from '../model.js';
import { fieldSet, readKeyValueInto, skipOrReject } from './decode-common.js';
import { NONE } from '../empty-list.js';
import type { ProtobufReader } from './reader.js';

const SUMMARY_POINT_FIELDS = fieldSet(2, 3, 4, 5, 6, 7, 8);
const QUANTILE_FIELDS = fieldSet(1, 2);

function decodeValueAtQuantile(r: ProtobufReader, end: number): ValueAtQuantile {
  const quantile: ValueAtQuantile = { quantile: 0, value: 0 };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 9:
        quantile.quantile = r.readDouble();
        break;
      case 17:
        quantile.value = r.readDouble();
        break;
      default:
        skipOrReject(r, tag, end, QUANTILE_FIELDS, 'ValueAtQuantile');
    }
  }
  r.expectEnd(end);
  return quantile;
}

export function decodeSummaryDataPoint(r: ProtobufReader, end: number): SummaryDataPoint {
  const point: SummaryDataPoint = {
    attributes: NONE,
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: 0,
    quantileValues: [],
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
        point.count = r.readFixed64();
        break;
      case 41:
        point.sum = r.readDouble();
        break;
      case 50:
        try {
          point.quantileValues.push(decodeValueAtQuantile(r, r.readLengthDelimitedEnd(end)));
        } catch (error) {
          rethrowWithin(error, 'quantile_values', point.quantileValues.length);
        }
        break;
      case 58:
        point.attributes = readKeyValueInto(r, end, point.attributes, 'attributes');
        break;
      case 64:
        point.flags = r.readVarint32();
        break;
      default:
        skipOrReject(r, tag, end, SUMMARY_POINT_FIELDS, 'SummaryDataPoint');
    }
  }
  r.expectEnd(end);
  return point;
}
