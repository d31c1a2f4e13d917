// Names the dashboards (grafana/src) still import from here. The model's one home is src/model:
// the self-metric names, jobs and exemplar labels are re-exported from it; TELEMETRY, LABELS and
// RULES are the v1 names the dashboards use until they move to PROM (the triage uses none of them).
export { COLLECTOR, EXEMPLAR_SESSION_LABELS, GATEWAY, JOBS, collectorCounter } from '../model/index.js';

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
