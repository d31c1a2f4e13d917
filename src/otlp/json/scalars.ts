// Conversions of OTLP/JSON scalar values to the model, following the proto3 JSON mapping as the OTLP
// spec pins it down: 64-bit integers as decimal strings or numbers, doubles as numbers or the
// strings "NaN"/"Infinity"/"-Infinity", enums as integers (names accepted), trace/span ids as hex,
// bytes as base64. Every mismatch is an OtlpDecodeError naming the field.

import { OtlpDecodeError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

const UNSIGNED_DECIMAL = /^\d+$/;
const SIGNED_DECIMAL = /^-?\d+$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
const UINT64_MAX = 2n ** 64n - 1n;
const TWO_POW_64 = 2 ** 64;
const TWO_POW_63 = 2 ** 63;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;
const EMPTY_BYTES = new Uint8Array(0);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  // Bounded: the value is attacker-controlled and ends up in a 400 response.
  const shown = typeof value === 'string' && value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `${typeof value} ${JSON.stringify(shown)}`;
}

function mismatch(field: string, expected: string, value: unknown): OtlpDecodeError {
  return new OtlpDecodeError(`${field}: expected ${expected}, got ${describe(value)}`);
}

/**
 * Reads a field by its lowerCamelCase name, falling back to the original proto (snake_case) name,
 * which receivers must also accept. `null` means "default", as in proto3 JSON.
 */
export function field(object: JsonObject, camel: string, snake: string): unknown {
  const value = object[camel];
  if (value !== undefined && value !== null) return value;
  if (camel === snake) return undefined;
  const fallback = object[snake];
  return fallback === null ? undefined : fallback;
}

export function asObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw mismatch(what, 'an object', value);
  return value as JsonObject;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw mismatch(what, 'an array', value);
  return value;
}

export function asString(value: unknown, what: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw mismatch(what, 'a string', value);
  return value;
}

export function asBool(value: unknown, what: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw mismatch(what, 'a boolean', value);
  return value;
}

/** fixed64 nanoseconds, exact. */
export function asTimestamp(value: unknown, what: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'string' && UNSIGNED_DECIMAL.test(value)) {
    const nanos = BigInt(value);
    if (nanos <= UINT64_MAX) return nanos;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_POW_64) {
    return BigInt(value);
  }
  throw mismatch(what, 'an unsigned 64-bit integer (decimal string or number)', value);
}

/** uint64 as a number (exact up to 2^53). */
export function asUint64(value: unknown, what: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && UNSIGNED_DECIMAL.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < TWO_POW_64) return n;
  throw mismatch(what, 'an unsigned 64-bit integer (decimal string or number)', value);
}

/** int64 as a number (exact up to 2^53). */
export function asInt64(value: unknown, what: string): number {
  const n = typeof value === 'string' && SIGNED_DECIMAL.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= -TWO_POW_63 && n < TWO_POW_63) return n;
  throw mismatch(what, 'a 64-bit integer (decimal string or number)', value);
}

export function asUint32(value: unknown, what: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && UNSIGNED_DECIMAL.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= UINT32_MAX) return n;
  throw mismatch(what, 'an unsigned 32-bit integer', value);
}

export function asInt32(value: unknown, what: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && SIGNED_DECIMAL.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) return n;
  throw mismatch(what, 'a 32-bit integer', value);
}

export function asDouble(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    // proto3 JSON also allows a number written as a string.
    if (value.trim() !== '') {
      const n = Number(value);
      if (!Number.isNaN(n)) return n;
    }
  }
  throw mismatch(what, 'a double (number, "NaN", "Infinity" or "-Infinity")', value);
}

export function asOptionalDouble(value: unknown, what: string): number | undefined {
  return value === undefined ? undefined : asDouble(value, what);
}

/** An enum given as its number or its name. */
export function asEnum(value: unknown, names: readonly string[], what: string): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
    return value;
  }
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw mismatch(what, `an enum number or one of ${names.join(', ')}`, value);
}

/** Trace and span ids: OTLP/JSON sends them hex-encoded, not base64. */
export function asHexBytes(value: unknown, what: string): Uint8Array {
  if (value === undefined || value === '') return EMPTY_BYTES;
  if (typeof value !== 'string' || !HEX.test(value)) throw mismatch(what, 'a hex string', value);
  return Uint8Array.from(Buffer.from(value, 'hex'));
}

/** bytes fields other than ids: base64 (standard or URL-safe alphabet). */
export function asBase64Bytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw mismatch(what, 'a base64 string', value);
  return Uint8Array.from(Buffer.from(value, 'base64'));
}
