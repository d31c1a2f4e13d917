import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CPU_BUCKETS } from '../../../../src/model/index.js';
import { samplesAbove, toCanonicalBuckets } from '../../../../src/gateway/validation/index.js';

describe('toCanonicalBuckets', () => {
  it('is the identity on canonical bounds, without a copy', () => {
    const counts = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(toCanonicalBuckets(CPU_BUCKETS, counts, 45)).toBe(counts);
    // Bounds equal within the tolerance are canonical too.
    const computed = CPU_BUCKETS.map((b) => b * (1 + 1e-12));
    expect(toCanonicalBuckets(computed, counts, 45)).toBe(counts);
  });

  it('accepts empty bucket counts of an empty point only', () => {
    expect(toCanonicalBuckets(CPU_BUCKETS, [], 0)).toEqual(new Array(9).fill(0));
    expect(toCanonicalBuckets(CPU_BUCKETS, [], 3)).toBe('incompatible_buckets');
  });

  it('rejects bounds that miss or straddle a canonical bound, or are not increasing', () => {
    expect(toCanonicalBuckets([0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9], new Array(8).fill(0), 0)).toBe(
      'incompatible_buckets',
    );
    expect(toCanonicalBuckets([0.06, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1], new Array(9).fill(0), 0)).toBe(
      'incompatible_buckets',
    );
    expect(toCanonicalBuckets([0.1, 0.05, 0.2, 0.3, 0.5, 0.8, 0.9, 1], new Array(9).fill(0), 0)).toBe(
      'incompatible_buckets',
    );
    expect(toCanonicalBuckets(CPU_BUCKETS, new Array(8).fill(0), 0)).toBe('incompatible_buckets');
  });

  it('answers nan_value for a non-finite bound, also for an empty point', () => {
    expect(toCanonicalBuckets([...CPU_BUCKETS.slice(0, 7), NaN], new Array(9).fill(0), 0)).toBe('nan_value');
    expect(toCanonicalBuckets([Infinity], [], 0)).toBe('nan_value');
  });

  it('maps shared (frozen) bounds the same on every call, whatever the counts', () => {
    const shared = Object.freeze([0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8, 0.9, 1]);
    const first = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const second = [0, 2, 0, 3, 0, 0, 0, 0, 0, 4];
    expect(toCanonicalBuckets(shared, first, 10)).toEqual([1, 1, 2, 1, 1, 1, 1, 1, 1]);
    expect(toCanonicalBuckets(shared, second, 9)).toEqual([0, 2, 3, 0, 0, 0, 0, 0, 4]);
    const incompatible = Object.freeze([0.06, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1]);
    expect(toCanonicalBuckets(incompatible, new Array(9).fill(0), 0)).toBe('incompatible_buckets');
    expect(toCanonicalBuckets(incompatible, new Array(9).fill(0), 0)).toBe('incompatible_buckets');
  });

  it('preserves the total and the samples above every threshold for any refinement', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0.001, max: 3, noNaN: true }), { maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 1.5, noNaN: true }), { maxLength: 50 }),
        (extra, samples) => {
          const bounds = [...new Set([...CPU_BUCKETS, ...extra])].sort((a, b) => a - b);
          const fine = new Array<number>(bounds.length + 1).fill(0);
          const canonical = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
          for (const v of samples) {
            const i = bounds.findIndex((b) => v <= b);
            fine[i === -1 ? bounds.length : i]! += 1;
            const j = CPU_BUCKETS.findIndex((b) => v <= b);
            canonical[j === -1 ? CPU_BUCKETS.length : j]! += 1;
          }
          const merged = toCanonicalBuckets(bounds, fine, samples.length);
          expect(merged).toEqual(canonical);
          for (const t of CPU_BUCKETS) {
            expect(samplesAbove(merged as number[], t)).toBe(samples.filter((v) => v > t).length);
          }
        },
      ),
    );
  });
});
