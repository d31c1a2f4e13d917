import { describe, expect, it } from 'vitest';
import { ProtobufReader } from '../../../../src/otlp/protobuf/reader.js';
import { ProtobufWriter } from '../../../../src/otlp/protobuf/writer.js';
import { le64, varint } from './wire.js';

describe('ProtobufWriter', () => {
  it('writes canonical varints, identical to an independent bigint encoder', () => {
    for (const value of [
      0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -300,
      -(2 ** 53) + 1,
    ]) {
      const w = new ProtobufWriter(1);
      w.int64(value);
      expect([...w.finish()]).toEqual(varint(BigInt(value)));
    }
  });

  it('writes fixed64/sfixed64 little-endian, identical to an independent encoder', () => {
    const w = new ProtobufWriter(1);
    w.fixed64(2 ** 40 + 3);
    w.sfixed64(-5);
    w.fixed64BigInt(2n ** 64n - 2n);
    expect([...w.finish()]).toEqual([...le64(2n ** 40n + 3n), ...le64(-5n), ...le64(2n ** 64n - 2n)]);
  });

  it('backfills multi-byte lengths for nested payloads of every size, growing the buffer', () => {
    for (const size of [0, 1, 127, 128, 300, 16383, 16384, 70000]) {
      const w = new ProtobufWriter(8);
      w.tag(1, 2);
      const outer = w.beginLengthDelimited();
      w.tag(2, 2);
      w.string('é'.repeat(size));
      w.endLengthDelimited(outer);
      const r = new ProtobufReader(w.finish());
      expect(r.readTag()).toBe(10);
      const end = r.readLengthDelimitedEnd(r.end);
      expect(end).toBe(r.end);
      expect(r.readTag()).toBe(18);
      expect(r.readString(end)).toBe('é'.repeat(size));
    }
  });
});
