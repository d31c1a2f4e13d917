// The statistics of the triage, dependency-free: an exact one-sided test for a cell's count against
// its complement's rate under overdispersion (beta-binomial, mid-p), confidence intervals for the
// risk difference and the relative risk, and the multiple-comparison control (Tarone + BH).

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Standard normal CDF Φ(z) (erf, Abramowitz & Stegun 7.1.26; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Φ⁻¹(p) (Acklam's rational approximation; relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * K ~ beta-binomial(n, mean p, rate variance share `spread`): the success probability itself varies
 * with variance p(1 − p)·spread (spread = 0 is the binomial). Integer n.
 */
export interface TailModel {
  n: number;
  p: number;
  spread: number;
}

function logPmf(model: TailModel, k: number): number {
  const { n, p, spread } = model;
  if (spread <= 0) {
    if (p <= 0) return k === 0 ? 0 : -Infinity;
    if (p >= 1) return k === n ? 0 : -Infinity;
    return logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p);
  }
  const total = 1 / spread - 1;
  const a = p * total;
  const b = (1 - p) * total;
  const logBeta = (x: number, y: number) => logGamma(x) + logGamma(y) - logGamma(x + y);
  return logChoose(n, k) + logBeta(k + a, n - k + b) - logBeta(a, b);
}

/** P(K = j + 1) / P(K = j). */
function pmfRatio(model: TailModel, j: number): number {
  const { n, p, spread } = model;
  if (spread <= 0) return ((n - j) / (j + 1)) * (p / (1 - p));
  const total = 1 / spread - 1;
  return ((n - j) / (j + 1)) * ((j + p * total) / (n - j - 1 + (1 - p) * total));
}

/** Above this (and above 50 trials), a one-sided p-value is the normal approximation: no test is significant there. */
export const NORMAL_ENOUGH = 0.2;

/**
 * One-sided mid-p value P(K > k) + ½ P(K = k), summed exactly term by term from P(K = k) outwards
 * (ratios of consecutive terms, so no underflow far in the tail). Returns its natural log as well,
 * for tails below the smallest double.
 */
export function upperMidP(k: number, model: TailModel): { p: number; logP: number } {
  const { n, p } = model;
  if (n <= 0 || p >= 1) return { p: 1, logP: 0 };
  if (p <= 0 && model.spread <= 0) return k > 0 ? { p: 0, logP: -Infinity } : { p: 0.5, logP: Math.log(0.5) };
  // Far from significance the exact digits do not matter: a continuity-corrected normal value with
  // the beta-binomial variance is returned when it is above NORMAL_ENOUGH.
  const sd = Math.sqrt(n * p * (1 - p) * (1 + (n - 1) * model.spread));
  const approximate = 1 - normalCdf((k - 0.5 - n * p) / sd);
  if (n > 50 && approximate > NORMAL_ENOUGH) return { p: approximate, logP: Math.log(approximate) };
  const logAtK = logPmf(model, k);
  if (k >= n * p) {
    let term = 1;
    let sum = 0;
    for (let j = k; j < n; j++) {
      term *= pmfRatio(model, j);
      sum += term;
      if (term < 1e-17 * sum || term === 0) break;
    }
    const logP = logAtK + Math.log(sum + 0.5);
    return { p: Math.exp(logP), logP };
  }
  let term = 1;
  let sum = 0;
  for (let j = k - 1; j >= 0; j--) {
    term /= pmfRatio(model, j);
    sum += term;
    if (term < 1e-17 * sum || term === 0) break;
  }
  const lower = Math.exp(logAtK) * (sum + 0.5);
  const value = Math.min(1, Math.max(0, 1 - lower));
  return { p: value, logP: Math.log(value) };
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T > t) for Student's t with `df` (> 0, not necessarily whole) degrees of freedom. */
export function studentUpperTail(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** Wilson score interval of k of n (n may be an effective, non-integer count). */
export function wilson(k: number, n: number, z: number): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval of p1 − p0 (method 10), from each rate's Wilson interval, with
 * the between-cell variance `extraVariance` added to both sides (overdispersion).
 */
export function riskDifferenceInterval(
  k1: number,
  n1: number,
  k0: number,
  n0: number,
  z: number,
  extraVariance: number,
): [number, number] {
  const p1 = n1 > 0 ? k1 / n1 : 0;
  const p0 = n0 > 0 ? k0 / n0 : 0;
  const [l1, u1] = wilson(k1, n1, z);
  const [l0, u0] = wilson(k0, n0, z);
  const extra = z * z * extraVariance;
  const d = p1 - p0;
  return [
    d - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2 + extra),
    d + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2 + extra),
  ];
}

/** Katz log interval of p1 / p0 (½ added to empty counts), widened by `extraLogVariance`. */
export function relativeRiskInterval(
  k1: number,
  n1: number,
  k0: number,
  n0: number,
  z: number,
  extraLogVariance: number,
): [number, number] {
  const fix = k1 === 0 || k0 === 0 ? 0.5 : 0;
  const a = k1 + fix;
  const c = k0 + fix;
  const logRr = Math.log(a / (n1 + fix) / (c / (n0 + fix)));
  const se = Math.sqrt(Math.max(0, 1 / a - 1 / (n1 + fix) + 1 / c - 1 / (n0 + fix)) + extraLogVariance);
  return [Math.exp(logRr - z * se), Math.exp(logRr + z * se)];
}

/** Benjamini–Hochberg adjusted p-values (q-values), in input order, over `m` ≥ length hypotheses. */
export function benjaminiHochberg(pValues: readonly number[], m = pValues.length): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length).fill(1);
  let runningMin = 1;
  for (let rank = order.length; rank >= 1; rank--) {
    const entry = order[rank - 1]!;
    runningMin = Math.min(runningMin, (entry.p * m) / rank);
    adjusted[entry.index] = runningMin;
  }
  return adjusted;
}

/**
 * Tarone's rule for discrete tests: the smallest K such that at most K tests can reach p ≤ α / K
 * at all (their smallest attainable p-value). Only those K tests count as hypotheses; the others
 * could never be significant, whatever the data.
 */
export function taroneCount(minimumPValues: readonly number[], alpha: number): number {
  const sorted = [...minimumPValues].sort((a, b) => a - b);
  let attainable = sorted.length;
  for (let k = 1; k <= sorted.length; k++) {
    while (attainable > 0 && sorted[attainable - 1]! > alpha / k) attainable--;
    if (attainable <= k) return k;
  }
  return Math.max(1, sorted.length);
}
