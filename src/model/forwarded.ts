// What the gateway forwards (docs/metrics.md §3): the fleet series, their labels, and what each
// costs in Prometheus. Session ids and install ids never appear here.
import { CPU_BUCKETS, CPU_METRIC_NAME } from './wire.js';

/** Forwarded label names (OTLP point attributes that become Prometheus labels as they are). */
export const LABEL = Object.freeze({
  version: 'version',
  stage: 'stage',
  os: 'os',
  cpuCores: 'cpu_cores',
  threshold: 'threshold',
  detail: 'detail',
  detailBucket: 'detail_bucket',
} as const);

/** The attribute that marks an overflow series (OTel SDK cardinality-limit convention). */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

/** The label value that replaces anything unknown, too long or beyond a bound. */
export const OTHER = 'other';

/**
 * A window family: per label set, the session windows counted (`active`) and, per threshold, those
 * of them with a high-CPU episode (`high`). A family's series are admitted, created (at zero) and
 * exported together, so their Prometheus samples share timestamps and `increase(high) <=
 * increase(active)` holds for every range.
 */
export interface WindowFamily {
  readonly name: 'session' | 'stage' | 'detail';
  /** OTLP name of the active-windows counter (monotonic Sum, cumulative). */
  readonly active: string;
  /** OTLP name of the high-CPU-windows counter (same labels plus `threshold`). */
  readonly high: string;
  /** Labels of the active counter, in export order. */
  readonly labels: readonly string[];
  /** The unit one increment counts, in words (dashboards and docs say it). */
  readonly unit: string;
}

export const SESSION_WINDOWS: WindowFamily = Object.freeze({
  name: 'session',
  active: 'filesfu.session.windows',
  high: 'filesfu.session.windows.high_cpu',
  labels: [LABEL.version, LABEL.os, LABEL.cpuCores],
  unit: 'session window (one session during one fixed window)',
});

export const STAGE_WINDOWS: WindowFamily = Object.freeze({
  name: 'stage',
  active: 'filesfu.stage.windows',
  high: 'filesfu.stage.windows.high_cpu',
  labels: [LABEL.version, LABEL.stage, LABEL.os],
  unit: 'session window in a stage (one session in one stage during one fixed window)',
});

export const DETAIL_WINDOWS: WindowFamily = Object.freeze({
  name: 'detail',
  active: 'filesfu.detail.windows',
  high: 'filesfu.detail.windows.high_cpu',
  labels: [LABEL.version, LABEL.stage, LABEL.os, LABEL.detail, LABEL.detailBucket],
  unit: 'session window in a stage with one event-detail bucket',
});

export const WINDOW_FAMILIES: readonly WindowFamily[] = Object.freeze([
  SESSION_WINDOWS,
  STAGE_WINDOWS,
  DETAIL_WINDOWS,
]);

/** The per-sample histogram the gateway forwards, summed over sessions. */
export const CPU_HISTOGRAM = Object.freeze({
  name: CPU_METRIC_NAME,
  labels: [LABEL.version, LABEL.stage, LABEL.os] as readonly string[],
});

/** Prometheus series of one forwarded CPU histogram label set: a bucket per bound and +Inf, _sum, _count. */
export const CPU_HISTOGRAM_COST = CPU_BUCKETS.length + 3;

/** Prometheus series of one window-family label set with `thresholds` thresholds: active + one high per threshold. */
export function windowFamilyCost(thresholds: number): number {
  return 1 + thresholds;
}

/**
 * Prometheus series of all overflow series, reserved inside the budget: one CPU histogram and one
 * label set of each window family.
 */
export function overflowPrometheusSeries(thresholds: number): number {
  return CPU_HISTOGRAM_COST + WINDOW_FAMILIES.length * windowFamilyCost(thresholds);
}

/** The threshold label value of a configured threshold (as it is written in the config). */
export function thresholdLabel(threshold: number): string {
  return String(threshold);
}
