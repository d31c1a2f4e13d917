import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../../src/gateway/common/bounded-cache.js';

/** The rule, stated with a plain Map in insertion order: set moves a key to the end, full drops the first. */
class ReferenceCache {
  readonly map = new Map<string, number>();
  constructor(private readonly max: number) {}
  set(key: string, value: number): void {
    if (this.max === 0) return;
    if (!this.map.delete(key) && this.map.size >= this.max) {
      this.map.delete(this.map.keys().next().value as string);
    }
    this.map.set(key, value);
  }
}

describe('BoundedCache', () => {
  it('drops the least recently set entry when a new key needs room; get does not refresh', () => {
    const cache = new BoundedCache<number>(2, 16);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3); // drops a: reading it did not make it newer
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
    cache.set('b', 4); // b is now the newest
    cache.set('d', 5);
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([4, undefined, 5]);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with room for nothing', () => {
    const cache = new BoundedCache<number>(0, 16);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('agrees with the plain rule for any sequence of sets and gets', () => {
    const op = fc.record({ set: fc.boolean(), key: fc.integer({ min: 0, max: 12 }), value: fc.integer() });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        const subject = new BoundedCache<number>(max, 16);
        const reference = new ReferenceCache(max);
        for (const { set, key, value } of ops) {
          if (set) {
            subject.set(`k${key}`, value);
            reference.set(`k${key}`, value);
          }
          expect(subject.get(`k${key}`)).toBe(reference.map.get(`k${key}`));
          expect(subject.size).toBe(reference.map.size);
        }
      }),
      { numRuns: 500 },
    );
  });
});
