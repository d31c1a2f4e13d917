// Deviations of sibling cells (cells that share a context and differ in one contrast dimension) and
// the robust fits on them (docs/report.md "The statistic"). Each sibling's rate is compared with the
// median of its OTHER siblings, so one culprit among four or more siblings moves no healthy
// deviation; with two siblings left, each is compared with the other.
import type { CellCounts, Dimension } from './cells.js';
/** Lower quartile of the χ² distribution with one degree of freedom. */
export const CHI2_1_LOWER_QUARTILE = 0.101531;

/** Standardised deviations beyond this are outliers (culprits), left out of the estimate. */
export const OUTLIER_Z = 3.5;

export interface Deviation {
  /** The sibling's value of the dimension (its version, OS, …). */
  value: string;
  /** An outlier value: not a reference, and left out of the fit (still checked each round). */
  excluded: boolean;
  squared: number;
  /** p(1 − p) of the context. */
  variance: number;
  /** Weight of phi in the deviation's variance (1/n of the cell plus the reference's share). */
  sampling: number;
  /** Weight of tau2: (p(1 − p))² times one plus the reference's share. */
  between: number;
}

export interface DispersionSettings {
  /** A sibling informs the estimate when it expects at least this many high and this many other windows. */
  minExpected: number;
  /** Largest tau2 the estimate may reach (variance on the logit scale). */
  maxTau2: number;
}

/** The median of sorted `values` without the element at `skip`. */
function medianWithout(values: readonly number[], skip: number): number {
  const m = skip < 0 ? values.length : values.length - 1;
  const at = (i: number) => values[skip < 0 || i < skip ? i : i + 1]!;
  return m % 2 ? at((m - 1) / 2) : (at(m / 2 - 1) + at(m / 2)) / 2;
}

/** How a set of squared standardised deviations is summarised, and its value under the model. */
export interface Target {
  summary: (values: number[]) => number;
  expected: number;
}

/**
 * First fit: the lower quartile, robust even when a large culprit is a quarter or more of the
 * deviations (a dominant release is the largest sibling in every context).
 */
export const LOWER_QUARTILE: Target = {
  summary: (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 4)]!;
  },
  expected: CHI2_1_LOWER_QUARTILE,
};

/**
 * Later fits, on the inliers: the mean, far less noisy than a median; E[z² | |z| ≤ c] for a
 * standard normal z is 1 − 2cφ(c) / (2Φ(c) − 1).
 */
export const TRUNCATED_MEAN: Target = {
  summary: (values) => values.reduce((a, b) => a + b, 0) / values.length,
  expected: 1 - (2 * OUTLIER_Z * Math.exp(-(OUTLIER_Z ** 2) / 2)) / Math.sqrt(2 * Math.PI) / 0.99953,
};

/** The value x in [low, high] where the summary of f(x) meets its expected value (f decreasing in x). */
export function solve(
  deviations: Deviation[],
  z2: (d: Deviation, x: number) => number,
  low: number,
  high: number,
  target: Target,
): number {
  const at = (x: number) => target.summary(deviations.map((d) => z2(d, x)));
  if (deviations.length === 0 || at(low) <= target.expected) return low;
  if (at(high) > target.expected) return high;
  let a = low;
  let b = high;
  for (let i = 0; i < 50; i++) {
    const mid = (a + b) / 2;
    if (at(mid) > target.expected) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

/** The half of the deviations with the most sampling noise (small cells): they inform phi. */
export const smallHalf = (list: Deviation[]) =>
  [...list].sort((a, b) => b.sampling - a.sampling).slice(0, Math.max(2, Math.ceil(list.length / 2)));
/** The half with the least sampling noise (large cells): they inform tau2. */
export const largeHalf = (list: Deviation[]) =>
  [...list].sort((a, b) => a.sampling - b.sampling).slice(0, Math.max(2, Math.ceil(list.length / 2)));

/** tau2 at which the deviations' summary meets its expected value, at a given phi. */
export function fitTau2(
  list: Deviation[],
  phi: number,
  settings: DispersionSettings,
  target: Target,
): number {
  return solve(
    list,
    (d, x) => d.squared / (d.variance * (phi * d.sampling + x * d.between)),
    0,
    settings.maxTau2,
    target,
  );
}

export interface SiblingGroup {
  key: string;
  dimension: Dimension;
  variance: number;
  siblings: CellCounts[];
}

/**
 * Each informative sibling's deviation from the median of the other informative siblings, leaving
 * out the siblings whose value is in `excluded` (as subjects and as references). Contexts with fewer
 * than `minReferences` siblings left give none (2: the pair's difference, for a few-valued dimension).
 */
export function deviationsOf(
  groups: SiblingGroup[],
  excluded: ReadonlyMap<string, ReadonlySet<string>>,
  minReferences = 3,
): Map<string, Deviation[]> {
  const byKey = new Map<string, Deviation[]>();
  for (const group of groups) {
    const out = excluded.get(group.key);
    const references = out
      ? group.siblings.filter((s) => !out.has(s.cell[group.dimension] ?? ''))
      : group.siblings;
    if (references.length < minReferences) continue;
    const list = byKey.get(group.key) ?? [];
    byKey.set(group.key, list);
    const rates = references.map((s) => s.k / s.n).sort((a, b) => a - b);
    const inverseSum = references.reduce((sum, s) => sum + 1 / s.n, 0);
    for (const sibling of group.siblings) {
      const isReference = references.includes(sibling);
      const others = isReference ? references.length - 1 : references.length;
      // A median of m ≥ 3 estimates varies about π/2 times as much as their mean; a single other is itself.
      const referenceShare = others === 1 ? 1 : Math.PI / 2 / others;
      const rate = sibling.k / sibling.n;
      const reference = isReference ? medianWithout(rates, rates.indexOf(rate)) : medianWithout(rates, -1);
      const meanInverseN = (inverseSum - (isReference ? 1 / sibling.n : 0)) / others;
      list.push({
        value: sibling.cell[group.dimension] ?? '',
        excluded: !isReference,
        squared: (rate - reference) ** 2,
        variance: group.variance,
        sampling: 1 / sibling.n + referenceShare * meanInverseN,
        between: group.variance * (1 + referenceShare),
      });
    }
  }
  return byKey;
}
