// Each cell against its proper complement along one contrast dimension: the same context without
// the cell (docs/report.md "The statistic"). One exact one-sided test per (cell, dimension), then
// Tarone + Benjamini–Hochberg over every such test.
import {
  CONTRAST_DIMENSIONS,
  keyIn,
  without,
  type Cell,
  type CellCounts,
  type Dimension,
  type FamilyName,
} from './cells.js';
import { generalityLevel, generalityWeights } from './generality-weights.js';
import { NO_DISPERSION, dispersionKey, type Dispersion } from './dispersion.js';
import { dispersionFor } from './healthy-spread.js';
import {
  benjaminiHochberg,
  normalQuantile,
  relativeRiskInterval,
  riskDifferenceInterval,
  studentUpperTail,
  taroneCount,
  upperMidP,
} from './statistics.js';

export interface TestSettings {
  /** False discovery rate over all tests (probability). */
  alpha: number;
  /** Effect-size floor: risk difference in over-rate (0.05 = 5 points). */
  minRiskDifference: number;
  /** Confidence level of the intervals (probability). */
  confidenceLevel: number;
}

export const DEFAULT_CONFIDENCE_LEVEL = 0.95;

export type Verdict = 'significant' | 'below-effect-floor' | 'not-significant' | 'no-power';

/** The counts of one comparison: the cell (n, k) and its complement (n0, k0), in windows. */
export interface Comparison {
  n: number;
  k: number;
  n0: number;
  k0: number;
}

export interface ComparisonResult {
  rate: number;
  baselineRate: number;
  /** rate − baselineRate (fraction; 0.05 = 5 points). */
  riskDifference: number;
  /** rate ÷ baselineRate; Infinity when the complement had no high window. */
  relativeRisk: number;
  /** One-sided mid-p value (cell higher than complement). */
  p: number;
  /** The smallest p this test could give (every window of the cell high). */
  minimumP: number;
  /** The dispersion the test allowed for (the intervals use it too). */
  dispersion: Dispersion;
}

export interface Intervals {
  riskDifferenceInterval: [number, number];
  relativeRiskInterval: [number, number];
}

export interface ContrastTest extends Comparison, ComparisonResult {
  cell: Cell;
  key: string;
  family: FamilyName;
  /** The dimension along which the cell is compared with its siblings. */
  dimension: Dimension;
  /** BH-adjusted p over every test (1 for tests without power). */
  q: number;
  verdict: Verdict;
}

/** Counts as integers (increase() extrapolates), complement clamped to be consistent. */
function integral(c: Comparison): Comparison {
  const n = Math.max(0, Math.round(c.n));
  const k = Math.min(n, Math.max(0, Math.round(c.k)));
  const n0 = Math.max(0, Math.round(c.n0));
  const k0 = Math.min(n0, Math.max(0, Math.round(c.k0)));
  return { n, k, n0, k0 };
}

/** Null mean: the complement's rate, kept off 0 and 1 (½ a window each way). */
function nullMean(c: Comparison): number {
  return (c.k0 + 0.5) / (c.n0 + 1);
}

/** Rate-variance share of the healthy spread between siblings: tau2 · p(1 − p) (logit-normal). */
function betweenShare(dispersion: Dispersion, mean: number): number {
  return dispersion.tau2 * mean * (1 - mean);
}

/**
 * A p-value's tail widened for the uncertainty of a tau2 fitted without the tested value: its
 * normal score read as Student's t, with Satterthwaite's degrees of freedom for a variance of which
 * only the between-cell share is estimated (df / share²).
 */
function studentized(dispersion: Dispersion, mean: number, sampling: number): (p: number) => number {
  const df = dispersion.tau2Df;
  // The share of the estimated part is read at `shareTau2` (healthy-spread.ts), never below the
  // siblings' own estimate: an estimate can be near 0 by chance, and then its own share would hide
  // how uncertain it is.
  const between = (dispersion.shareTau2 ?? dispersion.tau2) * mean * (1 - mean);
  if (df === undefined || between <= 0) return (p) => p;
  const share = between / (between + sampling);
  const effectiveDf = df / (share * share);
  return (p) => (p >= 0.5 ? p : studentUpperTail(-normalQuantile(Math.max(p, 1e-300)), effectiveDf));
}

/** The exact overdispersed one-sided test of one comparison. */
export function compare(raw: Comparison, dispersion: Dispersion): ComparisonResult {
  const { n, k, n0, k0 } = integral(raw);
  const { phi } = dispersion;
  const rate = n > 0 ? k / n : 0;
  const baselineRate = n0 > 0 ? k0 / n0 : 0;
  const mean = nullMean({ n, k, n0, k0 });
  // The complement's own rate is uncertain too: its sampling variance joins the between-cell one.
  const spread = Math.min(0.999, betweenShare(dispersion, mean) + phi / Math.max(1, n0));
  const effectiveN = Math.max(1, Math.round(n / phi));
  const effectiveK = Math.min(effectiveN, Math.round((k * effectiveN) / Math.max(1, n)));
  const model = { n: effectiveN, p: mean, spread };
  // Sampling variance of both rates (in shares of p(1 − p)), beside the estimated between-cell part.
  const widen = studentized(dispersion, mean, phi / Math.max(1, n0) + phi / Math.max(1, n));
  return {
    rate,
    baselineRate,
    riskDifference: rate - baselineRate,
    relativeRisk: baselineRate > 0 ? rate / baselineRate : rate > 0 ? Infinity : 1,
    p: n > 0 ? widen(upperMidP(effectiveK, model).p) : 1,
    minimumP: n > 0 ? widen(upperMidP(effectiveN, model).p) : 1,
    dispersion,
  };
}

/** Intervals of the risk difference and relative risk, on effective counts and widened by tau2. */
export function intervalsOf(raw: Comparison, dispersion: Dispersion, confidenceLevel: number): Intervals {
  const { n, k, n0, k0 } = integral(raw);
  const { phi } = dispersion;
  const mean = nullMean({ n, k, n0, k0 });
  const between = betweenShare(dispersion, mean);
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  return {
    riskDifferenceInterval: riskDifferenceInterval(
      k / phi,
      n / phi,
      k0 / phi,
      n0 / phi,
      z,
      between * mean * (1 - mean),
    ),
    relativeRiskInterval: relativeRiskInterval(
      k / phi,
      n / phi,
      k0 / phi,
      n0 / phi,
      z,
      (between * (1 - mean)) / mean,
    ),
  };
}

/** Whether a comparison's effect clears the floor and its (raw or adjusted) p is at most alpha. */
export function isElevated(result: ComparisonResult, p: number, settings: TestSettings): boolean {
  return p <= settings.alpha && result.riskDifference >= settings.minRiskDifference;
}

/** The comparison of `cell` along `dimension` inside its context (cell without the dimension). */
export function comparisonOf(
  cells: ReadonlyMap<string, CellCounts>,
  counts: CellCounts,
  dimension: Dimension,
): Comparison | undefined {
  const context = cells.get(keyIn(counts.family, without(counts.cell, dimension)));
  if (!context) return undefined;
  const n0 = context.n - counts.n;
  if (counts.n <= 0 || n0 <= 0.5) return undefined;
  return { n: counts.n, k: counts.k, n0, k0: context.k - counts.k };
}

/** Cells that are tested: they name a contrast dimension (stage-family cells also a stage). */
export function isTestable(counts: CellCounts): boolean {
  if (counts.family === 'detail' && counts.cell.detail_bucket === undefined) return false;
  if (counts.family === 'stage' && counts.cell.stage === undefined) return false;
  return CONTRAST_DIMENSIONS.some((d) => counts.cell[d] !== undefined);
}

/** Every (cell, contrast dimension) test, with q-values over all of them. */
export function testAll(
  cells: ReadonlyMap<string, CellCounts>,
  dispersion: ReadonlyMap<string, Dispersion>,
  settings: TestSettings,
): ContrastTest[] {
  const tests: Array<Omit<ContrastTest, 'q' | 'verdict'>> = [];
  for (const counts of cells.values()) {
    if (!isTestable(counts)) continue;
    for (const dimension of CONTRAST_DIMENSIONS) {
      if (counts.cell[dimension] === undefined) continue;
      const comparison = comparisonOf(cells, counts, dimension);
      if (!comparison) continue;
      const d = dispersionFor(
        dispersion.get(dispersionKey(counts.family, dimension)) ?? NO_DISPERSION,
        counts.cell[dimension],
      );
      tests.push({
        cell: counts.cell,
        key: counts.key,
        family: counts.family,
        dimension,
        ...comparison,
        ...compare(comparison, d),
      });
    }
  }
  const hypotheses = taroneCount(
    tests.map((t) => t.minimumP),
    settings.alpha,
  );
  const cutoff = settings.alpha / hypotheses;
  const powered = tests.flatMap((t, index) => (t.minimumP <= cutoff ? [index] : []));
  const weights = generalityWeights(powered.map((index) => generalityLevel(tests[index]!.cell)));
  const q = benjaminiHochberg(
    powered.map((index, position) => Math.min(1, tests[index]!.p / weights[position]!)),
    Math.max(hypotheses, powered.length),
  );
  const qByIndex = new Map(powered.map((testIndex, position) => [testIndex, q[position]!]));
  return tests.map((test, index) => {
    const adjusted = qByIndex.get(index);
    let verdict: Verdict = 'no-power';
    if (adjusted !== undefined) {
      if (adjusted > settings.alpha) verdict = 'not-significant';
      else if (test.riskDifference < settings.minRiskDifference) verdict = 'below-effect-floor';
      else verdict = 'significant';
    }
    return { ...test, q: adjusted ?? 1, verdict };
  });
}
