// The metric model of docs/metrics.md as the gateway uses it: what the watchdog sends (shared with it
// through src/model/metric-model.ts) plus what the gateway forwards. Everything in the pipeline that
// names a metric, an attribute or a bound takes it from here.
import {
  CPU_BUCKETS as MODEL_CPU_BUCKETS,
  CPU_METRIC_NAME,
  KNOWN_STAGES as MODEL_STAGES,
  RESOURCE_KEYS,
  STAGE_ATTRIBUTE as MODEL_STAGE_ATTRIBUTE,
} from '../../model/index.js';

/** Canonical explicit bucket bounds of `process.cpu.utilization`; every session threshold is one of them. */
export const CPU_BUCKETS: readonly number[] = MODEL_CPU_BUCKETS;

export const CPU_METRIC = CPU_METRIC_NAME;
export const SESSIONS_METRIC = 'filesfu.sessions';
export const SESSIONS_OVER_THRESHOLD_METRIC = 'filesfu.sessions.over_threshold';
export const STAGE_SESSIONS_METRIC = 'filesfu.stage.sessions';
export const STAGE_SESSIONS_OVER_THRESHOLD_METRIC = 'filesfu.stage.sessions.over_threshold';

export const COUNTER_METRICS = [
  SESSIONS_METRIC,
  SESSIONS_OVER_THRESHOLD_METRIC,
  STAGE_SESSIONS_METRIC,
  STAGE_SESSIONS_OVER_THRESHOLD_METRIC,
] as const;
export type CounterMetricName = (typeof COUNTER_METRICS)[number];

/** Every metric the gateway forwards, each with its overflow series (overflowPrometheusSeries). */
export const FORWARDED_METRICS: readonly string[] = [CPU_METRIC, ...COUNTER_METRICS];

/**
 * Prometheus series one forwarded label set of `metric` becomes after remote write: a histogram
 * one `_bucket` per bound plus `+Inf`, `_sum` and `_count`; a counter one `_total`. This is the
 * unit of the series budget (`maxSeries`), because that is what Prometheus pays for.
 */
export function prometheusSeriesCost(metric: string): number {
  if (metric === CPU_METRIC) return CPU_BUCKETS.length + 3;
  if ((COUNTER_METRICS as readonly string[]).includes(metric)) return 1;
  throw new Error(`no Prometheus series cost for unknown metric ${metric}`);
}

/** Forwarded metrics with a `threshold` label; their overflow series keep it (one per threshold). */
export const THRESHOLD_METRICS: readonly string[] = [
  SESSIONS_OVER_THRESHOLD_METRIC,
  STAGE_SESSIONS_OVER_THRESHOLD_METRIC,
];

/**
 * Prometheus series of the overflow series of every forwarded metric, with `thresholds` configured
 * thresholds (reserved inside maxSeries): one overflow series per metric, one per threshold for the
 * THRESHOLD_METRICS.
 */
export function overflowPrometheusSeries(thresholds: number): number {
  return FORWARDED_METRICS.reduce(
    (sum, metric) =>
      sum + prometheusSeriesCost(metric) * (THRESHOLD_METRICS.includes(metric) ? thresholds : 1),
    0,
  );
}

export const STAGE_ATTRIBUTE = MODEL_STAGE_ATTRIBUTE;
export const SESSION_ID_ATTRIBUTE = RESOURCE_KEYS.sessionId;
export const INSTANCE_ID_ATTRIBUTE = RESOURCE_KEYS.serviceInstanceId;
export const VERSION_ATTRIBUTE = RESOURCE_KEYS.serviceVersion;
export const OS_TYPE_ATTRIBUTE = RESOURCE_KEYS.osType;

/**
 * The attribute that marks an overflow series (OTel SDK cardinality-limit convention). It is the only
 * attribute of a metric's overflow series, except that the THRESHOLD_METRICS keep `threshold`.
 */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

export const KNOWN_STAGES: readonly string[] = MODEL_STAGES;
export const KNOWN_OS_TYPES: readonly string[] = ['linux', 'darwin', 'windows'];

/** The label value that replaces anything unknown, too long or beyond a bound. */
export const OTHER = 'other';

/** Forwarded label names (become Prometheus labels). */
export const LABEL_VERSION = 'version';
export const LABEL_STAGE = 'stage';
export const LABEL_OS = 'os';
export const LABEL_THRESHOLD = 'threshold';
