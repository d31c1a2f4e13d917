// Decoders for opentelemetry/proto/common/v1 and resource/v1 messages, shared by the metrics decoder.

import { OtlpDecodeError, rethrowWithin } from '../errors.js';
import { KeyValueList } from '../model.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model.js';
import { NONE, appended } from '../empty-list.js';
import type { ProtobufReader } from './reader.js';
import { sameWords, storeWords, wordHash } from './reader.js';

/** AnyValue arrays/kvlists may nest this deep; beyond it the payload is treated as hostile. */
export const MAX_ANY_VALUE_DEPTH = 32;

/** Bit set of the field numbers (< 32) a message defines, to tell a wrong wire type from an unknown field. */
export function fieldSet(...fieldNumbers: number[]): number {
  let set = 0;
  for (const n of fieldNumbers) set |= 1 << n;
  return set;
}

/**
 * Handles a tag no `case` matched: a known field with an unexpected wire type is malformed; an
 * unknown field is skipped, as protobuf requires for forward compatibility.
 */
export function skipOrReject(
  r: ProtobufReader,
  tag: number,
  end: number,
  known: number,
  message: string,
): void {
  const field = tag >>> 3;
  if (field < 32 && ((known >>> field) & 1) === 1) r.wrongWireType(tag, message);
  r.skipField(tag, end);
}

const KEY_VALUE_FIELDS = fieldSet(1, 2);
const ANY_VALUE_FIELDS = fieldSet(1, 2, 3, 4, 5, 6, 7);
const VALUES_FIELDS = fieldSet(1);
const SCOPE_FIELDS = fieldSet(1, 2, 3, 4);
const RESOURCE_FIELDS = fieldSet(1, 2);

// Attributes repeat: every data point of a watchdog carries the same stage attribute, every resource
// the same service and OS attributes. A small KeyValue whose encoded bytes were seen before decodes to
// that same frozen object: one hash and one compare of 32-bit words (sameWords), instead of two
// strings and an AnyValue. Larger ones (session and install ids are unique anyway) are not hashed at
// all. Hostile input can only evict entries; memory stays bounded.
const SHARED_KEY_VALUE_MAX_BYTES = 48;
const SHARED_KEY_VALUE_MAX_WORDS = SHARED_KEY_VALUE_MAX_BYTES / 4;
const SHARED_KEY_VALUE_SLOTS = 1024;
const sharedKeyValues: Array<KeyValue | undefined> = new Array<KeyValue | undefined>(
  SHARED_KEY_VALUE_SLOTS,
).fill(undefined);
/** Each slot's encoded bytes, as wordAt() reads them. */
const sharedKeyValueWords = new Uint32Array(SHARED_KEY_VALUE_SLOTS * SHARED_KEY_VALUE_MAX_WORDS);
const sharedKeyValueLengths = new Uint8Array(SHARED_KEY_VALUE_SLOTS);

/**
 * Reads one length-delimited KeyValue and adds it to `into` (the repeated field); returns the list
 * to keep (see appended).
 */
export function readKeyValueInto(
  r: ProtobufReader,
  end: number,
  into: KeyValue[],
  segment: string,
): KeyValue[] {
  try {
    const kvEnd = r.readLengthDelimitedEnd(end);
    const start = r.pos;
    const length = kvEnd - start;
    if (length > SHARED_KEY_VALUE_MAX_BYTES) {
      return appended(into, decodeKeyValue(r, kvEnd, 0));
    }
    const slot = wordHash(r, start, kvEnd) & (SHARED_KEY_VALUE_SLOTS - 1);
    const base = slot * SHARED_KEY_VALUE_MAX_WORDS;
    const cached = sharedKeyValues[slot];
    if (
      cached !== undefined &&
      sharedKeyValueLengths[slot] === length &&
      sameWords(r, start, kvEnd, sharedKeyValueWords, base)
    ) {
      r.pos = kvEnd;
      return appended(into, cached);
    }
    const kv = decodeKeyValue(r, kvEnd, 0);
    // Only scalar values are shared: nothing reachable from a shared object can be mutated.
    if (kv.value === null || typeof kv.value !== 'object') {
      sharedKeyValues[slot] = Object.freeze(kv);
      sharedKeyValueLengths[slot] = length;
      storeWords(r, start, kvEnd, sharedKeyValueWords, base);
    }
    return appended(into, kv);
  } catch (error) {
    rethrowWithin(error, segment, into.length);
  }
}

function decodeKeyValue(r: ProtobufReader, end: number, depth: number): KeyValue {
  let key = '';
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        key = r.readString(end);
        break;
      case 18:
        try {
          value = decodeAnyValue(r, r.readLengthDelimitedEnd(end), depth);
        } catch (error) {
          rethrowWithin(error, 'value');
        }
        break;
      default:
        skipOrReject(r, tag, end, KEY_VALUE_FIELDS, 'KeyValue');
    }
  }
  r.expectEnd(end);
  return { key, value };
}

function decodeAnyValue(r: ProtobufReader, end: number, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new OtlpDecodeError(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        value = r.readString(end);
        break;
      case 16:
        value = r.readBool();
        break;
      case 24:
        value = r.readInt64Varint();
        break;
      case 33:
        value = r.readDouble();
        break;
      case 42:
        try {
          value = decodeArrayValue(r, r.readLengthDelimitedEnd(end), depth + 1);
        } catch (error) {
          rethrowWithin(error, 'array_value');
        }
        break;
      case 50:
        try {
          value = new KeyValueList(decodeKeyValueList(r, r.readLengthDelimitedEnd(end), depth + 1));
        } catch (error) {
          rethrowWithin(error, 'kvlist_value');
        }
        break;
      case 58:
        value = r.readBytes(end);
        break;
      default:
        skipOrReject(r, tag, end, ANY_VALUE_FIELDS, 'AnyValue');
    }
  }
  r.expectEnd(end);
  return value;
}

function decodeArrayValue(r: ProtobufReader, end: number, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === 10) {
      try {
        values.push(decodeAnyValue(r, r.readLengthDelimitedEnd(end), depth));
      } catch (error) {
        rethrowWithin(error, 'values', values.length);
      }
    } else {
      skipOrReject(r, tag, end, VALUES_FIELDS, 'ArrayValue');
    }
  }
  r.expectEnd(end);
  return values;
}

function decodeKeyValueList(r: ProtobufReader, end: number, depth: number): KeyValue[] {
  const values: KeyValue[] = [];
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === 10) {
      try {
        values.push(decodeKeyValue(r, r.readLengthDelimitedEnd(end), depth));
      } catch (error) {
        rethrowWithin(error, 'values', values.length);
      }
    } else {
      skipOrReject(r, tag, end, VALUES_FIELDS, 'KeyValueList');
    }
  }
  r.expectEnd(end);
  return values;
}

export function decodeInstrumentationScope(r: ProtobufReader, end: number): InstrumentationScope {
  const scope: InstrumentationScope = { name: '', version: '', attributes: NONE, droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        scope.name = r.readString(end);
        break;
      case 18:
        scope.version = r.readString(end);
        break;
      case 26:
        scope.attributes = readKeyValueInto(r, end, scope.attributes, 'attributes');
        break;
      case 32:
        scope.droppedAttributesCount = r.readVarint32();
        break;
      default:
        skipOrReject(r, tag, end, SCOPE_FIELDS, 'InstrumentationScope');
    }
  }
  r.expectEnd(end);
  return scope;
}

export function decodeResource(r: ProtobufReader, end: number): Resource {
  const resource: Resource = { attributes: NONE, droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        resource.attributes = readKeyValueInto(r, end, resource.attributes, 'attributes');
        break;
      case 16:
        resource.droppedAttributesCount = r.readVarint32();
        break;
      default:
        skipOrReject(r, tag, end, RESOURCE_FIELDS, 'Resource');
    }
  }
  r.expectEnd(end);
  return resource;
}
