// The healthy spread a test allows for (docs/report.md "The statistic"): the spread between the
// tested value's siblings, without the value itself (a culprit must not widen its own test), and,
// beside it, the fleet's spread along its other dimensions. A dimension with few values (three
// versions, three OSes) says little about its own healthy spread once the tested value is left out;
// how much a healthy fleet varies along its other dimensions is the best evidence left, pooled
// with the siblings' own by degrees of freedom (as a scaled-χ² prior is).
import { parseDispersionKey, type Dispersion, type SpreadEstimate } from './dispersion.js';
import {
  TRUNCATED_MEAN,
  deviationsOf,
  fitTau2,
  largeHalf,
  type DispersionSettings,
  type SiblingGroup,
} from './sibling-deviations.js';

/** Fewest deviations a leave-one-value-out tau2 (or a borrowed one) rests on. */
export const MIN_SPREAD_DEVIATIONS = 6;

/**
 * tau2 of `key` re-fitted without each value in turn (as subject and as reference), at the fleet's
 * phi. With fewer than three siblings left in a context, the pair left is compared directly. A
 * value that is already an outlier keeps the full estimate (it is left out of it already).
 */
export function leaveOneValueOut(
  groups: SiblingGroup[],
  key: string,
  excluded: ReadonlyMap<string, ReadonlySet<string>>,
  phi: number,
  full: number,
  settings: DispersionSettings,
): Map<string, SpreadEstimate> {
  const own = groups.filter((g) => g.key === key);
  const values = new Set(own.flatMap((g) => g.siblings.map((s) => s.cell[g.dimension] ?? '')));
  const out = excluded.get(key) ?? new Set<string>();
  const result = new Map<string, SpreadEstimate>();
  for (const value of values) {
    if (out.has(value)) continue;
    const leaveOut = new Map([[key, new Set([...out, value])]]);
    const inliers = (minReferences: number) =>
      (deviationsOf(own, leaveOut, minReferences).get(key) ?? []).filter((d) => !d.excluded);
    let list = inliers(3);
    if (list.length < MIN_SPREAD_DEVIATIONS) list = inliers(2);
    if (list.length < MIN_SPREAD_DEVIATIONS) continue;
    const tau2 = fitTau2(largeHalf(list), phi, settings, TRUNCATED_MEAN);
    const df = new Set(list.map((d) => d.value)).size - 1;
    if (tau2 < full && df >= 1) result.set(value, { tau2, df });
  }
  return result;
}

/**
 * Degrees of freedom the borrowed spread counts for at most: another dimension's spread is evidence
 * about this one's, but weaker than its own siblings (a noisy fleet varies along every dimension,
 * not by the same amount along each), so it counts as two values' worth.
 */
const BORROWED_DF = 2;

/**
 * An estimate without the value that widens it most. A culprit cell deviates along several dimensions
 * at once (a fault of one OS in one version lifts that OS in the version's contexts), so a spread
 * taken whole from another dimension can be the culprit's own.
 */
function withoutMostDeviant(dispersion: Dispersion): number {
  return Math.min(dispersion.tau2, ...[...(dispersion.tau2Without?.values() ?? [])].map((l) => l.tau2));
}

/**
 * Each estimate with the fleet's spread along its other dimensions beside it: the largest tau2 among
 * the other dimensions' estimates that rest on enough deviations, with its values less one as its
 * degrees of freedom (at most BORROWED_DF). A dimension whose own estimate rests on too few
 * deviations (two versions) takes that spread as its own, with its uncertainty; there each estimate
 * is taken without its most deviant value, because no estimate of the dimension's own is pooled
 * with it to outweigh a culprit's trace.
 */
export function withBorrowedSpread(estimates: ReadonlyMap<string, Dispersion>): Map<string, Dispersion> {
  const informative = [...estimates].filter(([, d]) => d.deviations >= MIN_SPREAD_DEVIATIONS);
  const dimensionOf = (key: string) => parseDispersionKey(key).dimension;
  const result = new Map<string, Dispersion>();
  const largest = (key: string, estimate: (d: Dispersion) => number): SpreadEstimate | undefined => {
    let borrowed: SpreadEstimate | undefined;
    for (const [other, d] of informative) {
      const tau2 = estimate(d);
      if (dimensionOf(other) === dimensionOf(key) || (borrowed && tau2 < borrowed.tau2)) continue;
      borrowed = { tau2, df: Math.min(BORROWED_DF, Math.max(1, d.values - 1)) };
    }
    return borrowed;
  };
  for (const [key, dispersion] of estimates) {
    if (dispersion.deviations >= MIN_SPREAD_DEVIATIONS) {
      const borrowed = largest(key, (d) => d.tau2);
      result.set(key, borrowed ? { ...dispersion, borrowed } : dispersion);
      continue;
    }
    const borrowed = largest(key, withoutMostDeviant);
    if (!borrowed) result.set(key, dispersion);
    else {
      const tau2 = Math.max(dispersion.tau2, borrowed.tau2);
      result.set(key, { ...dispersion, tau2, tau2Df: borrowed.df, shareTau2: tau2 });
    }
  }
  return result;
}

/**
 * The dispersion a test of `value` along the dimension uses: tau2 of the value's siblings (without
 * it), pooled with the borrowed spread when there is one; the t tail's share is then read at the
 * larger of the pooled and the siblings' estimate. Without a borrowed spread, it is read at the full
 * estimate (conservative: it contains the tested value).
 */
export function dispersionFor(dispersion: Dispersion, value: string | undefined): Dispersion {
  const own = value === undefined ? undefined : dispersion.tau2Without?.get(value);
  if (own === undefined) return dispersion;
  const borrowed = dispersion.borrowed;
  if (borrowed === undefined)
    return { ...dispersion, tau2: own.tau2, tau2Df: own.df, shareTau2: dispersion.tau2 };
  const df = own.df + borrowed.df;
  const tau2 = (own.df * own.tau2 + borrowed.df * borrowed.tau2) / df;
  return { ...dispersion, tau2, tau2Df: df, shareTau2: Math.max(tau2, own.tau2) };
}
