// The gateway's self-metrics (its own GET /metrics, job "gateway"): the names the gateway registers
// and the dashboards and alerts query. `GATEWAY` in prometheus.ts is this list.
export const GATEWAY_SELF_METRICS = {
  httpRequests: 'filesfu_gateway_http_requests_total',
  httpRequestDuration: 'filesfu_gateway_http_request_duration_seconds',
  httpRequestBytes: 'filesfu_gateway_http_request_bytes_total',
  throttled: 'filesfu_gateway_throttled_total',
  authFailures: 'filesfu_gateway_auth_failures_total',
  bodyBudgetReserved: 'filesfu_gateway_body_budget_reserved_bytes',
  bodyBudgetRefused: 'filesfu_gateway_body_budget_refused_total',
  pointsReceived: 'filesfu_gateway_datapoints_received_total',
  pointsAccepted: 'filesfu_gateway_datapoints_accepted_total',
  pointsRejected: 'filesfu_gateway_datapoints_rejected_total',
  pointsDuplicate: 'filesfu_gateway_datapoints_duplicate_total',
  pointsOverflowed: 'filesfu_gateway_datapoints_overflowed_total',
  pointsLate: 'filesfu_gateway_datapoints_late_total',
  pointsIgnored: 'filesfu_gateway_datapoints_ignored_total',
  requestsRejected: 'filesfu_gateway_requests_rejected_total',
  installsRejected: 'filesfu_gateway_installs_rejected',
  windowsClosed: 'filesfu_gateway_session_windows_closed_total',
  windowsOpen: 'filesfu_gateway_session_windows_open',
  limitCurrent: 'filesfu_gateway_limit_current',
  limitMax: 'filesfu_gateway_limit_max',
  seriesActive: 'filesfu_gateway_series_active',
  seriesBudget: 'filesfu_gateway_series_budget',
  sessionsActive: 'filesfu_gateway_sessions_active',
  exports: 'filesfu_gateway_export_total',
  exportDuration: 'filesfu_gateway_export_duration_seconds',
  exportLastSuccess: 'filesfu_gateway_export_last_success_timestamp_seconds',
} as const;

export type GatewaySelfMetric = keyof typeof GATEWAY_SELF_METRICS;
