// A minimal protobuf wire-format writer into one growable buffer. Length-delimited fields reserve
// one byte for their length and shift the payload only when it turns out to be >= 128 bytes, so no
// size pre-pass over the model is needed.

const TWO_POW_32 = 4294967296;
const INITIAL_CAPACITY = 4096;

const utf8Encoder = new TextEncoder();

export class ProtobufWriter {
  private buffer: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.pos));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** The encoded bytes (a copy sized to fit, so the writer's spare capacity is not retained). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.pos);
  }

  tag(fieldNumber: number, wireType: number): void {
    this.uint32((fieldNumber << 3) | wireType);
  }

  uint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buffer[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[this.pos++] = v;
  }

  /** int64/uint64 varint from a number (two's complement for negatives, ten bytes). */
  int64(value: number): void {
    if (value >= 0 && value < TWO_POW_32) {
      this.uint32(value);
      return;
    }
    const high = Math.floor(value / TWO_POW_32);
    this.varint64(value - high * TWO_POW_32, high >>> 0);
  }

  private varint64(lowBits: number, highBits: number): void {
    this.ensure(10);
    let low = lowBits >>> 0;
    let high = highBits >>> 0;
    while (high > 0 || low >= 0x80) {
      this.buffer[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buffer[this.pos++] = low;
  }

  sint32(value: number): void {
    this.uint32((value << 1) ^ (value >> 31));
  }

  bool(value: boolean): void {
    this.uint32(value ? 1 : 0);
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** fixed64 from a non-negative integer number (counts). */
  fixed64(value: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.view.setUint32(this.pos + 4, Math.floor(value / TWO_POW_32) >>> 0, true);
    this.pos += 8;
  }

  fixed64BigInt(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
  }

  sfixed64(value: number): void {
    const high = Math.floor(value / TWO_POW_32);
    this.ensure(8);
    this.view.setUint32(this.pos, (value - high * TWO_POW_32) >>> 0, true);
    this.view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  string(value: string): void {
    // UTF-8 is at most 3 bytes per UTF-16 code unit.
    const start = this.beginLengthDelimited();
    this.ensure(value.length * 3);
    const { written } = utf8Encoder.encodeInto(value, this.buffer.subarray(this.pos));
    this.pos += written;
    this.endLengthDelimited(start);
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }

  /** Reserves the length byte of a length-delimited field; returns the token for endLengthDelimited. */
  beginLengthDelimited(): number {
    this.ensure(1);
    return this.pos++;
  }

  endLengthDelimited(lengthPos: number): void {
    const payloadStart = lengthPos + 1;
    const length = this.pos - payloadStart;
    if (length < 0x80) {
      this.buffer[lengthPos] = length;
      return;
    }
    let lengthBytes = 1;
    for (let v = length; v >= 0x80; v >>>= 7) lengthBytes++;
    const shift = lengthBytes - 1;
    this.ensure(shift);
    this.buffer.copyWithin(payloadStart + shift, payloadStart, this.pos);
    this.pos += shift;
    let v = length;
    let at = lengthPos;
    while (v >= 0x80) {
      this.buffer[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[at] = v;
  }
}
