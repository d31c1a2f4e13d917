import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  normalCdf,
  twoProportionPValue,
} from '../../../../src/report/triage/statistics.js';

describe('normalCdf', () => {
  it('matches standard normal table values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
    expect(normalCdf(8)).toBeCloseTo(1, 12);
  });
});

describe('twoProportionPValue (one-sided, pooled)', () => {
  it('computes the textbook example: 60/100 vs 40/100 → z = 2.83, p ≈ 0.0023', () => {
    // pooled 0.5; se = sqrt(0.25 × (1/100 + 1/100)) = 0.0707; z = 0.2 / 0.0707 = 2.828
    expect(twoProportionPValue({ successes: 60, trials: 100 }, { successes: 40, trials: 100 })).toBeCloseTo(
      0.00234,
      4,
    );
  });

  it('is one-sided: a LOWER rate is no evidence', () => {
    expect(
      twoProportionPValue({ successes: 40, trials: 100 }, { successes: 60, trials: 100 }),
    ).toBeGreaterThan(0.99);
  });

  it('returns 1 without evidence (empty groups, all or nothing over)', () => {
    expect(twoProportionPValue({ successes: 0, trials: 0 }, { successes: 5, trials: 10 })).toBe(1);
    expect(twoProportionPValue({ successes: 0, trials: 10 }, { successes: 0, trials: 10 })).toBe(1);
    expect(twoProportionPValue({ successes: 10, trials: 10 }, { successes: 10, trials: 10 })).toBe(1);
  });
});

describe('benjaminiHochberg', () => {
  it('adjusts p-values step-up and keeps the input order', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 → ×4/rank = 0.02, 0.02, 0.04, 0.04 (monotone from the top)
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted[0]).toBeCloseTo(0.02, 12);
    expect(adjusted[1]).toBeCloseTo(0.04, 12);
    expect(adjusted[2]).toBeCloseTo(0.04, 12);
    expect(adjusted[3]).toBeCloseTo(0.02, 12);
  });

  it('never exceeds 1 and handles no tests', () => {
    expect(benjaminiHochberg([0.9, 0.8])).toEqual([0.9, 0.9]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
