import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../src/otlp/errors.js';
import { ProtobufReader } from '../../../../src/otlp/protobuf/reader.js';
import { doubleBytes, f32, ld, le64, tag, u8, varint } from './wire.js';

function reader(...parts: number[][]): ProtobufReader {
  return new ProtobufReader(u8(...parts));
}

describe('ProtobufReader', () => {
  it('reads varints of every length as uint32, int64 and uint64', () => {
    for (const value of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1]) {
      expect(reader(varint(value)).readVarint32()).toBe(value);
    }
    for (const value of [0, 1, 2 ** 32, 2 ** 35 + 3, 2 ** 53 - 1]) {
      expect(reader(varint(value)).readUint64Varint()).toBe(value);
      expect(reader(varint(value)).readInt64Varint()).toBe(value);
    }
    for (const value of [-1, -2, -(2 ** 31), -(2 ** 32) - 5, -(2 ** 53) + 1]) {
      const bytes = varint(BigInt(value));
      expect(bytes).toHaveLength(10);
      expect(reader(bytes).readInt64Varint()).toBe(value);
    }
    // uint32 fields keep the low 32 bits of a longer (e.g. sign-extended) varint.
    expect(reader(varint(-1n)).readVarint32()).toBe(2 ** 32 - 1);
  });

  it('reads zigzag sint32', () => {
    const zigzag = (n: number) => ((n << 1) ^ (n >> 31)) >>> 0;
    for (const value of [0, -1, 1, -2, 2147483647, -2147483648]) {
      expect(reader(varint(zigzag(value))).readSint32()).toBe(value);
    }
  });

  it('reads fixed-width values', () => {
    expect(reader(le64(2n ** 64n - 1n)).readFixed64BigInt()).toBe(2n ** 64n - 1n);
    expect(reader(le64(2n ** 40n + 9n)).readFixed64()).toBe(2 ** 40 + 9);
    expect(reader(le64(-7n)).readSfixed64()).toBe(-7);
    expect(reader(le64(-(2n ** 53n) + 1n)).readSfixed64()).toBe(-(2 ** 53) + 1);
    expect(reader(doubleBytes(-0.1)).readDouble()).toBe(-0.1);
    expect(reader([0x78, 0x56, 0x34, 0x12]).readFixed32()).toBe(0x12345678);
  });

  it('reads strings on both the ASCII fast path and the TextDecoder path', () => {
    const ascii = 'filesfu.app.stage';
    const long = 'x'.repeat(100);
    const unicode = 'ü';
    const r = reader(
      ld(1, [...new TextEncoder().encode(ascii)]).slice(1),
      [long.length],
      [...Buffer.from(long)],
    );
    expect(r.readString(r.end)).toBe(ascii);
    expect(r.readString(r.end)).toBe(long);
    const u = reader([2, ...new TextEncoder().encode(unicode)]);
    expect(u.readString(u.end)).toBe(unicode);
  });

  it('interns short ASCII strings without ever returning a colliding entry', () => {
    // Far more distinct strings than cache slots, each read twice: every read must be exact.
    const texts = Array.from({ length: 20000 }, (_, i) => `v${i.toString(36)}.${'x'.repeat(i % 60)}`);
    const encoded = texts.flatMap((t) => [t.length, ...Buffer.from(t)]);
    for (let pass = 0; pass < 2; pass++) {
      const r = reader(encoded);
      for (const text of texts) expect(r.readString(r.end)).toBe(text);
    }
  });

  it('compares interned strings to the last byte, at every length and alignment', () => {
    // Strings differing only in the bytes of their last, partial word, and a non-ASCII last byte.
    for (let length = 1; length <= 13; length++) {
      const base = 'abcdefghijklm'.slice(0, length - 1);
      const texts = [`${base}x`, `${base}y`, `${base}é`, `${base}x`];
      for (let offset = 0; offset < 4; offset++) {
        const padding = Array.from({ length: offset }, () => 0);
        const encoded = texts.flatMap((t) => [Buffer.byteLength(t), ...Buffer.from(t)]);
        const r = new ProtobufReader(u8([...padding, ...encoded]).subarray(offset));
        for (const text of texts) expect(r.readString(r.end)).toBe(text);
      }
    }
  });

  it('rejects packed fixed64/double payloads that are not a multiple of 8 bytes', () => {
    const r = reader([1, 2, 3, 4, 5, 6, 7]);
    expect(() => r.readPackedFixed64(7, [])).toThrow('not a multiple of 8');
    expect(() => r.readPackedDouble(7, [])).toThrow('not a multiple of 8');
  });

  it('copies bytes so results do not alias the input buffer', () => {
    const input = u8([3, 1, 2, 3]);
    const bytes = new ProtobufReader(input).readBytes(input.length);
    input[1] = 99;
    expect(bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('skips every scalar wire type and rejects groups and invalid types', () => {
    const r = reader(tag(1, 0), varint(2n ** 63n), tag(2, 1), le64(1n), ld(3, [1, 2]), f32(4, 5), [0x7f]);
    for (let i = 0; i < 4; i++) r.skipField(r.readTag(), r.end);
    expect(r.readVarint32()).toBe(0x7f);
    for (const wireType of [3, 4, 6, 7]) {
      const bad = reader(tag(1, wireType));
      expect(() => bad.skipField(bad.readTag(), bad.end)).toThrow(OtlpDecodeError);
    }
  });

  it('throws OtlpDecodeError on truncation of every kind', () => {
    expect(() => reader([0x80]).readVarint32()).toThrow('truncated varint');
    expect(() => reader([1, 2, 3]).readFixed64()).toThrow('truncated fixed64');
    expect(() => reader([1, 2, 3]).readDouble()).toThrow('truncated double');
    expect(() => reader([1]).readFixed32()).toThrow('truncated fixed32');
    const r = reader([5, 1]);
    expect(() => r.readString(r.end)).toThrow('truncated length-delimited field');
    const s = reader(tag(1, 1), [1]);
    expect(() => s.skipField(s.readTag(), s.end)).toThrow('truncated fixed64');
  });

  it('rejects tags and lengths that do not fit in 32 bits instead of truncating them', () => {
    expect(() => reader(varint(2n ** 32n + 10n)).readTag()).toThrow('tag does not fit in 32 bits');
    const r = reader(varint(2n ** 32n + 1n), [0x61]);
    expect(() => r.readString(r.end)).toThrow('length does not fit in 32 bits');
  });

  it('checks lengths against the enclosing message, not just the buffer', () => {
    const r = reader([3, 0x61, 0x62, 0x63, 0, 0]);
    expect(() => r.readString(2)).toThrow('overruns its message');
  });

  it('works on a view into a larger buffer (byteOffset)', () => {
    const backing = new Uint8Array([0xff, 0xff, ...le64(42n), 0xff]);
    expect(new ProtobufReader(backing.subarray(2, 10)).readFixed64()).toBe(42);
  });
});
