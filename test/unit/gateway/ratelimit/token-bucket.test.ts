import { describe, expect, it } from 'vitest';
import { InMemoryTokenBuckets } from '../../../../src/gateway/ratelimit/index.js';

describe('InMemoryTokenBuckets', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const buckets = new InMemoryTokenBuckets({ ratePerSecond: 2, burst: 3 }, 100, 16);
    const now = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('a', now).allowed)).toEqual([true, true, true]);
    const refused = buckets.take('a', now);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeCloseTo(500, 5);
  });

  it('refills at the configured rate, never above the burst', () => {
    const buckets = new InMemoryTokenBuckets({ ratePerSecond: 2, burst: 3 }, 100, 16);
    let now = 0;
    for (let i = 0; i < 3; i++) buckets.take('a', now);
    now += 500; // one token back
    expect(buckets.take('a', now).allowed).toBe(true);
    expect(buckets.take('a', now).allowed).toBe(false);
    now += 60_000; // long idle: full bucket, not 120 tokens
    const allowed = Array.from({ length: 5 }, () => buckets.take('a', now).allowed);
    expect(allowed).toEqual([true, true, true, false, false]);
  });

  it('keeps keys independent', () => {
    const buckets = new InMemoryTokenBuckets({ ratePerSecond: 1, burst: 1 }, 100, 16);
    expect(buckets.take('a', 0).allowed).toBe(true);
    expect(buckets.take('a', 0).allowed).toBe(false);
    expect(buckets.take('b', 0).allowed).toBe(true);
  });

  it('sweeps refilled buckets and bounds the number of keys', () => {
    const buckets = new InMemoryTokenBuckets({ ratePerSecond: 1, burst: 2 }, 3, 16);
    for (const key of ['a', 'b', 'c', 'd', 'e']) buckets.take(key, 0);
    expect(buckets.size).toBe(3);
    buckets.take('e', 0);
    buckets.sweep(1500); // 'c','d' refilled (1 + 1.5 ≥ 2); 'e' took two tokens: 0 + 1.5 < 2
    expect(buckets.size).toBe(1);
    expect(buckets.take('e', 1500).allowed).toBe(true);
  });

  it('gives a key that takes over a dropped bucket’s row a full bucket', () => {
    const buckets = new InMemoryTokenBuckets({ ratePerSecond: 1, burst: 1 }, 2, 16);
    expect(buckets.take('a', 0).allowed).toBe(true); // a is empty now
    buckets.take('b', 0);
    expect(buckets.take('c', 0).allowed).toBe(true); // a was dropped; c may reuse its row
    expect(buckets.take('c', 0).allowed).toBe(false);
    expect(buckets.take('a', 0).allowed).toBe(true); // a again: a fresh bucket (more lenient, never stricter)
    buckets.sweep(10_000); // everything refilled: all dropped
    expect(buckets.size).toBe(0);
    expect([buckets.take('d', 10_000).allowed, buckets.take('d', 10_000).allowed]).toEqual([true, false]);
  });

  it('sweeps in resumable slices: a pass examines every bucket once, over as many calls as it takes', () => {
    const buckets = new InMemoryTokenBuckets({ ratePerSecond: 1, burst: 2 }, 1000, 16);
    for (let i = 0; i < 10; i++) buckets.take(`k${i}`, 0);
    buckets.take('k3', 0); // k3 took two tokens: still not full at 1500
    const passes: boolean[] = [];
    for (let call = 0; call < 4; call++) passes.push(buckets.sweep(1500, 3));
    expect(passes).toEqual([false, false, false, true]); // 3 + 3 + 3 + 1 buckets
    expect(buckets.size).toBe(1);
    // A new pass starts from the beginning.
    expect(buckets.sweep(10_000, 100)).toBe(true);
    expect(buckets.size).toBe(0);
  });
});
