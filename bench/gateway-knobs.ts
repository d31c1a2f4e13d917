// The settings of `npm run bench:gateway`, from the environment (documented in bench/gateway.ts).

import type { LoadJob } from './gateway-load.js';
import type { PayloadOptions } from './gateway-payloads.js';

export const RUNS = integerKnob('FILESFU_BENCH_RUNS', 3, 1);
// Sized in points, not seconds: a run must include the major GCs of a gateway holding its full
// session store, and those come with the amount of allocation. Shorter runs catch one or none and
// vary from run to run by more than the differences the benchmark is meant to show.
export const POINTS_PER_RUN = integerKnob('FILESFU_BENCH_POINTS', 1_000_000, 1);
export const CONCURRENCY = integerKnob('FILESFU_BENCH_CONCURRENCY', 8, 1);
// A server runs for days, so the benchmark measures the steady state: V8 keeps optimising the hot
// path for a while, and every request of this load is a new install and session, so the session
// store, token cache and rate-limit buckets grow until they are full (200k sessions = 2M points
// here). The Go collector has no warm-up; it gets the same load.
export const PACED_SECONDS = integerKnob('FILESFU_BENCH_PACED_SECONDS', 10, 1);
export const WARMUP_POINTS = integerKnob('FILESFU_BENCH_WARMUP_POINTS', 2_000_000, 0);
export const POINTS_PER_SESSION = integerKnob('FILESFU_BENCH_POINTS_PER_SESSION', 10, 1);
export const INSTALLS = integerKnob('FILESFU_BENCH_INSTALLS', 0, 0);
export const RETURNING_INSTALLS =
  INSTALLS > 0 ? { count: INSTALLS, issuedAtSeconds: Math.floor(Date.now() / 1000) } : undefined;
export const KEY_ID = 'bench';
export const SECRET = 'bench-secret-0123456789abcdef';

/** The bodies of one shape, as the knobs say. */
export function payloadOptions(pointsPerRequest: number, gzip: boolean): PayloadOptions {
  return {
    pointsPerRequest,
    gzip,
    keyId: KEY_ID,
    secret: SECRET,
    pointsPerSession: POINTS_PER_SESSION,
    returningInstalls: RETURNING_INSTALLS,
  };
}

/**
 * A run of about `points` data points of one shape against `url` (the server's base URL), at the
 * knobs' concurrency; at least one request per connection.
 */
export function loadJob(
  url: string,
  pointsPerRequest: number,
  gzip: boolean,
  points: number,
  pacedRate?: number,
): LoadJob {
  return {
    url: `${url}/v1/metrics`,
    payload: payloadOptions(pointsPerRequest, gzip),
    requests: Math.max(CONCURRENCY, Math.round(points / pointsPerRequest)),
    concurrency: CONCURRENCY,
    pacedRate,
  };
}

/** An integer env knob ≥ `min`, or `fallback` when unset; anything else stops the benchmark. */
export function integerKnob(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  }
  return value;
}
