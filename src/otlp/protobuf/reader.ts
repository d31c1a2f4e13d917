// A minimal protobuf wire-format reader over a Uint8Array. Hand-rolled because the OTel JS packages
// only encode, and because the gateway decodes every request: no closures, no per-field objects,
// every read bounds-checked so hostile input ends in an OtlpDecodeError and nothing else.

import { OtlpDecodeError } from '../errors.js';

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const TWO_POW_32 = 4294967296;
/** Longest legal varint (a 64-bit value in 7-bit groups). */
const MAX_VARINT_BYTES = 10;

// fatal: invalid UTF-8 in a string field is malformed input, not something to paper over with U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class ProtobufReader {
  readonly bytes: Uint8Array;
  /** End of the buffer; nested messages carry their own end, checked by the message decoders. */
  readonly end: number;
  pos = 0;
  /** The bytes as a DataView, for reading fixed-width values (and words: see wordAt). */
  readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.end = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads a field tag: `fieldNumber << 3 | wireType`. Field number 0 is malformed. */
  readTag(): number {
    const tag = this.readUint32Strict('tag');
    if (tag >>> 3 === 0) throw new OtlpDecodeError(`invalid field number 0 at byte ${this.pos}`);
    return tag;
  }

  /** A varint that must fit in 32 bits (tags, lengths): larger values are malformed, not truncated. */
  private readUint32Strict(what: string): number {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos < this.end) {
      const first = bytes[pos]!;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    const low = this.readVarintSlow() >>> 0;
    if (this.lastVarintHigh !== 0) throw new OtlpDecodeError(`${what} does not fit in 32 bits`);
    return low;
  }

  /** A varint truncated to its low 32 bits, unsigned (uint32, enum, bool, tag, length). */
  readVarint32(): number {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos < this.end) {
      const first = bytes[pos]!;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    return this.readVarintSlow() >>> 0;
  }

  /** An int64 varint (two's complement) as a number; exact up to 2^53. */
  readInt64Varint(): number {
    const low = this.readVarintSlow() >>> 0;
    const high = this.lastVarintHigh;
    return (high | 0) * TWO_POW_32 + low;
  }

  /** A uint64 varint as a number; exact up to 2^53. */
  readUint64Varint(): number {
    const low = this.readVarintSlow() >>> 0;
    return this.lastVarintHigh * TWO_POW_32 + low;
  }

  /** sint32 (zigzag). */
  readSint32(): number {
    const n = this.readVarint32();
    return (n >>> 1) ^ -(n & 1);
  }

  readBool(): boolean {
    return this.readVarint32() !== 0;
  }

  // High 32 bits of the last varint decoded by readVarintSlow; a field instead of a returned pair
  // so that 64-bit varints allocate nothing.
  private lastVarintHigh = 0;

  /** Decodes any varint up to 10 bytes; returns the low 32 bits, leaves the high in lastVarintHigh. */
  private readVarintSlow(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (pos >= this.end) throw new OtlpDecodeError('truncated varint');
      const byte = bytes[pos++]!;
      if (i < 4) {
        low |= (byte & 0x7f) << (i * 7);
      } else if (i === 4) {
        low |= (byte & 0x0f) << 28;
        high = (byte & 0x7f) >>> 4;
      } else {
        high |= (byte & 0x7f) << ((i - 5) * 7 + 3);
      }
      if (byte < 0x80) {
        this.pos = pos;
        this.lastVarintHigh = high >>> 0;
        return low;
      }
    }
    throw new OtlpDecodeError('varint longer than 10 bytes');
  }

  private need(bytes: number, what: string): number {
    const pos = this.pos;
    if (pos + bytes > this.end) throw new OtlpDecodeError(`truncated ${what}`);
    this.pos = pos + bytes;
    return pos;
  }

  readFixed32(): number {
    return this.view.getUint32(this.need(4, 'fixed32'), true);
  }

  readFloat(): number {
    return this.view.getFloat32(this.need(4, 'float'), true);
  }

  readDouble(): number {
    return this.view.getFloat64(this.need(8, 'double'), true);
  }

  /** fixed64 as a number (counts); exact up to 2^53. */
  readFixed64(): number {
    const pos = this.need(8, 'fixed64');
    return this.view.getUint32(pos + 4, true) * TWO_POW_32 + this.view.getUint32(pos, true);
  }

  /** fixed64 as an exact bigint (timestamps). */
  readFixed64BigInt(): bigint {
    return this.view.getBigUint64(this.need(8, 'fixed64'), true);
  }

  /** sfixed64 as a number; exact up to 2^53. */
  readSfixed64(): number {
    const pos = this.need(8, 'sfixed64');
    return this.view.getInt32(pos + 4, true) * TWO_POW_32 + this.view.getUint32(pos, true);
  }

  /**
   * Reads a length prefix and returns where the length-delimited payload ends, checked against
   * `limit`, the end of the enclosing message.
   */
  readLengthDelimitedEnd(limit: number): number {
    const length = this.readUint32Strict('length');
    const end = this.pos + length;
    if (end > limit) {
      throw new OtlpDecodeError(
        end > this.end ? 'truncated length-delimited field' : 'length-delimited field overruns its message',
      );
    }
    return end;
  }

  /** Reads a length-prefixed UTF-8 string. */
  readString(limit: number): string {
    const end = this.readLengthDelimitedEnd(limit);
    const start = this.pos;
    this.pos = end;
    return end - start <= INTERNED_STRING_MAX_BYTES
      ? readShortString(this, start, end)
      : decodeUtf8(this.bytes, start, end);
  }

  /** Reads a packed repeated fixed64 (payload already delimited by `end`) into `into`. */
  readPackedFixed64(end: number, into: number[]): void {
    const pos = this.pos;
    if ((end - pos) % 8 !== 0) throw new OtlpDecodeError('packed fixed64 length is not a multiple of 8');
    const view = this.view;
    for (let at = pos; at < end; at += 8) {
      into.push(view.getUint32(at + 4, true) * TWO_POW_32 + view.getUint32(at, true));
    }
    this.pos = end;
  }

  /**
   * readPackedFixed64 into a new array of exactly the packed count (pushing into an empty array
   * reserves room for ~17 elements, and there is one such array per histogram point).
   */
  readPackedFixed64Array(end: number): number[] {
    const pos = this.pos;
    if ((end - pos) % 8 !== 0) throw new OtlpDecodeError('packed fixed64 length is not a multiple of 8');
    const values = new Array<number>((end - pos) / 8);
    const view = this.view;
    for (let at = pos, i = 0; at < end; at += 8, i++) {
      values[i] = view.getUint32(at + 4, true) * TWO_POW_32 + view.getUint32(at, true);
    }
    this.pos = end;
    return values;
  }

  /** Reads a packed repeated double (payload already delimited by `end`) into `into`. */
  readPackedDouble(end: number, into: number[]): void {
    const pos = this.pos;
    if ((end - pos) % 8 !== 0) throw new OtlpDecodeError('packed double length is not a multiple of 8');
    const view = this.view;
    for (let at = pos; at < end; at += 8) into.push(view.getFloat64(at, true));
    this.pos = end;
  }

  /**
   * readPackedDouble for values that repeat across messages (histogram bounds: every watchdog sends
   * the same ones). Returns a frozen array; when the values equal the previous call's, it is that
   * same array, so nothing is allocated and consumers can recognise bounds they have seen by identity.
   */
  readPackedDoubleShared(end: number): readonly number[] {
    const pos = this.pos;
    if ((end - pos) % 8 !== 0) throw new OtlpDecodeError('packed double length is not a multiple of 8');
    const count = (end - pos) / 8;
    const view = this.view;
    this.pos = end;
    const previous = lastSharedDoubles;
    // Compared bit for bit, as 32-bit words of the wire bytes: reading doubles back out of the
    // frozen array (and Object.is on them) was most of the cost of decoding a histogram point.
    if (previous.length === count) {
      const words = 2 * count;
      let i = 0;
      while (i < words && view.getUint32(pos + 4 * i, true) === lastSharedWords[i]) i++;
      if (i === words) return previous;
    }
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat64(pos + 8 * i, true);
    const frozen = Object.freeze(values);
    if (count <= SHARED_DOUBLES_MAX) {
      lastSharedDoubles = frozen;
      for (let i = 0; i < 2 * count; i++) lastSharedWords[i] = view.getUint32(pos + 4 * i, true);
    }
    return frozen;
  }

  /** Reads length-prefixed bytes as a copy, so the result does not pin the request buffer. */
  readBytes(limit: number): Uint8Array {
    const end = this.readLengthDelimitedEnd(limit);
    const copy = this.bytes.slice(this.pos, end);
    this.pos = end;
    return copy;
  }

  /** Skips the value of a field this decoder does not know (forward compatibility). */
  skipField(tag: number, limit: number): void {
    switch (tag & 7) {
      case WireType.Varint:
        this.readVarintSlow();
        return;
      case WireType.Fixed64:
        this.need(8, 'fixed64');
        return;
      case WireType.LengthDelimited:
        this.pos = this.readLengthDelimitedEnd(limit);
        return;
      case WireType.Fixed32:
        this.need(4, 'fixed32');
        return;
      case WireType.StartGroup:
      case WireType.EndGroup:
        throw new OtlpDecodeError(`field ${tag >>> 3}: groups (wire type ${tag & 7}) are not supported`);
      default:
        throw new OtlpDecodeError(`field ${tag >>> 3}: invalid wire type ${tag & 7}`);
    }
  }

  /** Throws for a known field carrying the wrong wire type. */
  wrongWireType(tag: number, field: string): never {
    throw new OtlpDecodeError(`${field}: unexpected wire type ${tag & 7} for field ${tag >>> 3}`);
  }

  /** Checks that a message's fields ended exactly at its declared end. */
  expectEnd(end: number): void {
    if (this.pos !== end) throw new OtlpDecodeError('field overruns its message');
  }
}

// The last array readPackedDoubleShared returned; kept only while small (bounds, not bulk data).
const SHARED_DOUBLES_MAX = 64;
let lastSharedDoubles: readonly number[] = Object.freeze([]);
/** The wire bytes of lastSharedDoubles, as little-endian 32-bit words. */
const lastSharedWords = new Uint32Array(2 * SHARED_DOUBLES_MAX);

function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  try {
    return utf8Decoder.decode(bytes.subarray(start, end));
  } catch {
    throw new OtlpDecodeError('invalid UTF-8 in string field');
  }
}

// Attribute keys and values, metric names and units repeat in nearly every request, so short ASCII
// strings are interned in a small direct-mapped cache: a hit costs one hash and one compare and
// allocates nothing. Hostile input can only evict entries; memory stays bounded. Each slot keeps the
// string's bytes too, so a hit is confirmed by comparing bytes with bytes, four at a time (charCodeAt
// on the cached string, then a byte at a time, were most of the cost of a hit).
const INTERNED_STRING_MAX_BYTES = 64;
const INTERNED_STRING_MAX_WORDS = INTERNED_STRING_MAX_BYTES / 4;
const INTERN_SLOTS = 4096;
const internCache: Array<string | undefined> = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
/** Each slot's string bytes, as wordAt() reads them. */
const internWords = new Uint32Array(INTERN_SLOTS * INTERNED_STRING_MAX_WORDS);
const internLengths = new Uint8Array(INTERN_SLOTS);
const NON_ASCII_BITS = 0x80808080;

/**
 * The 32-bit little-endian word of the bytes at `at`, zero-padded past `end`. Byte-keyed caches hash
 * and compare a short field four bytes at a time (a byte at a time was most of the cost of a hit).
 */
export function wordAt(r: ProtobufReader, at: number, end: number): number {
  if (at + 4 <= end) return r.view.getUint32(at, true);
  let word = 0;
  for (let i = end - 1; i >= at; i--) word = (word << 8) | r.bytes[i]!;
  return word >>> 0;
}

/** FNV-1a over words, folded; `length` is part of the hash (zero padding cannot collide). */
export function wordHash(r: ProtobufReader, start: number, end: number): number {
  let hash = 0x811c9dc5 ^ (end - start);
  for (let at = start; at < end; at += 4) hash = Math.imul(hash ^ wordAt(r, at, end), 0x01000193);
  return hash ^ (hash >>> 15);
}

/** Whether the bytes start..end equal the words stored at `words[base…]` (as storeWords wrote them). */
export function sameWords(
  r: ProtobufReader,
  start: number,
  end: number,
  words: Uint32Array,
  base: number,
): boolean {
  let at = start;
  let w = base;
  while (at < end && wordAt(r, at, end) === words[w]) {
    at += 4;
    w++;
  }
  return at >= end;
}

/** Stores the bytes start..end as words at `words[base…]`, for sameWords. */
export function storeWords(
  r: ProtobufReader,
  start: number,
  end: number,
  words: Uint32Array,
  base: number,
): void {
  for (let at = start, w = base; at < end; at += 4, w++) words[w] = wordAt(r, at, end);
}

function readShortString(r: ProtobufReader, start: number, end: number): string {
  const length = end - start;
  let hash = 0x811c9dc5 ^ length;
  for (let at = start; at < end; at += 4) {
    const word = wordAt(r, at, end);
    if ((word & NON_ASCII_BITS) !== 0) return decodeUtf8(r.bytes, start, end);
    hash = Math.imul(hash ^ word, 0x01000193);
  }
  const slot = (hash ^ (hash >>> 15)) & (INTERN_SLOTS - 1);
  const cached = internCache[slot];
  const base = slot * INTERNED_STRING_MAX_WORDS;
  if (cached !== undefined && internLengths[slot] === length && sameWords(r, start, end, internWords, base)) {
    return cached;
  }
  const text = latin1(r.bytes, start, end);
  internCache[slot] = text;
  internLengths[slot] = length;
  storeWords(r, start, end, internWords, base);
  return text;
}

/** ASCII bytes (checked by the caller) as a string, without a subarray or an apply per character. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.latin1Slice.call(bytes, start, end) as string;
}
