import { describe, expect, it } from 'vitest';
import { OverflowSeries, seriesKey } from '../../../../src/gateway/cardinality/index.js';
import {
  CPU_HISTOGRAM,
  CPU_HISTOGRAM_COST,
  WINDOW_FAMILIES,
  overflowPrometheusSeries,
  windowFamilyCost,
} from '../../../../src/model/index.js';

describe('OverflowSeries', () => {
  it('gives the CPU histogram and each window family one label set with only the overflow label, built once', () => {
    const overflow = new OverflowSeries();
    const metrics = [CPU_HISTOGRAM.name, ...WINDOW_FAMILIES.map((f) => f.active)];
    const keys = new Set<string>();
    for (const metric of metrics) {
      const series = overflow.of(metric);
      expect(series.labels).toEqual({ 'otel.metric.overflow': 'true' });
      expect(series.key).toBe(seriesKey(metric, series.labels));
      expect(overflow.of(metric)).toBe(series);
      keys.add(series.key);
    }
    expect(keys.size).toBe(metrics.length);
  });

  it('is what overflowPrometheusSeries reserves: a histogram and one 1 + T unit per family', () => {
    for (const thresholds of [1, 2, 3]) {
      expect(overflowPrometheusSeries(thresholds)).toBe(
        CPU_HISTOGRAM_COST + WINDOW_FAMILIES.length * windowFamilyCost(thresholds),
      );
    }
  });
});
