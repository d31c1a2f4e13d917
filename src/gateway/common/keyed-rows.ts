import { grownColumn } from './grown-column.js';
import { KeyIndex } from './key-index.js';

export { grownColumn } from './grown-column.js';

/** Rows allocated at first; the row count doubles up to the maximum. */
const INITIAL_ROWS = 1024;
/** "No row" in the recency links. */
const NO_ROW = -1;

/**
 * Rows of typed-array columns handed out to keys, for state kept per key outside the V8 heap: each
 * key holds a row number instead of an object, so a full table costs a major GC its keys only. The
 * keys are in insertion order (an LRU when `touch` is called on every use); when every row is taken,
 * a new key gets the oldest key's row. The owner keeps the columns, grows them in `growColumns`, and
 * resets a row it was handed (a reused row still holds its previous key's values).
 *
 * The order is a doubly linked list of rows in two Int32Array columns, not the Map's insertion
 * order: a touch relinks two rows instead of deleting and re-inserting the key (two hash-table
 * operations on a table of up to maxRows keys), and the oldest key is found without an iterator.
 *
 * Keys map to rows through a KeyIndex, which keeps them outside the V8 heap too: a full table of
 * string keys in a Map was most of what a major GC had to mark and compact, and most of what the
 * old generation gained between full GCs when sessions churn (docs/architecture.md, "Memory").
 */
export class KeyedRows<K extends string> {
  private readonly rowOf: KeyIndex;
  private older = new Int32Array(0);
  private younger = new Int32Array(0);
  private oldest = NO_ROW;
  private youngest = NO_ROW;
  private readonly freeRows: number[] = [];
  private rowCapacity = 0;

  /**
   * `maxInlineKeyLength`: keys up to this many characters (Latin-1) are kept in the index's byte
   * slots, ~that many bytes per row; longer ones in a Map on the heap (KeyIndex).
   */
  constructor(
    private readonly maxRows: number,
    maxInlineKeyLength: number,
    private readonly growColumns: (rows: number) => void,
  ) {
    this.rowOf = new KeyIndex(maxRows, maxInlineKeyLength);
  }

  get size(): number {
    return this.rowOf.size;
  }

  /** Rows the columns currently have room for. */
  get capacity(): number {
    return this.rowCapacity;
  }

  /**
   * The key's hash in the key index. A caller that looks a key up and adds it on a miss passes the
   * hash to both, so that a new key is hashed once.
   */
  hashOf(key: K): number {
    return this.rowOf.hashOf(key);
  }

  get(key: K, hash = this.rowOf.hashOf(key)): number | undefined {
    return this.rowOf.get(key, hash);
  }

  /** Moves the key holding `row` to the young end of the order. */
  touch(row: number): void {
    if (row === this.youngest) return;
    this.unlink(row);
    this.append(row);
  }

  /** A row for a key that has none, as the youngest key: the oldest key's row when all are taken. */
  add(key: K, hash = this.rowOf.hashOf(key)): number {
    if (this.rowOf.size >= this.maxRows) this.release(this.oldest);
    if (this.freeRows.length === 0) this.grow();
    const row = this.freeRows.pop()!;
    this.rowOf.set(key, row, hash);
    this.append(row);
    return row;
  }

  /**
   * Rows holding a key, oldest first. Survives `release` of the current row. Rows added later are
   * seen only while the iterator has not yet passed the youngest row; a row evicted or released
   * before the iterator reaches it ends or skips part of the walk (a sweep then resumes next pass).
   */
  *rowsOldestFirst(): IterableIterator<number> {
    let row = this.oldest;
    while (row !== NO_ROW) {
      const next = this.younger[row]!;
      yield row;
      row = next;
    }
  }

  /** The key `row` holds (a new string: the keys are kept outside the V8 heap). */
  keyOf(row: number): K {
    return this.rowOf.keyAt(row) as K;
  }

  /** Drops the key holding `row`; the row is free again. */
  release(row: number): void {
    this.rowOf.delete(row);
    this.unlink(row);
    this.freeRows.push(row);
  }

  private append(row: number): void {
    this.older[row] = this.youngest;
    this.younger[row] = NO_ROW;
    if (this.youngest === NO_ROW) this.oldest = row;
    else this.younger[this.youngest] = row;
    this.youngest = row;
  }

  private unlink(row: number): void {
    const older = this.older[row]!;
    const younger = this.younger[row]!;
    if (older === NO_ROW) this.oldest = younger;
    else this.younger[older] = younger;
    if (younger === NO_ROW) this.youngest = older;
    else this.older[younger] = older;
  }

  private grow(): void {
    const before = this.rowCapacity;
    const after = Math.min(Math.max(INITIAL_ROWS, before * 2), this.maxRows);
    this.growColumns(after);
    this.rowOf.grow(after);
    this.older = grownColumn(this.older, after);
    this.younger = grownColumn(this.younger, after);
    // Pushed in reverse so that rows are handed out in ascending order.
    for (let row = after - 1; row >= before; row--) this.freeRows.push(row);
    this.rowCapacity = after;
  }
}
