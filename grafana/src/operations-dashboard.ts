// Health of the telemetry pipeline for whoever is on call: gateway ingest, rejections, limits,
// exports, and the collector between the gateway and Prometheus.
import { ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  COLLECTOR,
  collectorCounter,
  GATEWAY_SELF_METRICS as GATEWAY,
  JOBS,
  PROM,
} from '../../src/model/index.js';
import { promQuery, trafficLight } from './panel-helpers.js';

export const OPERATIONS_DASHBOARD_UID = 'filesfu-operations';

const RATE = '$__rate_interval';
const POINTS_PER_SECOND = 'suffix: points/s';
const gw = `job="${JOBS.gateway}"`;

interface SeriesPanel {
  title: string;
  description: string;
  unit: string;
  queries: Array<{ expr: string; legend: string }>;
  width?: number;
  max?: number;
}

function seriesPanel(panel: SeriesPanel): timeseries.PanelBuilder {
  const builder = new timeseries.PanelBuilder()
    .title(panel.title)
    .description(panel.description)
    .unit(panel.unit)
    .min(0)
    .span(panel.width ?? 8)
    .height(8);
  if (panel.max !== undefined) builder.max(panel.max);
  panel.queries.forEach((query, index) =>
    builder.withTarget(
      promQuery(query.expr, { refId: String.fromCharCode(65 + index), legend: query.legend }),
    ),
  );
  return builder;
}

function statPanel(title: string, description: string, unit: string, expr: string, legend: string) {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .withTarget(promQuery(expr, { instant: true, legend }))
    .span(5)
    .height(4);
}

function overview() {
  return [
    statPanel(
      'Targets up',
      'Gateway replicas and collectors Prometheus can scrape right now (alert FilesfuPipelineTargetDown).',
      'short',
      `sum by (job) (up{job=~"${JOBS.gateway}|${JOBS.collector}"})`,
      '{{job}}',
    ),
    statPanel(
      'Age of last successful export',
      'Seconds since each gateway replica last exported to the collector (a replica that never had data shows nothing); the alert fires above 120 s while data waits.',
      's',
      `time() - (max by (instance) (${GATEWAY.exportLastSuccess}{${gw}}) > 0)`,
      '{{instance}}',
    ).thresholds(trafficLight(60, 120)),
    statPanel(
      'Active sessions',
      'Watchdog sessions the gateways currently hold state for (summed over replicas).',
      'short',
      `sum(${GATEWAY.sessionsActive}{${gw}})`,
      'sessions',
    ),
    statPanel(
      'Open session windows',
      'Session windows the state store holds open (counted when a later point or the grace period closes them), as of the last housekeeping.',
      'short',
      `sum(${GATEWAY.windowsOpen}{${gw}})`,
      'windows',
    ),
    statPanel(
      'Series budget used',
      'Prometheus series held (incl. the reserved overflow series) ÷ maxSeries, worst replica. Beyond 100% new label combinations overflow.',
      'percentunit',
      `max(${GATEWAY.seriesActive}{${gw}} / (${GATEWAY.seriesBudget}{${gw}} > 0))`,
      'used',
    )
      .thresholds(trafficLight(0.75, 0.9))
      .span(4),
  ];
}

function gatewayIngest() {
  return [
    seriesPanel({
      title: 'Gateway ingest: data points',
      description: 'Points received from watchdogs and points accepted into the aggregates (all replicas).',
      unit: POINTS_PER_SECOND,
      queries: [
        { expr: `sum(rate(${GATEWAY.pointsReceived}{${gw}}[${RATE}]))`, legend: 'received' },
        { expr: `sum(rate(${GATEWAY.pointsAccepted}{${gw}}[${RATE}]))`, legend: 'accepted' },
      ],
    }),
    seriesPanel({
      title: 'Session windows closed',
      description:
        'Session windows the gateways closed and counted per second, by what closed them: a later point of the ' +
        'session (progress) or housekeeping after the grace period (timeout), and the same count as it reached ' +
        'Prometheus (forwarded filesfu_session_windows_total). It follows active sessions ÷ the window length; ' +
        'zero while points arrive means windows are not closing.',
      unit: 'suffix: windows/s',
      queries: [
        {
          expr: `sum by (by) (rate(${GATEWAY.windowsClosed}{${gw}}[${RATE}]))`,
          legend: 'closed by {{by}}',
        },
        { expr: `sum(rate(${PROM.sessionWindows.active}[${RATE}]))`, legend: 'in Prometheus' },
      ],
    }),
    seriesPanel({
      title: 'Late data points',
      description:
        'Accepted points of a session window that was already closed and counted (later than the grace period): ' +
        'they are in the CPU histogram but not in the window counts. Normally near zero; a rise means clients ' +
        'deliver late (clock skew, stalled uploads) or the grace period is too short.',
      unit: POINTS_PER_SECOND,
      queries: [{ expr: `sum(rate(${GATEWAY.pointsLate}{${gw}}[${RATE}]))`, legend: 'late' }],
    }),
    seriesPanel({
      title: 'Gateway requests by status code',
      description:
        'OTLP/HTTP requests per second by response code: 2xx ok, 4xx client errors, 429/503 backpressure.',
      unit: 'reqps',
      queries: [
        { expr: `sum by (code) (rate(${GATEWAY.httpRequests}{${gw}}[${RATE}]))`, legend: '{{code}}' },
      ],
    }),
    seriesPanel({
      title: 'Gateway request latency',
      description:
        'p50 and p99 of the time to handle an OTLP request, from the summed histogram of all replicas.',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.5, sum by (le) (rate(${GATEWAY.httpRequestDuration}_bucket{${gw}}[${RATE}])))`,
          legend: 'p50',
        },
        {
          expr: `histogram_quantile(0.99, sum by (le) (rate(${GATEWAY.httpRequestDuration}_bucket{${gw}}[${RATE}])))`,
          legend: 'p99',
        },
      ],
    }),
    seriesPanel({
      title: 'Rejected data points by reason',
      description: 'Points the gateway refused (validation, limits, …) per second, by reason.',
      unit: POINTS_PER_SECOND,
      queries: [
        { expr: `sum by (reason) (rate(${GATEWAY.pointsRejected}{${gw}}[${RATE}]))`, legend: '{{reason}}' },
      ],
    }),
    seriesPanel({
      title: 'Duplicate data points',
      description:
        'Points dropped as already counted (client retries after a lost response). Non-zero is normal.',
      unit: POINTS_PER_SECOND,
      queries: [{ expr: `sum(rate(${GATEWAY.pointsDuplicate}{${gw}}[${RATE}]))`, legend: 'duplicates' }],
    }),
    seriesPanel({
      title: 'Throttled and unauthenticated requests',
      description: 'Requests refused by backpressure/rate limits and by authentication, by reason.',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (reason) (rate(${GATEWAY.throttled}{${gw}}[${RATE}]))`,
          legend: 'throttled: {{reason}}',
        },
        {
          expr: `sum by (reason) (rate(${GATEWAY.authFailures}{${gw}}[${RATE}]))`,
          legend: 'auth: {{reason}}',
        },
      ],
    }),
    seriesPanel({
      title: 'Request bytes by stage',
      description:
        'Bytes of OTLP request bodies per second, by processing stage (e.g. on the wire vs decompressed).',
      unit: 'Bps',
      queries: [
        { expr: `sum by (stage) (rate(${GATEWAY.httpRequestBytes}{${gw}}[${RATE}]))`, legend: '{{stage}}' },
      ],
    }),
  ];
}

function gatewayLimits() {
  return [
    seriesPanel({
      title: 'Cardinality vs budget by limit',
      description:
        'Current use of each bounded dimension ÷ its configured maximum (worst replica). At 100% new values go to "other"/overflow.',
      unit: 'percentunit',
      max: 1,
      queries: [
        {
          expr: `max by (limit) (${GATEWAY.limitCurrent}{${gw}}) / max by (limit) (${GATEWAY.limitMax}{${gw}} > 0)`,
          legend: '{{limit}}',
        },
        {
          expr: `max(${GATEWAY.seriesActive}{${gw}} / (${GATEWAY.seriesBudget}{${gw}} > 0))`,
          legend: 'series (maxSeries)',
        },
      ],
    }),
    seriesPanel({
      title: 'Overflowed data points by limit',
      description:
        'Points aggregated into the overflow series because a limit was reached. They count in the fleet totals only.',
      unit: POINTS_PER_SECOND,
      queries: [
        { expr: `sum by (limit) (rate(${GATEWAY.pointsOverflowed}{${gw}}[${RATE}]))`, legend: '{{limit}}' },
      ],
    }),
    seriesPanel({
      title: 'Gateway exports to the collector',
      description: 'Export attempts per second by result, and the p99 export duration.',
      unit: 'ops',
      queries: [{ expr: `sum by (result) (rate(${GATEWAY.exports}{${gw}}[${RATE}]))`, legend: '{{result}}' }],
    }),
    seriesPanel({
      title: 'Gateway export duration',
      description: 'p50 and p99 of one export to the collector (all replicas).',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.5, sum by (le) (rate(${GATEWAY.exportDuration}_bucket{${gw}}[${RATE}])))`,
          legend: 'p50',
        },
        {
          expr: `histogram_quantile(0.99, sum by (le) (rate(${GATEWAY.exportDuration}_bucket{${gw}}[${RATE}])))`,
          legend: 'p99',
        },
      ],
    }),
  ];
}

function collector() {
  return [
    seriesPanel({
      title: 'Collector: points in and out',
      description:
        'Points the collector accepted/refused from gateways and sent/failed to send to Prometheus.',
      unit: POINTS_PER_SECOND,
      queries: [
        { expr: `sum(rate(${collectorCounter(COLLECTOR.receiverAccepted)}[${RATE}]))`, legend: 'accepted' },
        { expr: `sum(rate(${collectorCounter(COLLECTOR.receiverRefused)}[${RATE}]))`, legend: 'refused' },
        { expr: `sum(rate(${collectorCounter(COLLECTOR.exporterSent)}[${RATE}]))`, legend: 'sent' },
        {
          expr: `sum(rate(${collectorCounter(COLLECTOR.exporterSendFailed)}[${RATE}]))`,
          legend: 'send failed',
        },
      ],
    }),
    seriesPanel({
      title: 'Collector export queue',
      description:
        'Batches waiting in the remote-write queue ÷ its capacity. A filling queue means Prometheus is slow or down.',
      unit: 'percentunit',
      max: 1,
      queries: [
        {
          expr: `sum by (exporter) (${COLLECTOR.queueSize}{job="${JOBS.collector}"}) / sum by (exporter) (${COLLECTOR.queueCapacity}{job="${JOBS.collector}"} > 0)`,
          legend: '{{exporter}}',
        },
      ],
    }),
  ];
}

export function operationsDashboard(): Dashboard {
  const builder = new DashboardBuilder('FilesFU telemetry pipeline')
    .uid(OPERATIONS_DASHBOARD_UID)
    .description('Gateway and OpenTelemetry Collector health: ingest, rejections, limits, exports.')
    .tags(['filesfu', 'operations', 'gateway', 'otel-collector'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
  builder.withRow(new RowBuilder('Overview'));
  for (const panel of overview()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Gateway ingest'));
  for (const panel of gatewayIngest()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Gateway limits and exports'));
  for (const panel of gatewayLimits()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('OpenTelemetry Collector'));
  for (const panel of collector()) builder.withPanel(panel);
  return builder.build();
}
