import type { AnyValue, KeyValue } from '../../otlp/model.js';
import { KeyValueList } from '../../otlp/model.js';
import type { RejectReason } from './reasons.js';

export interface AttributeLimits {
  maxAttributes: number;
  maxAttributeValueBytes: number;
}

/** Largest attribute count / value size seen, so the limit gauges can show how close clients get. */
export interface AttributeObservations {
  maxAttributes: number;
  maxAttributeValueBytes: number;
}

/** Size of an attribute value in bytes; nested values are summed so nesting cannot hide size. */
export function attributeValueBytes(value: AnyValue): number {
  if (value === null) return 0;
  // Buffer.byteLength counts without allocating (TextEncoder.encode was the hottest call in ingest).
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean') return 8;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof KeyValueList) {
    return value.values.reduce((n, kv) => n + Buffer.byteLength(kv.key) + attributeValueBytes(kv.value), 0);
  }
  return value.reduce((n: number, v) => n + attributeValueBytes(v), 0);
}

export function checkAttributeLimits(
  attributes: readonly KeyValue[],
  limits: AttributeLimits,
  observed: AttributeObservations,
): RejectReason | undefined {
  observed.maxAttributes = Math.max(observed.maxAttributes, attributes.length);
  if (attributes.length > limits.maxAttributes) return 'too_many_attributes';
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit, so a value that short can neither
  // exceed the limit nor raise the observed maximum: its exact size is not needed (nor computed;
  // every data point carries its stage attribute).
  const noMatterBelow = Math.min(limits.maxAttributeValueBytes, observed.maxAttributeValueBytes);
  let largest = 0;
  for (const kv of attributes) {
    const value = kv.value;
    if (typeof value === 'string' && value.length * 3 <= noMatterBelow) continue;
    largest = Math.max(largest, attributeValueBytes(value));
  }
  observed.maxAttributeValueBytes = Math.max(observed.maxAttributeValueBytes, largest);
  return largest > limits.maxAttributeValueBytes ? 'attribute_value_too_long' : undefined;
}

/** The string value of an attribute; undefined when absent or not a string. Last one wins, like the SDKs. */
export function stringAttribute(attributes: readonly KeyValue[], key: string): string | undefined {
  let found: string | undefined;
  for (const kv of attributes) {
    if (kv.key === key && typeof kv.value === 'string') found = kv.value;
  }
  return found;
}
