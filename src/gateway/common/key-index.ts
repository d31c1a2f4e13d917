import { randomBytes } from 'node:crypto';
import { grownColumn } from './grown-column.js';
import { halfSipHash } from './half-siphash.js';

/** `lengths[row]` of a row whose key is kept in the heap Map (too long for a slot, or not Latin-1). */
const IN_MAP = 0xffff;
/**
 * Widest slot, in bytes (characters). Slots are allocated for every row, so allowing very long
 * keys would otherwise multiply memory by the row count; keys longer than this live in the heap Map.
 */
export const MAX_SLOT_LENGTH = 384;

/**
 * String keys → row numbers, with the keys kept outside the V8 heap: each row's key is copied into
 * a fixed-width byte slot of one Uint8Array, and an open-addressing table of row numbers (linear
 * probing, at most half full) finds it by a keyed hash. A table of 200k keys is then a few typed
 * arrays, not 200k strings plus a Map's entries that every major GC marks and compacts; with the
 * benchmark's churn (each new session promotes a key and evicts one), those strings were most of
 * what the old generation gained between full GCs.
 *
 * Keys longer than `maxInlineLength` code units, or with a code unit above 0xFF, go to a Map on the
 * heap instead, so every string key works; the byte slots serve the common case of ASCII ids.
 *
 * The hash is HalfSipHash-1-3 with a random key per table: clients choose session ids, and with a
 * plain or merely seeded hash they could choose ids that all probe the same run of slots. Deleting
 * shifts the rest of the run back (no tombstones), so the slot table never needs a rebuild, whatever
 * the churn (the heap Map for unusual keys is an ordinary Map).
 *
 * Rows are the caller's (KeyedRows): `grow` makes room for more, `set` stores a key at a row the
 * caller chose, and `delete` frees a row's key.
 */
export class KeyIndex {
  private readonly k0: number;
  private readonly k1: number;
  /** Row + 1 per slot, 0 = empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private bytes = new Uint8Array(0);
  private lengths = new Uint16Array(0);
  private hashes = new Int32Array(0);
  private readonly heapRows = new Map<string, number>();
  private readonly heapKeys = new Map<number, string>();
  private count = 0;

  /** Characters per slot: the `maxInlineLength` asked for, at most MAX_SLOT_LENGTH. */
  private readonly maxInlineLength: number;

  /** `hashKey`: 8 bytes, random unless a test needs reproducible probe runs. */
  constructor(maxRows: number, maxInlineLength: number, hashKey: Uint8Array = randomBytes(8)) {
    if (!Number.isInteger(maxInlineLength) || maxInlineLength < 1) {
      throw new RangeError(`maxInlineLength must be a positive integer, got ${maxInlineLength}`);
    }
    this.maxInlineLength = Math.min(maxInlineLength, MAX_SLOT_LENGTH);
    const key = Buffer.from(hashKey.buffer, hashKey.byteOffset, 8);
    this.k0 = key.readInt32LE(0);
    this.k1 = key.readInt32LE(4);
    let slots = 16;
    while (slots < maxRows * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Makes room for rows [0, rows). */
  grow(rows: number): void {
    this.bytes = grownColumn(this.bytes, rows * this.maxInlineLength);
    this.lengths = grownColumn(this.lengths, rows);
    this.hashes = grownColumn(this.hashes, rows);
  }

  /** The key's hash, for `get` and `set`: a key looked up and then added is hashed once. */
  hashOf(key: string): number {
    return halfSipHash(key, this.k0, this.k1);
  }

  get(key: string, hash = this.hashOf(key)): number | undefined {
    hash |= 0; // as stored
    if (key.length <= this.maxInlineLength) {
      for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
        const entry = this.slots[slot]!;
        if (entry === 0) break;
        const row = entry - 1;
        if (this.hashes[row] === hash && this.inlineKeyIs(row, key)) return row;
      }
    }
    return this.heapRows.size === 0 ? undefined : this.heapRows.get(key);
  }

  /** Stores `key` (not in the index) at `row` (holding no key). */
  set(key: string, row: number, hash = this.hashOf(key)): void {
    hash |= 0; // hashes[] is an Int32Array
    this.count++;
    if (!this.copyInline(row, key)) {
      this.lengths[row] = IN_MAP;
      this.heapRows.set(key, row);
      this.heapKeys.set(row, key);
      return;
    }
    this.hashes[row] = hash;
    let slot = hash & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = row + 1;
  }

  /** Removes the key held by `row`; throws if it holds none (a row released twice). */
  delete(row: number): void {
    if (this.lengths[row] === IN_MAP) {
      const key = this.heapKeys.get(row);
      if (key === undefined) throw noKey(row);
      this.heapRows.delete(key);
      this.heapKeys.delete(row);
      this.lengths[row] = 0;
      this.count--;
      return;
    }
    let hole = this.hashes[row]! & this.mask;
    while (this.slots[hole] !== row + 1) {
      if (this.slots[hole] === 0) throw noKey(row);
      hole = (hole + 1) & this.mask;
    }
    this.count--;
    // Backward-shift deletion: move back every later entry of the run whose home slot is not
    // between the hole and it (cyclically), so that no lookup stops early at the hole.
    for (let slot = (hole + 1) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      const home = this.hashes[entry - 1]! & this.mask;
      const staysPut = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (staysPut) continue;
      this.slots[hole] = entry;
      hole = slot;
    }
    this.slots[hole] = 0;
  }

  /** The key `row` holds. */
  keyAt(row: number): string {
    const length = this.lengths[row]!;
    if (length === IN_MAP) return this.heapKeys.get(row)!;
    const start = row * this.maxInlineLength;
    return String.fromCharCode(...this.bytes.subarray(start, start + length));
  }

  private inlineKeyIs(row: number, key: string): boolean {
    if (this.lengths[row] !== key.length) return false;
    const start = row * this.maxInlineLength;
    for (let i = 0; i < key.length; i++) if (this.bytes[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** Copies a Latin-1 key that fits into its row's slot; false (nothing stored) otherwise. */
  private copyInline(row: number, key: string): boolean {
    if (key.length > this.maxInlineLength) return false;
    const start = row * this.maxInlineLength;
    for (let i = 0; i < key.length; i++) {
      const unit = key.charCodeAt(i);
      if (unit > 0xff) return false;
      this.bytes[start + i] = unit;
    }
    this.lengths[row] = key.length;
    return true;
  }
}

function noKey(row: number): Error {
  return new Error(`KeyIndex: row ${row} holds no key`);
}
