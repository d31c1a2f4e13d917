import { CPU_BUCKETS } from './metric-model.js';

// Bounds are compared with a relative tolerance because clients may compute them (e.g. 0.1 + 0.2).
const BOUND_TOLERANCE = 1e-9;

function sameBound(a: number, b: number): boolean {
  return Math.abs(a - b) <= BOUND_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Re-buckets a histogram point onto CPU_BUCKETS. The point's bounds must contain every canonical
 * bound (finer buckets are merged down, which is exact); otherwise the counts cannot be mapped
 * without guessing and the result is undefined. Returns CPU_BUCKETS.length + 1 counts.
 */
export function toCanonicalBuckets(
  bounds: readonly number[],
  counts: readonly number[],
  totalCount: number,
): number[] | undefined {
  const canonical = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
  // OTLP allows omitting bucket counts of an empty point.
  if (counts.length === 0) return totalCount === 0 ? canonical : undefined;
  if (counts.length !== bounds.length + 1) return undefined;
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i] as number;
    if (!Number.isFinite(bound)) return undefined;
    if (i > 0 && !(bound > (bounds[i - 1] as number))) return undefined;
  }
  let target = 0; // canonical bucket that the current source bucket falls into
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    canonical[target] = (canonical[target] as number) + count;
    const upper = bounds[i];
    if (
      upper !== undefined &&
      target < CPU_BUCKETS.length &&
      sameBound(upper, CPU_BUCKETS[target] as number)
    ) {
      target++;
    } else if (
      upper !== undefined &&
      target < CPU_BUCKETS.length &&
      upper > (CPU_BUCKETS[target] as number)
    ) {
      return undefined; // a source bucket straddles a canonical bound
    }
  }
  return target === CPU_BUCKETS.length ? canonical : undefined;
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
