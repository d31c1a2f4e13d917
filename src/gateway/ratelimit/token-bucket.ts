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

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class InMemoryTokenBuckets {
  private readonly buckets = new OldestFirstMap<string, Bucket>();
  private sweepCursor: IterableIterator<string> | undefined;

  constructor(
    private readonly limits: BucketLimits,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, nowMs: number): TakeResult {
    const { ratePerSecond, burst } = this.limits;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.buckets.deleteOldest();
      bucket = { tokens: burst, updatedAtMs: nowMs };
      this.buckets.set(key, bucket);
    } else {
      const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
      bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * ratePerSecond) / 1000);
      bucket.updatedAtMs = nowMs;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: ((1 - bucket.tokens) * 1000) / ratePerSecond };
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
    this.sweepCursor ??= this.buckets.keys();
    for (let examined = 0; examined < maxEntries; examined++) {
      const next = this.sweepCursor.next();
      if (next.done === true) {
        this.sweepCursor = undefined;
        return true;
      }
      const key = next.value;
      const bucket = this.buckets.get(key) as Bucket;
      if (bucket.tokens + ((nowMs - bucket.updatedAtMs) * ratePerSecond) / 1000 >= burst) {
        this.buckets.delete(key);
      }
    }
    return false;
  }
}
