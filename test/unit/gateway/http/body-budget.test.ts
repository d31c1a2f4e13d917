import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyBudget } from '../../../../src/gateway/http/index.js';

describe('BodyBudget', () => {
  it('reserves up to the limit and refuses what would cross it, all or nothing', () => {
    const budget = new BodyBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    expect(a.reserve(60)).toBe(true);
    expect(b.reserve(41)).toBe(false);
    expect(budget.reservedBytes).toBe(60);
    expect(b.heldBytes).toBe(0);
    expect(b.reserve(40)).toBe(true);
    expect(budget.reservedBytes).toBe(100);
    expect(budget.availableBytes).toBe(0);
    expect(a.reserve(1)).toBe(false);
  });

  it('returns everything a lease held on release, once', () => {
    const budget = new BodyBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    a.reserve(30);
    a.reserve(20);
    b.reserve(10);
    a.release();
    expect(budget.reservedBytes).toBe(10);
    a.release();
    expect(budget.reservedBytes).toBe(10);
    b.release();
    expect(budget.reservedBytes).toBe(0);
  });

  it('a released lease reserves nothing more and offers nothing', () => {
    const budget = new BodyBudget(100);
    const lease = budget.lease();
    lease.release();
    expect(lease.reserve(1)).toBe(false);
    expect(lease.availableBytes).toBe(0);
    expect(budget.reservedBytes).toBe(0);
  });

  it('admits a new request only while something is left and its declared body fits', () => {
    const budget = new BodyBudget(100);
    const lease = budget.lease();
    lease.reserve(70);
    expect(budget.admits(undefined)).toBe(true);
    expect(budget.admits(30)).toBe(true);
    expect(budget.admits(31)).toBe(false);
    lease.reserve(30);
    expect(budget.admits(undefined)).toBe(false);
    expect(budget.admits(0)).toBe(false);
  });

  it('refuses a limit that is not a positive whole number of bytes', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => new BodyBudget(limit)).toThrow(RangeError);
  });

  it('never holds more than the limit and always the sum of what its leases hold, for any interleaving', () => {
    type Step = { kind: 'reserve'; lease: number; bytes: number } | { kind: 'release'; lease: number };
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        lease: fc.nat(7),
        bytes: fc.integer({ min: 0, max: 400 }),
      }),
      fc.record({ kind: fc.constant('release' as const), lease: fc.nat(7) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(step, { maxLength: 200 }), (limit, steps) => {
        const budget = new BodyBudget(limit);
        const leases = Array.from({ length: 8 }, () => budget.lease());
        for (const s of steps as Step[]) {
          const lease = leases[s.lease];
          if (lease === undefined) continue;
          if (s.kind === 'release') {
            lease.release();
            // A request that ends is followed by a new one with a fresh lease.
            leases[s.lease] = budget.lease();
            continue;
          }
          const before = budget.reservedBytes;
          const fits = s.bytes <= limit - before;
          expect(lease.reserve(s.bytes)).toBe(fits);
          expect(budget.reservedBytes).toBe(fits ? before + s.bytes : before);
          expect(budget.reservedBytes).toBeLessThanOrEqual(limit);
          expect(budget.reservedBytes).toBe(leases.reduce((sum, l) => sum + l.heldBytes, 0));
        }
        for (const lease of leases) lease.release();
        expect(budget.reservedBytes).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
