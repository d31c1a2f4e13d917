// OTLP/JSON decoders for the common/v1 and resource/v1 messages.

import { OtlpDecodeError, rethrowWithin } from '../errors.js';
import { KeyValueList } from '../model.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model.js';
import {
  asArray,
  asBase64Bytes,
  asBool,
  asDouble,
  asInt64,
  asObject,
  asString,
  asUint32,
  field,
} from './scalars.js';
import type { JsonObject } from './scalars.js';

/** AnyValue arrays/kvlists may nest this deep; beyond it the payload is treated as hostile. */
export const MAX_ANY_VALUE_DEPTH = 32;

export function decodeKeyValues(value: unknown, segment: string): KeyValue[] {
  const items = asArray(value, segment);
  const keyValues: KeyValue[] = new Array<KeyValue>(items.length);
  for (let i = 0; i < items.length; i++) {
    try {
      keyValues[i] = decodeKeyValue(items[i], 0);
    } catch (error) {
      rethrowWithin(error, segment, i);
    }
  }
  return keyValues;
}

function decodeKeyValue(value: unknown, depth: number): KeyValue {
  const object = asObject(value, 'KeyValue');
  const key = asString(field(object, 'key', 'key'), 'key');
  const anyValue = field(object, 'value', 'value');
  if (anyValue === undefined) return { key, value: null };
  try {
    return { key, value: decodeAnyValue(anyValue, depth) };
  } catch (error) {
    rethrowWithin(error, 'value');
  }
}

function decodeAnyValue(value: unknown, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new OtlpDecodeError(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  const object = asObject(value, 'AnyValue');
  let v: unknown;
  if ((v = field(object, 'stringValue', 'string_value')) !== undefined) return asString(v, 'stringValue');
  if ((v = field(object, 'boolValue', 'bool_value')) !== undefined) return asBool(v, 'boolValue');
  if ((v = field(object, 'intValue', 'int_value')) !== undefined) return asInt64(v, 'intValue');
  if ((v = field(object, 'doubleValue', 'double_value')) !== undefined) return asDouble(v, 'doubleValue');
  if ((v = field(object, 'bytesValue', 'bytes_value')) !== undefined) return asBase64Bytes(v, 'bytesValue');
  if ((v = field(object, 'arrayValue', 'array_value')) !== undefined) {
    try {
      const items = asArray(field(asObject(v, 'arrayValue'), 'values', 'values'), 'values');
      const values: AnyValue[] = new Array<AnyValue>(items.length);
      for (let i = 0; i < items.length; i++) {
        try {
          values[i] = items[i] === null ? null : decodeAnyValue(items[i], depth + 1);
        } catch (error) {
          rethrowWithin(error, 'values', i);
        }
      }
      return values;
    } catch (error) {
      rethrowWithin(error, 'arrayValue');
    }
  }
  if ((v = field(object, 'kvlistValue', 'kvlist_value')) !== undefined) {
    try {
      const items = asArray(field(asObject(v, 'kvlistValue'), 'values', 'values'), 'values');
      const values: KeyValue[] = new Array<KeyValue>(items.length);
      for (let i = 0; i < items.length; i++) {
        try {
          values[i] = decodeKeyValue(items[i], depth + 1);
        } catch (error) {
          rethrowWithin(error, 'values', i);
        }
      }
      return new KeyValueList(values);
    } catch (error) {
      rethrowWithin(error, 'kvlistValue');
    }
  }
  return null;
}

export function decodeResource(value: unknown): Resource {
  if (value === undefined) return { attributes: [], droppedAttributesCount: 0 };
  const object = asObject(value, 'resource');
  return {
    attributes: decodeKeyValues(field(object, 'attributes', 'attributes'), 'attributes'),
    droppedAttributesCount: asUint32(
      field(object, 'droppedAttributesCount', 'dropped_attributes_count'),
      'droppedAttributesCount',
    ),
  };
}

export function decodeInstrumentationScope(value: unknown): InstrumentationScope {
  if (value === undefined) return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  const object: JsonObject = asObject(value, 'scope');
  return {
    name: asString(field(object, 'name', 'name'), 'name'),
    version: asString(field(object, 'version', 'version'), 'version'),
    attributes: decodeKeyValues(field(object, 'attributes', 'attributes'), 'attributes'),
    droppedAttributesCount: asUint32(
      field(object, 'droppedAttributesCount', 'dropped_attributes_count'),
      'droppedAttributesCount',
    ),
  };
}

/** Decodes a repeated message field, locating errors at `segment[i]`. */
export function decodeList<T>(value: unknown, segment: string, decodeItem: (item: unknown) => T): T[] {
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

/** Runs `decode`, locating its errors at `segment`. */
export function within<T>(segment: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    rethrowWithin(error, segment);
  }
}
