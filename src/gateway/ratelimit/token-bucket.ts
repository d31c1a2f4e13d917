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
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
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

  /** Drops buckets that are full again: they behave exactly like a fresh bucket. */
  sweep(nowMs: number): void {
    const { ratePerSecond, burst } = this.limits;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((nowMs - bucket.updatedAtMs) * ratePerSecond) / 1000 >= burst) {
        this.buckets.delete(key);
      }
    }
  }

  private evictOldest(): void {
    this.buckets.deleteOldest();
  }
}
