// What to do with one POST result. The rules (docs/watchdog.md):
// - 2xx: delivered (a partial_success is still delivered: rejected points are not retryable).
// - 429, 503: the gateway asks us to slow down; honour Retry-After (seconds or HTTP date), else back off.
// - 408, other 5xx, network errors/timeouts: exponential backoff with jitter, up to a cap.
// - 400, 401, 403, 404, 413, 415 and any other 4xx: permanent; retrying the same bytes cannot succeed,
//   and would block every later entry behind it, so the entry goes to the dead-letter store.
import type { PostResult } from './http-poster.js';

export interface RetrySettings {
  /** First backoff delay; doubles per consecutive failure. */
  baseDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** Cap on a server-provided Retry-After (a hostile or buggy value must not park us for days). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 300_000,
};

export type Outcome =
  | { action: 'delivered' }
  | { action: 'retry'; delayMs: number; reason: string }
  | { action: 'dead-letter'; reason: string };

/** Retry-After as milliseconds from now; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name; anything else ("-3", "1.5") is garbage.
  if (!/^[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Full-jitter-ish exponential backoff: a random delay in [50%, 100%] of min(cap, base·2^attempt). */
export function backoffDelayMs(failures: number, settings: RetrySettings, random: () => number): number {
  const exponent = Math.min(Math.max(0, failures - 1), 30);
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/**
 * @param failures consecutive failures of this entry INCLUDING this one (1 on the first failure).
 */
export function classifyResult(
  result: PostResult,
  failures: number,
  settings: RetrySettings,
  random: () => number = Math.random,
  nowMs = Date.now(),
): Outcome {
  if (result.kind === 'network-error') {
    return { action: 'retry', delayMs: backoffDelayMs(failures, settings, random), reason: 'network-error' };
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { action: 'delivered' };
  if (status === 429 || status === 503) {
    const retryAfter = parseRetryAfter(result.retryAfter, nowMs);
    const delayMs =
      retryAfter === undefined
        ? backoffDelayMs(failures, settings, random)
        : Math.min(retryAfter, settings.maxRetryAfterMs);
    return { action: 'retry', delayMs, reason: `http-${status}` };
  }
  // Not the gateway's verdict on the batch: a redirect (a proxy sending http to https, a captive
  // portal) or an informational answer. Dead-lettering would throw away every batch until the
  // endpoint is fixed; retrying keeps them spooled (and bounded by the spool's limits).
  if (status === 408 || status >= 500 || status < 200 || (status >= 300 && status < 400)) {
    return { action: 'retry', delayMs: backoffDelayMs(failures, settings, random), reason: `http-${status}` };
  }
  return { action: 'dead-letter', reason: `http-${status}` };
}
