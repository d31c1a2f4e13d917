import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  logGamma,
  normalCdf,
  normalQuantile,
  relativeRiskInterval,
  riskDifferenceInterval,
  studentUpperTail,
  taroneCount,
  upperMidP,
  wilson,
} from '../../../../src/report/triage/statistics.js';

describe('logGamma and the normal distribution', () => {
  it('matches hand values', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe('upperMidP (exact one-sided mid-p)', () => {
  it('binomial: 8 of 10 at p = ½ → P(9) + P(10) + ½ P(8) = (10 + 1 + 22.5) / 1024', () => {
    expect(upperMidP(8, { n: 10, p: 0.5, spread: 0 }).p).toBeCloseTo(33.5 / 1024, 12);
  });

  it('binomial: 3 of 3 at p = 0.1 → ½ · 0.001', () => {
    expect(upperMidP(3, { n: 3, p: 0.1, spread: 0 }).p).toBeCloseTo(0.0005, 12);
  });

  it('beta-binomial: n = 2 with a uniform rate (a = b = 1, spread ⅓) is uniform on 0, 1, 2', () => {
    expect(upperMidP(2, { n: 2, p: 0.5, spread: 1 / 3 }).p).toBeCloseTo(1 / 6, 10);
    expect(upperMidP(1, { n: 2, p: 0.5, spread: 1 / 3 }).p).toBeCloseTo(1 / 3 + 1 / 6, 10);
  });

  it('overdispersion widens the tail: the same count is less surprising', () => {
    const binomial = upperMidP(30, { n: 100, p: 0.2, spread: 0 }).p;
    const dispersed = upperMidP(30, { n: 100, p: 0.2, spread: 0.02 }).p;
    expect(dispersed).toBeGreaterThan(binomial * 3);
  });

  it('keeps far tails as logarithms instead of underflowing', () => {
    const result = upperMidP(1000, { n: 1000, p: 0.01, spread: 0 });
    expect(result.logP).toBeCloseTo(1000 * Math.log(0.01) + Math.log(0.5), 6);
  });
});

describe('intervals', () => {
  it('Wilson 95% for 5 of 10 is [0.2366, 0.7634]', () => {
    const [low, high] = wilson(5, 10, 1.959964);
    expect(low).toBeCloseTo(0.2366, 4);
    expect(high).toBeCloseTo(0.7634, 4);
  });

  it("Newcombe's hybrid score interval: 56/70 − 48/80 = 0.2, 95% [0.0524, 0.3339] (Newcombe 1998)", () => {
    const [low, high] = riskDifferenceInterval(56, 70, 48, 80, 1.959964, 0);
    expect(low).toBeCloseTo(0.0524, 3);
    expect(high).toBeCloseTo(0.3339, 3);
  });

  it('Katz log interval: 10/100 vs 5/100 → RR 2, 95% [0.709, 5.64]', () => {
    const [low, high] = relativeRiskInterval(10, 100, 5, 100, 1.959964, 0);
    expect(low).toBeCloseTo(0.709, 2);
    expect(high).toBeCloseTo(5.64, 1);
  });
});

describe('multiple comparisons', () => {
  it('Benjamini–Hochberg step-up, in input order', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual(
      [0.02, 0.04, 0.04, 0.02].map((v) => expect.closeTo(v, 12)),
    );
  });

  it('Benjamini–Hochberg over more hypotheses than values given', () => {
    expect(benjaminiHochberg([0.01], 5)[0]).toBeCloseTo(0.05, 12);
  });

  it("Tarone's count: tests that cannot reach α/K do not count", () => {
    // K = 1: two tests can reach 0.01; K = 2: one test can reach 0.005 ≤ 2.
    expect(taroneCount([1e-5, 1e-3, 0.5, 0.9], 0.01)).toBe(2);
    expect(taroneCount([0.5, 0.9], 0.01)).toBe(1);
  });
});

describe("Student's t upper tail", () => {
  it('matches table values and tends to the normal', () => {
    expect(studentUpperTail(12.706, 1)).toBeCloseTo(0.025, 5);
    expect(studentUpperTail(2.228, 10)).toBeCloseTo(0.025, 4);
    expect(studentUpperTail(8, 3)).toBeCloseTo(0.00204, 4);
    expect(studentUpperTail(-1.5, 5)).toBeCloseTo(1 - 0.097, 3);
    expect(studentUpperTail(1.959964, 1e7)).toBeCloseTo(0.025, 5);
  });

  it('is never below the normal tail for a finite df', () => {
    for (const t of [0.5, 2, 4, 8])
      for (const df of [1, 3, 30, 300]) expect(studentUpperTail(t, df)).toBeGreaterThan(1 - normalCdf(t));
  });
});
