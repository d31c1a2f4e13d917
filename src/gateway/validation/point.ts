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

function numberProblem(value: number | undefined): RejectReason | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value)) return 'nan_value';
  return value < 0 ? 'negative_value' : undefined;
}

/**
 * `problems` with `reason` added once (a point reports each distinct problem, not each field that
 * has it); allocated on the first problem only, so a valid point costs no array.
 */
function note(
  problems: RejectReason[] | undefined,
  reason: RejectReason | undefined,
): RejectReason[] | undefined {
  if (reason === undefined) return problems;
  if (problems === undefined) return [reason];
  if (!problems.includes(reason)) problems.push(reason);
  return problems;
}

/**
 * The point on CPU_BUCKETS, or EVERY distinct problem it has (so a client learns them all in one
 * round trip). The valid path allocates nothing but a re-bucketed copy when needed.
 */
export function validateCpuPoint(
  point: HistogramDataPoint,
  limits: PointLimits,
  window: PointTimeWindow,
  observed: AttributeObservations,
): CpuSample | RejectReason[] {
  let problems = note(undefined, checkAttributeLimits(point.attributes, limits, observed));

  const { startTimeUnixNano: start, timeUnixNano: time } = point;
  // A start time is required: it is the deduplication identity of a DELTA interval.
  if (start <= 0n || start > time) problems = note(problems, 'invalid_timestamps');
  if (time > window.latestNs) problems = note(problems, 'timestamp_in_future');
  else if (time < window.earliestNs) problems = note(problems, 'timestamp_too_old');

  problems = note(problems, numberProblem(point.sum));
  problems = note(problems, numberProblem(point.min));
  problems = note(problems, numberProblem(point.max));
  let countsValid = Number.isSafeInteger(point.count) && point.count >= 0;
  if (!countsValid) problems = note(problems, 'negative_value');
  let bucketTotal = 0;
  for (const c of point.bucketCounts) {
    if (!Number.isSafeInteger(c) || c < 0) {
      problems = note(problems, 'negative_value');
      countsValid = false;
      break;
    }
    bucketTotal += c;
  }
  if (countsValid && point.bucketCounts.length > 0 && bucketTotal !== point.count)
    problems = note(problems, 'count_mismatch');

  // A negative bound is legal; a non-finite one is 'nan_value' (checked with the bucket mapping).
  const bucketCounts = toCanonicalBuckets(point.explicitBounds, point.bucketCounts, point.count);
  if (typeof bucketCounts === 'string') problems = note(problems, bucketCounts);
  if (problems !== undefined) return problems;
  if (typeof bucketCounts === 'string') return [bucketCounts];

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
