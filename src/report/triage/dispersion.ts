// Overdispersion of sibling cells, estimated robustly from the data (docs/report.md "The statistic").
// Two factors per family and contrast dimension:
//   phi ≥ 1: the sampling variance of a cell's rate is phi · p(1 − p) / n (windows of one session are
//            not independent), seen in small cells;
//   tau2 ≥ 0: healthy sibling cells' true rates differ on the logit scale with variance tau2, so their
//            rates with variance tau2 · (p(1 − p))², seen in large ones.
// phi and tau2 are first the values at which the lower quartile of the squared standardised
// deviations (sibling-deviations.ts) is that of χ²₁ (a culprit is an outlier it ignores); then, with
// the outliers beyond OUTLIER_Z left out, where their mean is its expected value. healthy-spread.ts
// turns the estimates into the spread each test allows for.
import { isTestable } from './contrasts.js';
import {
  CONTRAST_DIMENSIONS,
  keyIn,
  without,
  type CellCounts,
  type Dimension,
  type FamilyName,
} from './cells.js';
import { leaveOneValueOut, withBorrowedSpread } from './healthy-spread.js';
import {
  LOWER_QUARTILE,
  OUTLIER_Z,
  TRUNCATED_MEAN,
  deviationsOf,
  fitTau2,
  largeHalf,
  smallHalf,
  solve,
  type Deviation,
  type DispersionSettings,
  type SiblingGroup,
} from './sibling-deviations.js';

export type { DispersionSettings } from './sibling-deviations.js';

export interface Dispersion {
  phi: number;
  tau2: number;
  /** Sibling deviations the estimate rests on (0 = nothing to estimate from: phi 1, tau2 0). */
  deviations: number;
  /** Distinct values of the dimension among those deviations. */
  values: number;
  /**
   * tau2 estimated without one value of the dimension (a version, an OS…), by value: a cell's test
   * uses the spread of its siblings, so a culprit's own deviation does not widen its own test.
   */
  tau2Without?: ReadonlyMap<string, SpreadEstimate>;
  /** The fleet's healthy spread along its other dimensions (healthy-spread.ts). */
  borrowed?: SpreadEstimate;
  /**
   * Degrees of freedom of the tau2 a test uses when it is an estimate of few values (without the
   * tested value, or borrowed): the test then allows for the estimate's own uncertainty (a t tail).
   * Absent: the estimate includes the tested value, which is conservative.
   */
  tau2Df?: number;
  /** The tau2 at which that uncertainty's share of the variance is read (Satterthwaite). */
  shareTau2?: number;
}

/** A tau2 estimate and its degrees of freedom (the values it rests on, less one). */
export interface SpreadEstimate {
  tau2: number;
  df: number;
}

export const NO_DISPERSION: Dispersion = Object.freeze({ phi: 1, tau2: 0, deviations: 0, values: 0 });

export function dispersionKey(family: FamilyName, dimension: Dimension): string {
  return `${family}/${dimension}`;
}

/** The family and dimension of a dispersionKey. */
export function parseDispersionKey(key: string): { family: FamilyName; dimension: Dimension } {
  const [family, dimension] = key.split('/') as [FamilyName, Dimension];
  return { family, dimension };
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
    if (result.has(group.key)) continue;
    const inliers = byKey.get(group.key)?.filter((d) => !d.excluded) ?? [];
    result.set(group.key, {
      phi,
      tau2: tau2s.get(group.key) ?? 0,
      deviations: inliers.length,
      values: new Set(inliers.map((d) => d.value)).size,
      tau2Without: leaveOneValueOut(groups, group.key, excluded, phi, tau2s.get(group.key) ?? 0, settings),
    });
  }
  // A dimension without informative siblings still has the fleet's clustering of windows.
  for (const key of keys) if (!result.has(key)) result.set(key, { phi, tau2: 0, deviations: 0, values: 0 });
  return withBorrowedSpread(result);
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
