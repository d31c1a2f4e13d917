import type { KeyValue } from '../../otlp/model.js';

/**
 * The value of integer attribute `key` when it is a non-negative integer; anything else (absent, a
 * string, a fraction, negative) is no value. Last one wins, like the SDKs.
 */
export function countAttribute(attributes: readonly KeyValue[], key: string): number | undefined {
  let found: number | undefined;
  for (const kv of attributes) {
    if (kv.key !== key) continue;
    const value = kv.value;
    found = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  return found;
}

/** Separates a stream's stage from its detail values; detail values are digits or empty, never this. */
const STREAM_SEPARATOR = '\u0000';

/**
 * The raw identity of a point within its session: its raw stage attribute and its raw values of the
 * configured details. Unambiguous: the detail fields are digits (or empty) and their number is fixed
 * by the config, so the stage is everything before the last `details.length` separators.
 */
export function streamKey(stage: string | undefined, details: readonly (number | undefined)[]): string {
  if (details.length === 0) return stage ?? '';
  let key = stage ?? '';
  for (const value of details) key += STREAM_SEPARATOR + (value === undefined ? '' : String(value));
  return key;
}
