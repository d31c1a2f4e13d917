// Protobuf encoders for the common/v1 and resource/v1 messages and the scalar field helpers the
// metrics encoders share. Default-valued proto3 fields are omitted, as protobuf encoders do.

import { KeyValueList } from '../model.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model.js';
import { WireType } from './reader.js';
import type { ProtobufWriter } from './writer.js';

export const { Varint, Fixed64, LengthDelimited } = WireType;
/** int_value covers [-2^63, 2^63); integers outside it travel as double_value. */
const INT64_MIN = -(2 ** 63);
const INT64_MAX_EXCLUSIVE = 2 ** 63;

export function writeString(w: ProtobufWriter, field: number, value: string): void {
  if (value === '') return;
  w.tag(field, LengthDelimited);
  w.string(value);
}

export function writeUint32(w: ProtobufWriter, field: number, value: number): void {
  if (value === 0) return;
  w.tag(field, Varint);
  w.uint32(value);
}

export function writeTimestamp(w: ProtobufWriter, field: number, value: bigint): void {
  if (value === 0n) return;
  w.tag(field, Fixed64);
  w.fixed64BigInt(value);
}

export function writeOptionalDouble(w: ProtobufWriter, field: number, value: number | undefined): void {
  if (value === undefined) return;
  w.tag(field, Fixed64);
  w.double(value);
}

export function writeResource(w: ProtobufWriter, resource: Resource): void {
  const start = w.beginLengthDelimited();
  writeAttributes(w, 1, resource.attributes);
  writeUint32(w, 2, resource.droppedAttributesCount);
  w.endLengthDelimited(start);
}

export function writeScope(w: ProtobufWriter, scope: InstrumentationScope): void {
  const start = w.beginLengthDelimited();
  writeString(w, 1, scope.name);
  writeString(w, 2, scope.version);
  writeAttributes(w, 3, scope.attributes);
  writeUint32(w, 4, scope.droppedAttributesCount);
  w.endLengthDelimited(start);
}

export function writeAttributes(w: ProtobufWriter, field: number, attributes: KeyValue[]): void {
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

export function writeAnyValue(w: ProtobufWriter, value: AnyValue): void {
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
