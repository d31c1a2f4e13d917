// The statistics behind the triage's ranking, kept tiny and dependency-free.

/** Standard normal CDF Φ(z) (Abramowitz & Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export interface Proportion {
  /** Units that had the property (high-CPU sessions). */
  successes: number;
  /** All units (sessions). */
  trials: number;
}

/**
 * One-sided two-proportion z-test (pooled): is the group's rate HIGHER than the comparison's?
 * Returns the p-value; 1 when there is no evidence at all (empty groups, or both rates 0 or 1).
 * The normal approximation is only used where the triage's minimum counts already hold.
 */
export function twoProportionPValue(group: Proportion, comparison: Proportion): number {
  if (group.trials <= 0 || comparison.trials <= 0) return 1;
  const pooled = (group.successes + comparison.successes) / (group.trials + comparison.trials);
  const variance = pooled * (1 - pooled) * (1 / group.trials + 1 / comparison.trials);
  if (variance <= 0) return 1;
  const z = (group.successes / group.trials - comparison.successes / comparison.trials) / Math.sqrt(variance);
  return 1 - normalCdf(z);
}

/**
 * Benjamini–Hochberg adjusted p-values (same order as the input). A hypothesis is rejected at false
 * discovery rate α when its adjusted p-value ≤ α; when nothing is really different this also bounds
 * the chance of naming ANY suspect by α.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m).fill(1);
  let runningMin = 1;
  for (let rank = m; rank >= 1; rank--) {
    const entry = order[rank - 1] as { p: number; index: number };
    runningMin = Math.min(runningMin, (entry.p * m) / rank);
    adjusted[entry.index] = runningMin;
  }
  return adjusted;
}
