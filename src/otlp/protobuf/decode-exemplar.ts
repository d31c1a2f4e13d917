// Decoder for opentelemetry.proto.metrics.v1.Exemplar, shared by every data point type.

import { rethrowWithin } from '../errors.js';
import type { Exemplar } from '../model.js';
import { fieldSet, readKeyValueInto, skipOrReject } from './decode-common.js';
import { NONE, appended } from '../empty-list.js';
import type { ProtobufReader } from './reader.js';

const EXEMPLAR_FIELDS = fieldSet(2, 3, 4, 5, 6, 7);
const EMPTY_BYTES = new Uint8Array(0);

/** Reads one length-delimited Exemplar and appends it to `into` (the repeated field). */
export function readExemplarInto(r: ProtobufReader, end: number, into: Exemplar[]): Exemplar[] {
  try {
    return appended(into, decodeExemplar(r, r.readLengthDelimitedEnd(end)));
  } catch (error) {
    rethrowWithin(error, 'exemplars', into.length);
  }
}

function decodeExemplar(r: ProtobufReader, end: number): Exemplar {
  const exemplar: Exemplar = {
    filteredAttributes: NONE,
    timeUnixNano: 0n,
    value: 0,
    valueType: 'double',
    spanId: EMPTY_BYTES,
    traceId: EMPTY_BYTES,
  };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 17:
        exemplar.timeUnixNano = r.readFixed64BigInt();
        break;
      case 25:
        exemplar.value = r.readDouble();
        exemplar.valueType = 'double';
        break;
      case 34:
        exemplar.spanId = r.readBytes(end);
        break;
      case 42:
        exemplar.traceId = r.readBytes(end);
        break;
      case 49:
        exemplar.value = r.readSfixed64();
        exemplar.valueType = 'int';
        break;
      case 58:
        exemplar.filteredAttributes = readKeyValueInto(
          r,
          end,
          exemplar.filteredAttributes,
          'filtered_attributes',
        );
        break;
      default:
        skipOrReject(r, tag, end, EXEMPLAR_FIELDS, 'Exemplar');
    }
  }
  r.expectEnd(end);
  return exemplar;
}
