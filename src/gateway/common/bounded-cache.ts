import { KeyedRows } from './keyed-rows.js';

/**
 * A string-keyed cache of at most `maxEntries` values that drops its least recently set entry when a
 * new key needs room. `get` does not refresh an entry: the order is that of the last `set`.
 *
 * Built on KeyedRows, which keeps its keys off the V8 heap and finds the oldest entry without an
 * iterator, rather than on a Map in insertion order: a full Map churns one delete per insert, and V8
 * then rebuilds its whole hash table at once, holding every request behind it.
 */
export class BoundedCache<V> {
  private readonly rows: KeyedRows<string> | undefined;
  // One value per row; a row handed to a new key gets its value written before anyone reads it.
  private readonly values: Array<V | undefined> = [];

  /** `maxEntries` 0 keeps nothing; `maxInlineKeyLength`: see KeyedRows. */
  constructor(maxEntries: number, maxInlineKeyLength: number) {
    this.rows = maxEntries > 0 ? new KeyedRows<string>(maxEntries, maxInlineKeyLength, () => {}) : undefined;
  }

  get size(): number {
    return this.rows?.size ?? 0;
  }

  get(key: string): V | undefined {
    const row = this.rows?.get(key);
    return row === undefined ? undefined : this.values[row];
  }

  /** Stores `value` as the newest entry; when the cache is full, the oldest entry makes room. */
  set(key: string, value: V): void {
    const rows = this.rows;
    if (rows === undefined) return;
    const hash = rows.hashOf(key);
    let row = rows.get(key, hash);
    if (row === undefined) row = rows.add(key, hash);
    else rows.touch(row);
    this.values[row] = value;
  }
}
