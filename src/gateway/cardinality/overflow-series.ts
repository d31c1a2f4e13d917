import { LABEL_THRESHOLD, OVERFLOW_ATTRIBUTE, THRESHOLD_METRICS } from '../validation/metric-model.js';
import type { LabelsBuilder, SeriesIdentity } from './series-identities.js';
import { SeriesIdentities } from './series-identities.js';

const overflowLabels: LabelsBuilder = (_version, _os, _stage, threshold) => {
  const labels: Record<string, string> = { [OVERFLOW_ATTRIBUTE]: 'true' };
  if (threshold !== '') labels[LABEL_THRESHOLD] = threshold;
  return labels;
};

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
  // Its own interning, apart from the forwarded label sets': an overflow series has no version, OS
  // or stage, and '' there must not meet a real label set's identity.
  private readonly identities = new SeriesIdentities();

  of(metric: string, labels: Readonly<Record<string, string>>): SeriesIdentity {
    const threshold = THRESHOLD_METRICS.includes(metric) ? (labels[LABEL_THRESHOLD] ?? '') : '';
    return this.identities.get(metric, overflowLabels, '', '', '', threshold);
  }
}
