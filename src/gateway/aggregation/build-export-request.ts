import type { ExportMetricsServiceRequest, Metric } from '../../otlp/model.js';
import { AggregationTemporality } from '../../otlp/model.js';
import type { NumberDataPoint } from '../../otlp/model.js';
import { CPU_BUCKETS, CPU_HISTOGRAM, CPU_METRIC_UNIT, WINDOW_FAMILIES } from '../../model/index.js';
import type { AggregateSnapshot, Labels, WindowSeries } from './cumulative-store.js';
import { sessionExemplar } from './session-exemplar.js';

export const GATEWAY_SERVICE_NAME = 'filesfu-gateway';
export const GATEWAY_SCOPE_NAME = 'filesfu-gateway';

function attributes(labels: Labels) {
  return Object.entries(labels).map(([key, value]) => ({ key, value }));
}

function counterPoint(labels: Labels, series: WindowSeries, value: number, now: bigint): NumberDataPoint {
  return {
    attributes: attributes(labels),
    startTimeUnixNano: series.startTimeUnixNano,
    timeUnixNano: now,
    value,
    valueType: 'int',
    exemplars: [],
    flags: 0,
  };
}

/**
 * The two monotonic sums of each window family: `active` per label set and `high` per label set
 * and threshold, from the same series objects, so both carry the same start time and timestamp.
 */
function windowMetrics(windows: readonly WindowSeries[], now: bigint): Metric[] {
  const metrics: Metric[] = [];
  for (const family of WINDOW_FAMILIES) {
    const series = windows.filter((w) => w.family === family);
    if (series.length === 0) continue;
    const sum = (name: string, description: string, dataPoints: NumberDataPoint[]): Metric => ({
      type: 'sum',
      name,
      description,
      unit: '{window}',
      metadata: [],
      aggregationTemporality: AggregationTemporality.Cumulative,
      isMonotonic: true,
      dataPoints,
    });
    metrics.push(
      sum(
        family.active,
        `Closed session windows, counted once per ${family.unit}`,
        series.map((w) => counterPoint(w.labels, w, w.active, now)),
      ),
      sum(
        family.high,
        `Closed session windows with a sustained high-CPU episode above \`threshold\`, per ${family.unit}`,
        series.flatMap((w) => w.highLabels.map((labels, t) => counterPoint(labels, w, w.high[t] ?? 0, now))),
      ),
    );
  }
  return metrics;
}

/** One OTLP request with every live series, CUMULATIVE, stamped with this replica's identity. */
export function buildExportRequest(
  snapshot: AggregateSnapshot,
  replicaId: string,
  nowUnixNano: bigint,
): ExportMetricsServiceRequest {
  const metrics: Metric[] = [];
  if (snapshot.histograms.length > 0) {
    metrics.push({
      type: 'histogram',
      name: CPU_HISTOGRAM.name,
      description:
        'CPU utilization of the FilesForYou app, normalised by logical CPUs, aggregated across sessions',
      unit: CPU_METRIC_UNIT,
      metadata: [],
      aggregationTemporality: AggregationTemporality.Cumulative,
      dataPoints: snapshot.histograms.map((h) => ({
        attributes: attributes(h.labels),
        startTimeUnixNano: h.startTimeUnixNano,
        timeUnixNano: nowUnixNano,
        count: h.count,
        sum: h.sum,
        bucketCounts: h.bucketCounts,
        explicitBounds: [...CPU_BUCKETS],
        exemplars: h.exemplar ? [sessionExemplar(h.exemplar)] : [],
        flags: 0,
        min: h.min,
        max: h.max,
      })),
    });
  }
  metrics.push(...windowMetrics(snapshot.windows, nowUnixNano));
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: GATEWAY_SERVICE_NAME },
            { key: 'service.instance.id', value: replicaId },
          ],
          droppedAttributesCount: 0,
        },
        scopeMetrics: [
          {
            scope: { name: GATEWAY_SCOPE_NAME, version: '', attributes: [], droppedAttributesCount: 0 },
            metrics,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}
