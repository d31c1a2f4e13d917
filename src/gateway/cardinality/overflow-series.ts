import { OVERFLOW_ATTRIBUTE } from '../../model/index.js';
import type { SeriesIdentity } from './series-identities.js';
import { seriesKey } from './series-key.js';

const OVERFLOW_LABELS: Readonly<Record<string, string>> = Object.freeze({ [OVERFLOW_ATTRIBUTE]: 'true' });

/**
 * Where the points and windows of a label set refused by the series budget go: one label set per
 * forwarded metric (the CPU histogram, each window family) whose only label is
 * `otel.metric.overflow="true"` (the OTel SDK's convention). A window family's overflow label set
 * is one unit like any other: its high counters keep `threshold` (thresholds are separate
 * questions; without it, overflowed windows would leave every `threshold="…"` numerator while
 * staying in the denominator). overflowPrometheusSeries reserves them all.
 */
export class OverflowSeries {
  private readonly identities = new Map<string, SeriesIdentity>();

  /** `metric`: the CPU histogram's name, or a window family's active counter name. */
  of(metric: string): SeriesIdentity {
    let identity = this.identities.get(metric);
    if (identity === undefined) {
      identity = { key: seriesKey(metric, OVERFLOW_LABELS), labels: OVERFLOW_LABELS };
      this.identities.set(metric, identity);
    }
    return identity;
  }
}
