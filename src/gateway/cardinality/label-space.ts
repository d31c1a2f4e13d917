import {
  CPU_METRIC,
  SESSIONS_METRIC,
  SESSIONS_OVER_THRESHOLD_METRIC,
  STAGE_SESSIONS_METRIC,
  STAGE_SESSIONS_OVER_THRESHOLD_METRIC,
  overflowPrometheusSeries,
  prometheusSeriesCost,
} from '../validation/metric-model.js';

/** How many values each forwarded label can take after bounding ("other" excluded). */
export interface LabelSpaceBounds {
  maxVersions: number;
  stages: number;
  osTypes: number;
  thresholds: number;
}

/**
 * The most Prometheus series one replica can forward under the label bounds alone (every
 * combination of version, stage, os and threshold, each bounded label plus "other"), overflow
 * series included. Sizing `maxSeries` at or above it means the budget never overflows.
 */
export function boundedLabelSpaceSeries(bounds: LabelSpaceBounds): number {
  const versions = bounds.maxVersions + 1;
  const stages = bounds.stages + 1;
  const oses = bounds.osTypes + 1;
  const labelSets = (metric: string, n: number) => n * prometheusSeriesCost(metric);
  return (
    labelSets(CPU_METRIC, versions * stages * oses) +
    labelSets(SESSIONS_METRIC, versions * oses) +
    labelSets(SESSIONS_OVER_THRESHOLD_METRIC, versions * oses * bounds.thresholds) +
    labelSets(STAGE_SESSIONS_METRIC, versions * stages * oses) +
    labelSets(STAGE_SESSIONS_OVER_THRESHOLD_METRIC, versions * stages * oses * bounds.thresholds) +
    overflowPrometheusSeries(bounds.thresholds)
  );
}
