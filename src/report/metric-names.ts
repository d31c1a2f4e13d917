// Every Prometheus name the report uses (rules excepted: PromQL files cannot import), in ONE place so
// that a rename in the pipeline is one edit here. See docs/metrics.md for the contract.

/** The CPU telemetry as remote-written by the collector (one series set per gateway replica). */
export const TELEMETRY = {
  cpuBucket: 'process_cpu_utilization_bucket',
  cpuCount: 'process_cpu_utilization_count',
  sessions: 'filesfu_sessions_total',
  sessionsOverThreshold: 'filesfu_sessions_over_threshold_total',
  stageSessions: 'filesfu_stage_sessions_total',
  stageSessionsOverThreshold: 'filesfu_stage_sessions_over_threshold_total',
} as const;

/** Labels of the telemetry series. */
export const LABELS = {
  version: 'version',
  stage: 'stage',
  os: 'os',
  threshold: 'threshold',
  overflow: 'otel_metric_overflow',
  replica: 'instance',
} as const;

/** Exemplar labels that may carry the session id (the trace id is a session UUID without dashes). */
export const EXEMPLAR_SESSION_LABELS = [
  'session_id',
  'session.id',
  'trace_id',
  'traceID',
  'trace.id',
] as const;

/** Scrape jobs of prometheus/prometheus.yml. */
export const JOBS = {
  gateway: 'gateway',
  collector: 'otel-collector',
} as const;

/** The gateway's own metrics (prom-client, scraped from GET /metrics). */
export const GATEWAY = {
  httpRequests: 'filesfu_gateway_http_requests_total',
  httpRequestDuration: 'filesfu_gateway_http_request_duration_seconds',
  httpRequestBytes: 'filesfu_gateway_http_request_bytes_total',
  throttled: 'filesfu_gateway_throttled_total',
  authFailures: 'filesfu_gateway_auth_failures_total',
  pointsReceived: 'filesfu_gateway_datapoints_received_total',
  pointsAccepted: 'filesfu_gateway_datapoints_accepted_total',
  pointsRejected: 'filesfu_gateway_datapoints_rejected_total',
  pointsDuplicate: 'filesfu_gateway_datapoints_duplicate_total',
  pointsOverflowed: 'filesfu_gateway_datapoints_overflowed_total',
  limitCurrent: 'filesfu_gateway_limit_current',
  limitMax: 'filesfu_gateway_limit_max',
  seriesActive: 'filesfu_gateway_series_active',
  seriesBudget: 'filesfu_gateway_series_budget',
  exports: 'filesfu_gateway_export_total',
  exportDuration: 'filesfu_gateway_export_duration_seconds',
  exportLastSuccess: 'filesfu_gateway_export_last_success_timestamp_seconds',
  sessionsActive: 'filesfu_gateway_sessions_active',
} as const;

/**
 * The collector's internal telemetry. v0.165 exposes counters WITHOUT the `_total` suffix on its
 * own Prometheus endpoint (verified against our build); other configurations add it. Counters are
 * therefore selected by a name regex that accepts both (see {@link collectorCounter}).
 */
export const COLLECTOR = {
  receiverAccepted: 'otelcol_receiver_accepted_metric_points',
  receiverRefused: 'otelcol_receiver_refused_metric_points',
  exporterSent: 'otelcol_exporter_sent_metric_points',
  exporterSendFailed: 'otelcol_exporter_send_failed_metric_points',
  queueSize: 'otelcol_exporter_queue_size',
  queueCapacity: 'otelcol_exporter_queue_capacity',
} as const;

/** A selector for a collector counter under either spelling, restricted to the collector job. */
export function collectorCounter(name: string): string {
  return `{__name__=~"${name}(_total)?", job="${JOBS.collector}"}`;
}

/** Recording rules of prometheus/rules/filesfu-report.rules.yml that the report reads. */
export const RULES = {
  versionOverRate1h: 'threshold_version:filesfu_sessions_over_threshold_per_sessions:ratio_increase1h',
  fleetOverRate1h: 'threshold:filesfu_sessions_over_threshold_per_sessions:ratio_increase1h',
  versionLift1h: 'threshold_version:filesfu_sessions_over_threshold:lift_increase1h',
  versionStageLift1h: 'threshold_version_stage:filesfu_stage_sessions_over_threshold:lift_increase1h',
  versionStageOsLift1h: 'threshold_version_stage_os:filesfu_stage_sessions_over_threshold:lift_increase1h',
  versionP95_1h: 'version:process_cpu_utilization:p95_rate1h',
  versionP50_1h: 'version:process_cpu_utilization:p50_rate1h',
} as const;
