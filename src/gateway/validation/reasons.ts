// Every reason a data point can be rejected for. The code is the `reason` label of
// filesfu_gateway_datapoints_rejected_total; the client gets it in the OTLP partial_success message
// (or the 400/403 body) together with what was expected and how to get it with a standard SDK.
import { CPU_BUCKETS, CPU_METRIC_NAME, RESOURCE_KEYS } from '../../model/index.js';
import { rejectionFix, type MessageContext } from './rejection-fixes.js';

/** In message order: the resource first, then the metric, then the point (the order to fix them in). */
export const REJECT_REASONS = {
  install_id_mismatch: `resource ${RESOURCE_KEYS.serviceInstanceId} does not match the install of the credential`,
  missing_instance_id: `resource has no ${RESOURCE_KEYS.serviceInstanceId} (the install id)`,
  missing_session_id: `resource has no ${RESOURCE_KEYS.sessionId}`,
  invalid_session_id: `${RESOURCE_KEYS.sessionId} is not a UUID-like token of bounded length`,
  missing_version: `resource has no ${RESOURCE_KEYS.serviceVersion}`,
  missing_os_type: `resource has no ${RESOURCE_KEYS.osType}`,
  too_many_attributes: 'more attributes than allowed',
  attribute_value_too_long: 'attribute value longer than allowed',
  wrong_metric_type: `${CPU_METRIC_NAME} is not a Histogram`,
  wrong_temporality: `${CPU_METRIC_NAME} is not DELTA`,
  incompatible_buckets: 'histogram bounds do not contain the canonical CPU buckets',
  count_mismatch: 'histogram count differs from the sum of its bucket counts',
  nan_value: 'NaN or infinite value',
  negative_value: 'negative value',
  invalid_timestamps: 'start time missing or after time',
  timestamp_too_old: 'timestamp older than allowed',
  timestamp_in_future: 'timestamp too far in the future',
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;

const REASON_ORDER = new Map(Object.keys(REJECT_REASONS).map((reason, i) => [reason as RejectReason, i]));

/** Metric names quoted in the "ignored" note at most (the count is always exact). */
export const MAX_IGNORED_METRIC_NAMES = 5;
/** Characters of a client-sent value echoed in a message at most. */
const MAX_ECHOED_VALUE_CHARS = 80;

export type { MessageContext } from './rejection-fixes.js';

/**
 * Counts one request's rejected data points (each once) and, per reason, the points that have it
 * (a point may have several), the first offending value seen, and the points of metrics the gateway
 * does not use (ignored, not rejected). Renders the actionable message for the client.
 */
export class RejectionTally {
  private readonly counts = new Map<RejectReason, number>();
  private readonly primary = new Map<RejectReason, number>();
  private readonly seen = new Map<RejectReason, string>();
  private readonly ignoredNames = new Set<string>();
  private totalCount = 0;
  private ignoredCount = 0;

  constructor(private readonly context: MessageContext) {}

  /** `points` rejected for `reason` alone. */
  add(reason: RejectReason, points: number, got?: string): void {
    this.addAll([reason], points, got === undefined ? undefined : { [reason]: got });
  }

  /**
   * `points` rejected, each for every reason in `reasons` (non-empty; the first is the primary
   * reason, the one they are counted under in the per-reason self-metric). `got`: what the client
   * sent, per reason, to quote back.
   */
  addAll(
    reasons: readonly RejectReason[],
    points: number,
    got?: Partial<Record<RejectReason, string>>,
  ): void {
    if (points <= 0 || reasons.length === 0) return;
    for (const reason of reasons) {
      this.counts.set(reason, (this.counts.get(reason) ?? 0) + points);
      const value = got?.[reason];
      if (value !== undefined && !this.seen.has(reason)) this.seen.set(reason, echo(value));
    }
    const first = reasons[0] as RejectReason;
    this.primary.set(first, (this.primary.get(first) ?? 0) + points);
    this.totalCount += points;
  }

  /** Points of a metric the gateway does not read: dropped, counted, mentioned, never an error. */
  ignore(metricName: string, points: number): void {
    if (points <= 0) return;
    this.ignoredCount += points;
    if (this.ignoredNames.size < MAX_IGNORED_METRIC_NAMES) this.ignoredNames.add(echo(metricName));
  }

  get total(): number {
    return this.totalCount;
  }

  get ignored(): number {
    return this.ignoredCount;
  }

  has(reason: RejectReason): boolean {
    return this.counts.has(reason);
  }

  /** Rejected points by primary reason (each point once), most frequent first. */
  entries(): Array<[RejectReason, number]> {
    return [...this.primary.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  /** Every distinct reason of the request with the points that have it, in fix order. */
  reasons(): Array<[RejectReason, number]> {
    return [...this.counts.entries()].sort(
      (a, b) => (REASON_ORDER.get(a[0]) as number) - (REASON_ORDER.get(b[0]) as number),
    );
  }

  /**
   * '' when nothing was rejected or ignored. Else every distinct problem with what was expected and
   * how to get it, then the note on ignored metrics; at most `context.maxErrorMessageChars`
   * characters (problems that do not fit are still named by code).
   */
  message(): string {
    const parts: string[] = [];
    const reasons = this.reasons();
    if (this.totalCount > 0) {
      const noun = this.totalCount === 1 ? 'data point' : 'data points';
      const problems = reasons.length === 1 ? '1 problem' : `${reasons.length} problems`;
      parts.push(`${this.totalCount} ${noun} of ${CPU_METRIC_NAME} rejected (${problems}; fix all):`);
      reasons.forEach(([reason, n], i) => {
        parts.push(
          `(${i + 1}) ${reason} [${n} ${n === 1 ? 'point' : 'points'}]: ${rejectionFix(reason, this.context, this.seen.get(reason))}`,
        );
      });
    }
    if (this.ignoredCount > 0) parts.push(this.ignoredNote());
    return bounded(
      parts,
      this.context.maxErrorMessageChars,
      reasons.map(([r]) => r),
    );
  }

  private ignoredNote(): string {
    const names = [...this.ignoredNames].join(', ');
    const more = this.ignoredNames.size >= MAX_IGNORED_METRIC_NAMES ? ', ...' : '';
    return (
      `Note: ${this.ignoredCount} data ${this.ignoredCount === 1 ? 'point' : 'points'} of metrics this ` +
      `gateway does not use (${names}${more}) were ignored, not rejected; it reads only ` +
      `${CPU_METRIC_NAME} (Histogram, DELTA, bounds [${CPU_BUCKETS.join(', ')}]).`
    );
  }
}

/**
 * Joins the parts, dropping whole parts from the end (still named by code) to stay within `max`
 * characters; as a last resort only the codes. With max >= 512 every code fits.
 */
function bounded(parts: string[], max: number, codes: RejectReason[]): string {
  const whole = parts.join(' ');
  if (whole.length <= max) return whole;
  for (let kept = parts.length - 1; kept >= 1; kept--) {
    const omitted = codes.slice(Math.max(0, kept - 1));
    const tail = ` ... (message limit reached; also: ${omitted.join(', ') || 'a note on ignored metrics'})`;
    const text = parts.slice(0, kept).join(' ') + tail;
    if (text.length <= max) return text;
  }
  const compact = `data points rejected for: ${codes.join(', ')}`;
  return compact.length <= max ? compact : `${compact.slice(0, max - 3)}...`;
}

function echo(value: string): string {
  return value.length > MAX_ECHOED_VALUE_CHARS ? `${value.slice(0, MAX_ECHOED_VALUE_CHARS)}...` : value;
}
