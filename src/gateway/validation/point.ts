import type { HistogramDataPoint } from '../../otlp/model.js';
import type { AttributeLimits, AttributeObservations } from './attributes.js';
import { checkAttributeLimits } from './attributes.js';
import { toCanonicalBuckets } from './buckets.js';
import type { RejectReason } from './reasons.js';

/**
 * A CPU histogram point that passed validation, on CPU_BUCKETS: the decoded point itself when it
 * already was (every watchdog's point; no copy per point), else a re-bucketed copy. Read-only
 * downstream. Its stage attribute is read by the caller (stringAttribute), kept beside it.
 */
export interface CpuSample {
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  /** CPU_BUCKETS.length + 1 counts. */
  readonly bucketCounts: readonly number[];
  readonly count: number;
  /** Absent in OTLP when not recorded; counts as 0. */
  readonly sum: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export interface PointLimits extends AttributeLimits {
  maxFutureSkewMs: number;
  maxPointAgeMs: number;
}

const NS_PER_MS = 1_000_000n;

/** The accepted range of point timestamps for one request (ns), computed once per request. */
export interface PointTimeWindow {
  latestNs: bigint;
  earliestNs: bigint;
}

export function pointTimeWindow(limits: PointLimits, nowMs: number): PointTimeWindow {
  const nowNs = BigInt(Math.floor(nowMs)) * NS_PER_MS;
  return {
    latestNs: nowNs + BigInt(limits.maxFutureSkewMs) * NS_PER_MS,
    earliestNs: nowNs - BigInt(limits.maxPointAgeMs) * NS_PER_MS,
  };
}

function checkNumber(value: number | undefined): RejectReason | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value)) return 'nan_value';
  return value < 0 ? 'negative_value' : undefined;
}

export function validateCpuPoint(
  point: HistogramDataPoint,
  limits: PointLimits,
  window: PointTimeWindow,
  observed: AttributeObservations,
): CpuSample | RejectReason {
  const attributeProblem = checkAttributeLimits(point.attributes, limits, observed);
  if (attributeProblem) return attributeProblem;

  const { startTimeUnixNano: start, timeUnixNano: time } = point;
  // A start time is required: it is the deduplication identity of a DELTA interval.
  if (start <= 0n || start > time) return 'invalid_timestamps';
  if (time > window.latestNs) return 'timestamp_in_future';
  if (time < window.earliestNs) return 'timestamp_too_old';

  const numberProblem = checkNumber(point.sum) ?? checkNumber(point.min) ?? checkNumber(point.max);
  if (numberProblem) return numberProblem;
  if (!Number.isSafeInteger(point.count) || point.count < 0) return 'negative_value';
  let bucketTotal = 0;
  for (const c of point.bucketCounts) {
    if (!Number.isSafeInteger(c) || c < 0) return 'negative_value';
    bucketTotal += c;
  }
  if (point.bucketCounts.length > 0 && bucketTotal !== point.count) return 'count_mismatch';

  // A negative bound is legal; a non-finite one is 'nan_value' (checked with the bucket mapping).
  const bucketCounts = toCanonicalBuckets(point.explicitBounds, point.bucketCounts, point.count);
  if (typeof bucketCounts === 'string') return bucketCounts;

  if (bucketCounts === point.bucketCounts) return point;
  return {
    startTimeUnixNano: start,
    timeUnixNano: time,
    bucketCounts,
    count: point.count,
    sum: point.sum,
    min: point.min,
    max: point.max,
  };
}
