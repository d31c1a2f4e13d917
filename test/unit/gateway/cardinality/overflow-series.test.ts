import { describe, expect, it } from 'vitest';
import { OverflowSeries, seriesKey } from '../../../../src/gateway/cardinality/index.js';
import {
  CPU_METRIC,
  SESSIONS_METRIC,
  SESSIONS_OVER_THRESHOLD_METRIC,
  STAGE_SESSIONS_OVER_THRESHOLD_METRIC,
  overflowPrometheusSeries,
  prometheusSeriesCost,
} from '../../../../src/gateway/validation/index.js';

const OWN = { version: '1.0', os: 'linux', stage: 'indexing', threshold: '0.3' };

describe('OverflowSeries', () => {
  it('gives each metric one series with only the overflow label', () => {
    const overflow = new OverflowSeries();
    for (const metric of [CPU_METRIC, SESSIONS_METRIC]) {
      const series = overflow.of(metric, OWN);
      expect(series.labels).toEqual({ 'otel.metric.overflow': 'true' });
      expect(series.key).toBe(seriesKey(metric, series.labels));
    }
  });

  it('keeps the threshold on the over-threshold counters, one series per threshold, built once', () => {
    const overflow = new OverflowSeries();
    for (const metric of [SESSIONS_OVER_THRESHOLD_METRIC, STAGE_SESSIONS_OVER_THRESHOLD_METRIC]) {
      const at03 = overflow.of(metric, OWN);
      const at08 = overflow.of(metric, { ...OWN, version: '2.0', threshold: '0.8' });
      expect(at03.labels).toEqual({ 'otel.metric.overflow': 'true', threshold: '0.3' });
      expect(at08.labels).toEqual({ 'otel.metric.overflow': 'true', threshold: '0.8' });
      expect(overflow.of(metric, { ...OWN, os: 'darwin' })).toBe(at03);
    }
  });

  it('is what overflowPrometheusSeries reserves', () => {
    const thresholds = 3;
    const perThreshold = prometheusSeriesCost(SESSIONS_OVER_THRESHOLD_METRIC) * 2;
    expect(overflowPrometheusSeries(thresholds) - overflowPrometheusSeries(0)).toBe(
      thresholds * perThreshold,
    );
    expect(overflowPrometheusSeries(0)).toBe(
      prometheusSeriesCost(CPU_METRIC) + 2 * prometheusSeriesCost(SESSIONS_METRIC),
    );
  });
});
