import { CPU_BUCKETS } from '../../model/index.js';

// Bounds are compared with a relative tolerance because clients may compute them (e.g. 0.1 + 0.2).
const BOUND_TOLERANCE = 1e-9;

function sameBound(a: number, b: number): boolean {
  return Math.abs(a - b) <= BOUND_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * How a point's buckets map onto CPU_BUCKETS: the canonical bucket of each source bucket, or why
 * they cannot be mapped. Depends on the bounds only, so it is computed once per distinct bounds.
 */
type BucketPlan =
  { targets: Uint8Array; identity: boolean } | { problem: 'nan_value' | 'incompatible_buckets' };

/**
 * The plan of the bounds seen last. The protobuf decoder hands every point with the same bounds the
 * same frozen array (readPackedDoubleShared), so for a fleet that sends the canonical bounds this is
 * one identity check per point instead of a walk over the bounds.
 */
const NO_SAMPLES: readonly number[] = Object.freeze(new Array<number>(CPU_BUCKETS.length + 1).fill(0));

let lastPlan: { bounds: readonly number[]; plan: BucketPlan } | undefined;

function planFor(bounds: readonly number[]): BucketPlan {
  if (lastPlan?.bounds === bounds) return lastPlan.plan;
  const plan = computePlan(bounds);
  if (Object.isFrozen(bounds)) lastPlan = { bounds, plan };
  return plan;
}

function computePlan(bounds: readonly number[]): BucketPlan {
  for (const bound of bounds) if (!Number.isFinite(bound)) return { problem: 'nan_value' };
  for (let i = 1; i < bounds.length; i++) {
    if (!((bounds[i] as number) > (bounds[i - 1] as number))) return { problem: 'incompatible_buckets' };
  }
  const targets = new Uint8Array(bounds.length + 1);
  let target = 0; // canonical bucket that the current source bucket falls into
  for (let i = 0; i <= bounds.length; i++) {
    targets[i] = target;
    const upper = bounds[i];
    if (upper === undefined || target >= CPU_BUCKETS.length) continue;
    if (sameBound(upper, CPU_BUCKETS[target] as number)) target++;
    // A source bucket straddles a canonical bound: its samples cannot be split without guessing.
    else if (upper > (CPU_BUCKETS[target] as number)) return { problem: 'incompatible_buckets' };
  }
  if (target !== CPU_BUCKETS.length) return { problem: 'incompatible_buckets' };
  return { targets, identity: bounds.length === CPU_BUCKETS.length };
}

/**
 * Re-buckets a histogram point onto CPU_BUCKETS. The point's bounds must contain every canonical
 * bound (finer buckets are merged down, which is exact); otherwise the counts cannot be mapped
 * without guessing. Returns CPU_BUCKETS.length + 1 counts, or why the point cannot be used:
 * 'nan_value' for a non-finite bound, 'incompatible_buckets' for bounds that do not map.
 *
 * Points already on CPU_BUCKETS (every watchdog's) get `counts` itself back, not a copy: callers
 * treat the result as read-only, as they treat the decoded point.
 */
export function toCanonicalBuckets(
  bounds: readonly number[],
  counts: readonly number[],
  totalCount: number,
): readonly number[] | 'nan_value' | 'incompatible_buckets' {
  const plan = planFor(bounds);
  if ('problem' in plan && plan.problem === 'nan_value') return plan.problem;
  // OTLP allows omitting bucket counts of an empty point (whatever its bounds).
  if (counts.length === 0) return totalCount === 0 ? NO_SAMPLES : 'incompatible_buckets';
  if ('problem' in plan) return plan.problem;
  if (counts.length !== bounds.length + 1) return 'incompatible_buckets';
  if (plan.identity) return counts;
  const canonical = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
  const { targets } = plan;
  for (let i = 0; i < counts.length; i++) {
    const target = targets[i] as number;
    canonical[target] = (canonical[target] as number) + (counts[i] as number);
  }
  return canonical;
}

/** Index of the canonical bucket whose upper bound is `threshold`, or -1. */
export function canonicalBoundIndex(threshold: number): number {
  return CPU_BUCKETS.findIndex((b) => sameBound(b, threshold));
}

/** Samples strictly above `threshold` (a canonical bound): exact from canonical bucket counts. */
export function samplesAbove(canonicalCounts: readonly number[], threshold: number): number {
  return samplesAboveBound(canonicalCounts, canonicalBoundIndex(threshold));
}

/** samplesAbove with the bound's index looked up once (canonicalBoundIndex), not per sample. */
export function samplesAboveBound(canonicalCounts: readonly number[], index: number): number {
  if (index < 0) return 0;
  let n = 0;
  for (let i = index + 1; i < canonicalCounts.length; i++) n += canonicalCounts[i] as number;
  return n;
}
