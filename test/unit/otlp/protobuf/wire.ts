// Hand-assembles protobuf wire bytes for tests, independently of the encoder under test (bigint
// arithmetic, no shared code), so decoder tests do not just check the encoder against itself.

export type Bytes = number[];

export function varint(value: bigint | number): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function tag(field: number, wireType: number): Bytes {
  return varint((field << 3) | wireType);
}

/** A length-delimited field: tag, length, payload. */
export function ld(field: number, ...payload: Bytes[]): Bytes {
  const body = payload.flat();
  return [...tag(field, 2), ...varint(body.length), ...body];
}

export function str(field: number, text: string): Bytes {
  return ld(field, [...new TextEncoder().encode(text)]);
}

export function vint(field: number, value: bigint | number): Bytes {
  return [...tag(field, 0), ...varint(value)];
}

export function le64(value: bigint): Bytes {
  const v = BigInt.asUintN(64, value);
  return Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

export function f64(field: number, value: bigint): Bytes {
  return [...tag(field, 1), ...le64(value)];
}

export function doubleBytes(value: number): Bytes {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

export function dbl(field: number, value: number): Bytes {
  return [...tag(field, 1), ...doubleBytes(value)];
}

export function f32(field: number, value: number): Bytes {
  return [...tag(field, 5), value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

export function u8(...parts: Bytes[]): Uint8Array {
  return new Uint8Array(parts.flat());
}

/** A request with one resource, one scope and the given Metric message bodies. */
export function requestWithMetrics(...metrics: Bytes[]): Uint8Array {
  return u8(ld(1, ld(2, ...metrics.map((m) => ld(2, m)))));
}
