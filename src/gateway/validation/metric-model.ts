// The binding metric model of docs/metrics.md as constants. Everything in the pipeline that names a
// metric, an attribute or a bound takes it from here so that the contract lives in one place.

/** Canonical explicit bucket bounds of `process.cpu.utilization`; every session threshold is one of them. */
export const CPU_BUCKETS: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1];

export const CPU_METRIC = 'process.cpu.utilization';
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

export const STAGE_ATTRIBUTE = 'filesfu.app.stage';
export const SESSION_ID_ATTRIBUTE = 'session.id';
export const INSTANCE_ID_ATTRIBUTE = 'service.instance.id';
export const VERSION_ATTRIBUTE = 'service.version';
export const OS_TYPE_ATTRIBUTE = 'os.type';

/** The only attribute of the one overflow series per metric (OTel SDK cardinality-limit convention). */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

export const KNOWN_STAGES: readonly string[] = [
  'starting',
  'login',
  'idle',
  'indexing',
  'sending',
  'receiving',
  'syncing',
  'shutdown',
];
export const KNOWN_OS_TYPES: readonly string[] = ['linux', 'darwin', 'windows'];

/** The label value that replaces anything unknown, too long or beyond a bound. */
export const OTHER = 'other';

/** Forwarded label names (become Prometheus labels). */
export const LABEL_VERSION = 'version';
export const LABEL_STAGE = 'stage';
export const LABEL_OS = 'os';
export const LABEL_THRESHOLD = 'threshold';
