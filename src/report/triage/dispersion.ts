// Overdispersion of sibling cells, estimated robustly from the data (docs/report.md "The statistic").
// Two factors per family and contrast dimension:
//   phi ≥ 1: the sampling variance of a cell's rate is phi · p(1 − p) / n (windows of one session are
//            not independent), seen in small cells;
//   tau2 ≥ 0: healthy sibling cells' true rates differ on the logit scale with variance tau2, so their
//            rates with variance tau2 · (p(1 − p))², seen in large ones.
// Each sibling's rate is compared with the median of its OTHER siblings (so one culprit among four
// or more siblings moves no healthy deviation), and phi, tau2 are the values at which the median
// squared standardised deviation is the lower quartile of χ²₁ (a culprit is an outlier it ignores);
// then, with the outliers beyond OUTLIER_Z left out, where their mean is its expected value.
import { isTestable } from './contrasts.js';
import {
  CONTRAST_DIMENSIONS,
  keyIn,
  without,
  type CellCounts,
  type Dimension,
  type FamilyName,
} from './cells.js';

export interface Dispersion {
  phi: number;
  tau2: number;
  /** Sibling deviations the estimate rests on (0 = nothing to estimate from: phi 1, tau2 0). */
  deviations: number;
  /**
   * tau2 estimated without one value of the dimension (a version, an OS…), by value: a cell's test
   * uses the spread of its siblings, so a culprit's own deviation does not widen its own test.
   */
  tau2Without?: ReadonlyMap<string, LeaveOneOut>;
  /**
   * Degrees of freedom of tau2 when it was fitted without the tested value (its siblings' values
   * less one): the test then allows for the estimate's own uncertainty (a t tail). Absent: the
   * estimate includes the tested value, which is conservative.
   */
  tau2Df?: number;
  /** The estimate with the tested value among the siblings (the full one), when tau2 is without it. */
  tau2WithValue?: number;
}

export interface LeaveOneOut {
  tau2: number;
  df: number;
}

/** The dispersion a test of `value` along the dimension uses (its leave-one-value-out tau2). */
export function dispersionFor(dispersion: Dispersion, value: string | undefined): Dispersion {
  const own = value === undefined ? undefined : dispersion.tau2Without?.get(value);
  return own === undefined
    ? dispersion
    : { ...dispersion, tau2: own.tau2, tau2Df: own.df, tau2WithValue: dispersion.tau2 };
}

export const NO_DISPERSION: Dispersion = Object.freeze({ phi: 1, tau2: 0, deviations: 0 });

/** Lower quartile of the χ² distribution with one degree of freedom. */
const CHI2_1_LOWER_QUARTILE = 0.101531;

/** Standardised deviations beyond this are outliers (culprits), left out of the estimate. */
const OUTLIER_Z = 3.5;

interface Deviation {
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

export function dispersionKey(family: FamilyName, dimension: Dimension): string {
  return `${family}/${dimension}`;
}

/** The median of sorted `values` without the element at `skip`. */
function medianWithout(values: readonly number[], skip: number): number {
  const m = skip < 0 ? values.length : values.length - 1;
  const at = (i: number) => values[skip < 0 || i < skip ? i : i + 1]!;
  return m % 2 ? at((m - 1) / 2) : (at(m / 2 - 1) + at(m / 2)) / 2;
}

/** How a set of squared standardised deviations is summarised, and its value under the model. */
interface Target {
  summary: (values: number[]) => number;
  expected: number;
}

/**
 * First fit: the lower quartile, robust even when a large culprit is a quarter or more of the
 * deviations (a dominant release is the largest sibling in every context).
 */
const LOWER_QUARTILE: Target = {
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
const TRUNCATED_MEAN: Target = {
  summary: (values) => values.reduce((a, b) => a + b, 0) / values.length,
  expected: 1 - (2 * OUTLIER_Z * Math.exp(-(OUTLIER_Z ** 2) / 2)) / Math.sqrt(2 * Math.PI) / 0.99953,
};

/** The value x in [low, high] where the summary of f(x) meets its expected value (f decreasing in x). */
function solve(
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
const smallHalf = (list: Deviation[]) =>
  [...list].sort((a, b) => b.sampling - a.sampling).slice(0, Math.max(2, Math.ceil(list.length / 2)));
/** The half with the least sampling noise (large cells): they inform tau2. */
const largeHalf = (list: Deviation[]) =>
  [...list].sort((a, b) => a.sampling - b.sampling).slice(0, Math.max(2, Math.ceil(list.length / 2)));

/** tau2 at which the deviations' summary meets its expected value, at a given phi. */
function fitTau2(list: Deviation[], phi: number, settings: DispersionSettings, target: Target): number {
  return solve(
    list,
    (d, x) => d.squared / (d.variance * (phi * d.sampling + x * d.between)),
    0,
    settings.maxTau2,
    target,
  );
}

interface SiblingGroup {
  key: string;
  dimension: Dimension;
  variance: number;
  siblings: CellCounts[];
}

/**
 * Each informative sibling's deviation from the median of the other informative siblings, leaving
 * out the siblings whose value is in `excluded` (as subjects and as references).
 */
function deviationsOf(
  groups: SiblingGroup[],
  excluded: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Deviation[]> {
  const byKey = new Map<string, Deviation[]>();
  for (const group of groups) {
    const out = excluded.get(group.key);
    const references = out
      ? group.siblings.filter((s) => !out.has(s.cell[group.dimension] ?? ''))
      : group.siblings;
    if (references.length < 3) continue;
    const list = byKey.get(group.key) ?? [];
    byKey.set(group.key, list);
    const rates = references.map((s) => s.k / s.n).sort((a, b) => a - b);
    const inverseSum = references.reduce((sum, s) => sum + 1 / s.n, 0);
    for (const sibling of group.siblings) {
      const isReference = references.includes(sibling);
      const others = isReference ? references.length - 1 : references.length;
      // A median of m estimates varies about π/2 times as much as their mean.
      const referenceShare = Math.PI / 2 / others;
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

/**
 * phi is one factor for the whole fleet (how much windows of one session cling together does not
 * depend on the dimension); tau2 one per family and dimension. Small cells inform phi, large ones
 * tau2. A value (a version, an OS) whose deviation is beyond OUTLIER_Z standard deviations in any
 * context is a culprit, not healthy spread: the next fit leaves it out everywhere, as a subject and
 * as a reference (a culprit deviates a little in each small context and a lot in the large ones).
 */
function fit(
  groups: SiblingGroup[],
  keys: ReadonlySet<string>,
  settings: DispersionSettings,
): Map<string, Dispersion> {
  const tau2s = new Map<string, number>();
  let phi = 1;
  let excluded = new Map<string, Set<string>>();
  let byKey = deviationsOf(groups, excluded);
  const zSquared = (key: string, d: Deviation) =>
    d.squared / (d.variance * (phi * d.sampling + (tau2s.get(key) ?? 0) * d.between));
  for (let round = 0; round < 4; round++) {
    const target = round === 0 ? LOWER_QUARTILE : TRUNCATED_MEAN;
    for (const [key, all] of byKey) {
      const list = all.filter((d) => !d.excluded);
      const tau2 = list.length < 3 ? 0 : fitTau2(round === 0 ? list : largeHalf(list), phi, settings, target);
      tau2s.set(key, tau2);
    }
    const keyOf = new Map<Deviation, string>();
    for (const [key, list] of byKey) for (const d of list) keyOf.set(d, key);
    const pooled = [...byKey.values()].flat().filter((d) => !d.excluded);
    phi =
      pooled.length < 3
        ? 1
        : solve(
            smallHalf(pooled),
            (d, x) =>
              d.squared / (d.variance * (x * d.sampling + (tau2s.get(keyOf.get(d)!) ?? 0) * d.between)),
            1,
            100,
            target,
          );
    const next = new Map<string, Set<string>>();
    for (const [key, list] of byKey) {
      const outliers = new Set(list.filter((d) => zSquared(key, d) > OUTLIER_Z ** 2).map((d) => d.value));
      if (outliers.size) next.set(key, outliers);
    }
    excluded = next;
    byKey = deviationsOf(groups, excluded);
  }
  phi = Math.max(
    1,
    phi * upperBoundFactor(smallHalf([...byKey.values()].flat().filter((d) => !d.excluded)).length),
  );
  const result = new Map<string, Dispersion>();
  for (const group of groups) {
    if (!result.has(group.key))
      result.set(group.key, {
        phi,
        tau2: tau2s.get(group.key) ?? 0,
        deviations: byKey.get(group.key)?.filter((d) => !d.excluded).length ?? 0,
        tau2Without: leaveOneValueOut(groups, group.key, excluded, phi, tau2s.get(group.key) ?? 0, settings),
      });
  }
  // A dimension without informative siblings still has the fleet's clustering of windows.
  for (const key of keys) if (!result.has(key)) result.set(key, { phi, tau2: 0, deviations: 0 });
  return result;
}

/**
 * phi is read at its one-sided 90% upper confidence bound, a χ² with one degree of freedom per
 * deviation it rests on (Wilson–Hilferty): in a small fleet it rests on a few deviations and an
 * estimate near 1 by chance would let windows of one session pass for independent evidence.
 * Without any deviation to estimate from, windows are taken as clustered by PHI_WITHOUT_EVIDENCE.
 */
function upperBoundFactor(deviations: number): number {
  if (deviations < 1) return PHI_WITHOUT_EVIDENCE;
  const z = -1.2815516; // Φ⁻¹(0.1)
  const a = 2 / (9 * deviations);
  const lowerQuantile = deviations * Math.max(1e-3, 1 - a + z * Math.sqrt(a)) ** 3;
  return deviations / lowerQuantile;
}

/** phi when nothing informs it: windows of one session counted as two independent ones. */
const PHI_WITHOUT_EVIDENCE = 2;

/** Fewest deviations a leave-one-value-out tau2 rests on; with fewer it keeps the full estimate. */
const MIN_LEAVE_ONE_OUT_DEVIATIONS = 6;

/**
 * tau2 of `key` re-fitted without each value in turn (as subject and as reference), at the fleet's
 * phi. A value that is already an outlier keeps the full estimate (it is left out of it already).
 */
function leaveOneValueOut(
  groups: SiblingGroup[],
  key: string,
  excluded: ReadonlyMap<string, ReadonlySet<string>>,
  phi: number,
  full: number,
  settings: DispersionSettings,
): Map<string, LeaveOneOut> {
  const own = groups.filter((g) => g.key === key);
  const values = new Set(own.flatMap((g) => g.siblings.map((s) => s.cell[g.dimension] ?? '')));
  const out = excluded.get(key) ?? new Set<string>();
  const result = new Map<string, LeaveOneOut>();
  for (const value of values) {
    if (out.has(value)) continue;
    const list = (deviationsOf(own, new Map([[key, new Set([...out, value])]])).get(key) ?? []).filter(
      (d) => !d.excluded,
    );
    if (list.length < MIN_LEAVE_ONE_OUT_DEVIATIONS) continue;
    const tau2 = fitTau2(largeHalf(list), phi, settings, TRUNCATED_MEAN);
    const df = new Set(list.map((d) => d.value)).size - 1;
    if (tau2 < full && df >= 1) result.set(value, { tau2, df });
  }
  return result;
}

/**
 * phi and tau2 per family and contrast dimension, from base (non-tail) sibling cells: the cells
 * that share a context and differ in one contrast dimension. `isBase` says whether a cell's ordinal
 * values are single buckets.
 */
export function estimateDispersion(
  cells: ReadonlyMap<string, CellCounts>,
  isBase: (counts: CellCounts) => boolean,
  settings: DispersionSettings,
): Map<string, Dispersion> {
  const contexts = new Map<
    string,
    { family: FamilyName; dimension: Dimension; context: CellCounts; siblings: CellCounts[] }
  >();
  for (const counts of cells.values()) {
    if (!isBase(counts) || !isTestable(counts)) continue;
    for (const dimension of CONTRAST_DIMENSIONS) {
      if (counts.cell[dimension] === undefined) continue;
      const contextCell = without(counts.cell, dimension);
      if (dimension === 'detail_bucket' && contextCell.detail === undefined) continue;
      const context = cells.get(keyIn(counts.family, contextCell));
      if (!context) continue;
      const key = `${dispersionKey(counts.family, dimension)}#${context.key}`;
      let entry = contexts.get(key);
      if (!entry) contexts.set(key, (entry = { family: counts.family, dimension, context, siblings: [] }));
      entry.siblings.push(counts);
    }
  }
  const groups: SiblingGroup[] = [];
  const keys = new Set<string>();
  for (const entry of contexts.values()) {
    keys.add(dispersionKey(entry.family, entry.dimension));
    const p = entry.context.n > 0 ? entry.context.k / entry.context.n : 0;
    const variance = p * (1 - p);
    if (variance <= 0) continue;
    const informative = entry.siblings.filter(
      (s) => s.n * p >= settings.minExpected && s.n * (1 - p) >= settings.minExpected,
    );
    if (informative.length < 3) continue;
    groups.push({
      key: dispersionKey(entry.family, entry.dimension),
      dimension: entry.dimension,
      variance,
      siblings: informative,
    });
  }
  return fit(groups, keys, settings);
}
