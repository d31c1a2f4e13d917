import {
  CPU_CORES_BOUNDS,
  CPU_HISTOGRAM_COST,
  overflowPrometheusSeries,
  windowFamilyCost,
} from '../../model/index.js';

/** How many values each forwarded label can take after bounding ("other" excluded). */
export interface LabelSpaceBounds {
  maxVersions: number;
  stages: number;
  osTypes: number;
  thresholds: number;
  /** Bucket bounds of each configured detail (`pipeline.details[].bounds.length`). */
  detailBounds: readonly number[];
}

/** Values of the `cpu_cores` label: one per bucket of CPU_CORES_BOUNDS, and `unknown`. */
const CPU_CORES_VALUES = CPU_CORES_BOUNDS.length + 2;

/**
 * The most Prometheus series one replica can forward under the label bounds alone (every
 * combination of the bounded labels of each forwarded series, each bounded label plus "other"),
 * overflow series included. Sizing `maxSeries` at or above it means the budget never overflows.
 */
export function boundedLabelSpaceSeries(bounds: LabelSpaceBounds): number {
  const versions = bounds.maxVersions + 1;
  const stages = bounds.stages + 1;
  const oses = bounds.osTypes + 1;
  const family = windowFamilyCost(bounds.thresholds);
  // A detail with n bounds has n + 1 buckets.
  const detailCells = bounds.detailBounds.reduce((n, b) => n + b + 1, 0);
  return (
    versions * stages * oses * CPU_HISTOGRAM_COST +
    versions * oses * CPU_CORES_VALUES * family +
    versions * stages * oses * family +
    versions * stages * oses * detailCells * family +
    overflowPrometheusSeries(bounds.thresholds)
  );
}
