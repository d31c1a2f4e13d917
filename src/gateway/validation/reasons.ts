// Every reason a data point can be rejected for. The code is the `reason` label of
// filesfu_gateway_datapoints_rejected_total and appears in the OTLP partial_success message.

export const REJECT_REASONS = {
  missing_session_id: 'resource has no session.id',
  invalid_session_id: 'session.id is not a UUID-like token of bounded length',
  install_id_mismatch: 'install id does not match credential',
  missing_version: 'resource has no service.version',
  missing_os_type: 'resource has no os.type',
  too_many_attributes: 'more attributes than allowed',
  attribute_value_too_long: 'attribute value longer than allowed',
  unknown_metric: 'metric is not part of the metric model',
  wrong_metric_type: 'metric has the wrong type',
  wrong_temporality: 'metric is not DELTA',
  incompatible_buckets: 'histogram bounds do not contain the canonical CPU buckets',
  count_mismatch: 'histogram count differs from the sum of its bucket counts',
  nan_value: 'NaN or infinite value',
  negative_value: 'negative value',
  invalid_timestamps: 'start time missing or after time',
  timestamp_too_old: 'timestamp older than allowed',
  timestamp_in_future: 'timestamp too far in the future',
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;

/** Counts rejected data points by reason and renders the concise OTLP partial_success message. */
export class RejectionTally {
  private readonly counts = new Map<RejectReason, number>();
  private totalCount = 0;

  add(reason: RejectReason, points: number): void {
    if (points <= 0) return;
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + points);
    this.totalCount += points;
  }

  get total(): number {
    return this.totalCount;
  }

  entries(): Array<[RejectReason, number]> {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  /** '' when nothing was rejected, else e.g. "3 data points rejected: 2 timestamp_too_old, 1 nan_value". */
  message(): string {
    if (this.totalCount === 0) return '';
    const parts = this.entries().map(([reason, n]) =>
      reason === 'install_id_mismatch' ? `${n} ${reason} (${REJECT_REASONS[reason]})` : `${n} ${reason}`,
    );
    const noun = this.totalCount === 1 ? 'data point' : 'data points';
    return `${this.totalCount} ${noun} rejected: ${parts.join(', ')}`;
  }
}
