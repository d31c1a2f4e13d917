import { LABEL_THRESHOLD, OVERFLOW_ATTRIBUTE, THRESHOLD_METRICS } from '../validation/metric-model.js';
import type { SeriesIdentity } from './series-identities.js';
import { seriesKey } from './series-key.js';

/**
 * Where the points of a label set refused by the series budget go: one series per metric whose only
 * label is `otel.metric.overflow="true"` (the OTel SDK's convention), except that the over-threshold
 * counters keep `threshold`. Thresholds are separate questions, not a breakdown of one total: the
 * fleet over-rate is read per threshold and a sum across thresholds means nothing, so without the
 * label every overflowed session would drop out of each `threshold="…"` numerator while staying in
 * the `filesfu_sessions_total` denominator, biasing the headline figure low exactly when the budget
 * overflows. Bounded: the thresholds are the configured ones (overflowPrometheusSeries reserves them).
 */
export class OverflowSeries {
  /** By metric, then threshold label value ('' for metrics without one). */
  private readonly byMetric = new Map<string, Map<string, SeriesIdentity>>();

  of(metric: string, labels: Readonly<Record<string, string>>): SeriesIdentity {
    const threshold = THRESHOLD_METRICS.includes(metric) ? (labels[LABEL_THRESHOLD] ?? '') : '';
    let byThreshold = this.byMetric.get(metric);
    if (byThreshold === undefined) this.byMetric.set(metric, (byThreshold = new Map()));
    let identity = byThreshold.get(threshold);
    if (identity === undefined) {
      const overflowLabels: Record<string, string> = { [OVERFLOW_ATTRIBUTE]: 'true' };
      if (threshold !== '') overflowLabels[LABEL_THRESHOLD] = threshold;
      identity = { key: seriesKey(metric, overflowLabels), labels: overflowLabels };
      byThreshold.set(threshold, identity);
    }
    return identity;
  }
}
