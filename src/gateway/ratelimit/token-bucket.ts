import { OldestFirstMap } from '../common/oldest-first-map.js';

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

/** Buckets allocated at first; the table doubles up to maxKeys. */
const INITIAL_BUCKETS = 1024;
const ALLOWED: TakeResult = Object.freeze({ allowed: true, retryAfterMs: 0 });

/**
 * Buckets live in two typed-array columns (tokens, last update), one row per key, found through a
 * Map from key to row in creation order. A bucket used to be an object with two boxed numbers: ~3
 * heap objects per key, 600k for a full table, all marked by every major GC.
 */
export class InMemoryTokenBuckets {
  private readonly rows = new OldestFirstMap<string, number>();
  private readonly freeRows: number[] = [];
  private tokens: Float64Array = new Float64Array(0);
  private updatedAtMs: Float64Array = new Float64Array(0);
  private sweepCursor: IterableIterator<[string, number]> | undefined;

  constructor(
    private readonly limits: BucketLimits,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  take(key: string, nowMs: number): TakeResult {
    const { ratePerSecond, burst } = this.limits;
    let row = this.rows.get(key);
    if (row === undefined) {
      row = this.newRow();
      this.rows.set(key, row);
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
   * (sweeping 200k buckets in one go held the loop for ~160 ms).
   */
  sweep(nowMs: number, maxEntries = Number.POSITIVE_INFINITY): boolean {
    const { ratePerSecond, burst } = this.limits;
    // Map iterators survive deletes and see later inserts, so the cursor stays valid between calls.
    this.sweepCursor ??= this.rows.entries();
    for (let examined = 0; examined < maxEntries; examined++) {
      const next = this.sweepCursor.next();
      if (next.done === true) {
        this.sweepCursor = undefined;
        return true;
      }
      const [key, row] = next.value;
      if (this.tokens[row]! + ((nowMs - this.updatedAtMs[row]!) * ratePerSecond) / 1000 >= burst) {
        this.rows.delete(key);
        this.freeRows.push(row);
      }
    }
    return false;
  }

  /** A row for a new key: the least recently created key's when the table is full. */
  private newRow(): number {
    if (this.rows.size >= this.maxKeys) this.freeRows.push(this.rows.deleteOldestEntry()![1]);
    if (this.freeRows.length === 0) {
      const before = this.tokens.length;
      const after = Math.min(Math.max(INITIAL_BUCKETS, before * 2), this.maxKeys);
      this.tokens = grown(this.tokens, after);
      this.updatedAtMs = grown(this.updatedAtMs, after);
      for (let row = after - 1; row >= before; row--) this.freeRows.push(row);
    }
    return this.freeRows.pop()!;
  }
}

function grown(values: Float64Array, length: number): Float64Array {
  const copy = new Float64Array(length);
  copy.set(values);
  return copy;
}
