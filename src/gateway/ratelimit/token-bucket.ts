import { KeyedRows, grownColumn } from '../common/keyed-rows.js';

// Token buckets kept in process memory. One bucket per key (install id or key id); a request takes
// one token; tokens refill continuously at `ratePerSecond` up to `burst`.
//
// Memory is bounded: buckets that have refilled completely carry no information and are swept, and
// at most `maxKeys` buckets exist (beyond that the least recently created one is dropped, which
// can only make the limiter more lenient for that key, never stricter).

export interface BucketLimits {
  ratePerSecond: number;
  burst: number;
}

export interface TakeResult {
  allowed: boolean;
  /** When not allowed: how long until one token is available. */
  retryAfterMs: number;
}

const ALLOWED: TakeResult = Object.freeze({ allowed: true, retryAfterMs: 0 });

/**
 * Buckets live in two typed-array columns (tokens, last update), one row per key (KeyedRows, in
 * creation order), so a full table adds no objects for a major GC to mark: neither the buckets nor
 * their keys (KeyIndex) are on the V8 heap.
 */
export class InMemoryTokenBuckets {
  private readonly rows: KeyedRows<string>;
  private tokens: Float64Array = new Float64Array(0);
  private updatedAtMs: Float64Array = new Float64Array(0);
  private sweepCursor: IterableIterator<number> | undefined;

  /** `maxInlineKeyLength`: the longest key kept off the heap (KeyedRows); longer keys still work. */
  constructor(
    private readonly limits: BucketLimits,
    maxKeys: number,
    maxInlineKeyLength: number,
  ) {
    this.rows = new KeyedRows(maxKeys, maxInlineKeyLength, (rows) => {
      this.tokens = grownColumn(this.tokens, rows);
      this.updatedAtMs = grownColumn(this.updatedAtMs, rows);
    });
  }

  get size(): number {
    return this.rows.size;
  }

  take(key: string, nowMs: number): TakeResult {
    const { ratePerSecond, burst } = this.limits;
    const hash = this.rows.hashOf(key);
    let row = this.rows.get(key, hash);
    if (row === undefined) {
      row = this.rows.add(key, hash);
      this.tokens[row] = burst;
    } else {
      const elapsedMs = Math.max(0, nowMs - this.updatedAtMs[row]!);
      this.tokens[row] = Math.min(burst, this.tokens[row]! + (elapsedMs * ratePerSecond) / 1000);
    }
    this.updatedAtMs[row] = nowMs;
    const tokens = this.tokens[row]!;
    if (tokens >= 1) {
      this.tokens[row] = tokens - 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfterMs: ((1 - tokens) * 1000) / ratePerSecond };
  }

  /**
   * Drops buckets that are full again: they behave exactly like a fresh bucket. Resumable: examines
   * at most `maxEntries` buckets per call, continuing where the previous call stopped, and returns
   * true once a whole pass is done — so a caller can spread a pass over many event-loop turns
   * instead of holding the event loop for a whole table.
   */
  sweep(nowMs: number, maxEntries = Number.POSITIVE_INFINITY): boolean {
    const { ratePerSecond, burst } = this.limits;
    // The row iterator survives releasing its current row, so the cursor stays usable between calls;
    // rows evicted meanwhile can cut a pass short, which the next pass makes up for.
    this.sweepCursor ??= this.rows.rowsOldestFirst();
    for (let examined = 0; examined < maxEntries; examined++) {
      const next = this.sweepCursor.next();
      if (next.done === true) {
        this.sweepCursor = undefined;
        return true;
      }
      const row = next.value;
      if (this.tokens[row]! + ((nowMs - this.updatedAtMs[row]!) * ratePerSecond) / 1000 >= burst) {
        this.rows.release(row);
      }
    }
    return false;
  }
}
