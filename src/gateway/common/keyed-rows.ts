import { OldestFirstMap } from './oldest-first-map.js';

/** Rows allocated at first; the row count doubles up to the maximum. */
const INITIAL_ROWS = 1024;

/**
 * Rows of typed-array columns handed out to keys, for state kept per key outside the V8 heap: each
 * key holds a row number instead of an object, so a full table costs a major GC its keys only. The
 * keys are in insertion order (an LRU when `touch` is called on every use); when every row is taken,
 * a new key gets the oldest key's row. The owner keeps the columns, grows them in `growColumns`, and
 * resets a row it was handed (a reused row still holds its previous key's values).
 */
export class KeyedRows<K> {
  private readonly rows = new OldestFirstMap<K, number>();
  private readonly freeRows: number[] = [];
  private rowCapacity = 0;

  constructor(
    private readonly maxRows: number,
    private readonly growColumns: (rows: number) => void,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** Rows the columns currently have room for. */
  get capacity(): number {
    return this.rowCapacity;
  }

  get(key: K): number | undefined {
    return this.rows.get(key);
  }

  /** Moves a key to the young end of the order. */
  touch(key: K, row: number): void {
    this.rows.delete(key);
    this.rows.set(key, row);
  }

  /** A row for a key that has none, as the youngest key: the oldest key's row when all are taken. */
  add(key: K): number {
    if (this.rows.size >= this.maxRows) this.freeRows.push(this.rows.deleteOldestEntry()![1]);
    if (this.freeRows.length === 0) this.grow();
    const row = this.freeRows.pop()!;
    this.rows.set(key, row);
    return row;
  }

  /** Drops a key; its row is free again. */
  remove(key: K, row: number): void {
    this.rows.delete(key);
    this.freeRows.push(row);
  }

  /** Keys and rows, oldest first. Survives `remove` of the current entry and sees later adds. */
  entries(): IterableIterator<[K, number]> {
    return this.rows.entries();
  }

  private grow(): void {
    const before = this.rowCapacity;
    const after = Math.min(Math.max(INITIAL_ROWS, before * 2), this.maxRows);
    this.growColumns(after);
    // Pushed in reverse so that rows are handed out in ascending order.
    for (let row = after - 1; row >= before; row--) this.freeRows.push(row);
    this.rowCapacity = after;
  }
}

type Column = BigUint64Array | Float64Array | Uint8Array | Uint32Array;

/** A copy of a column with room for `length` elements (the rest zero). */
export function grownColumn<T extends Column>(values: T, length: number): T {
  const copy = new (values.constructor as new (length: number) => T)(length);
  copy.set(values as never);
  return copy;
}
