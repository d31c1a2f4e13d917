// The Prometheus names of the forwarded series (after the collector's remote write) and of the
// gateway's and collector's self-metrics: what rules, dashboards and the triage query.
import { GATEWAY_SELF_METRICS } from './self-metrics.js';
import { DETAIL_WINDOWS, SESSION_WINDOWS, STAGE_WINDOWS, type WindowFamily } from './forwarded.js';

/** `filesfu.stage.windows.high_cpu` → `filesfu_stage_windows_high_cpu_total` (monotonic sums get `_total`). */
export function prometheusCounterName(otlpName: string): string {
  return `${otlpName.replace(/\./g, '_')}_total`;
}

export interface PrometheusWindowFamily {
  readonly active: string;
  readonly high: string;
  readonly labels: readonly string[];
}

function family(f: WindowFamily): PrometheusWindowFamily {
  return { active: prometheusCounterName(f.active), high: prometheusCounterName(f.high), labels: f.labels };
}

export const PROM = Object.freeze({
  cpuBucket: 'process_cpu_utilization_bucket',
  cpuCount: 'process_cpu_utilization_count',
  cpuSum: 'process_cpu_utilization_sum',
  sessionWindows: family(SESSION_WINDOWS),
  stageWindows: family(STAGE_WINDOWS),
  detailWindows: family(DETAIL_WINDOWS),
  /** The label Prometheus gives the overflow attribute. */
  overflowLabel: 'otel_metric_overflow',
  /** Each gateway replica's series carry its id here. */
  replicaLabel: 'instance',
});

/** Scrape jobs of prometheus/prometheus.yml. */
export const JOBS = Object.freeze({ gateway: 'gateway', collector: 'otel-collector' } as const);

/** The gateway's own metrics (prom-client, scraped from GET /metrics); one list, in self-metrics.ts. */
export const GATEWAY = GATEWAY_SELF_METRICS;

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

/**
 * Exemplar labels that may carry a session id, in order of preference: the gateway sets `session.id`
 * and the trace id (the session UUID's 32 hex digits); other encodings spell them differently.
 */
export const EXEMPLAR_SESSION_LABELS: readonly string[] = Object.freeze([
  'session.id',
  'session_id',
  'trace_id',
  'traceID',
  'trace.id',
]);
