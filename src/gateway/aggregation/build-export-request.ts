import type { ExportMetricsServiceRequest, Metric } from '../../otlp/model.js';
import { AggregationTemporality } from '../../otlp/model.js';
import type { CounterMetricName } from '../validation/metric-model.js';
import { COUNTER_METRICS, CPU_BUCKETS, CPU_METRIC } from '../validation/metric-model.js';
import type { AggregateSnapshot, Labels } from './cumulative-store.js';
import { sessionExemplar } from './session-exemplar.js';

export const GATEWAY_SERVICE_NAME = 'filesfu-gateway';
export const GATEWAY_SCOPE_NAME = 'filesfu-gateway';

const DESCRIPTIONS: Record<CounterMetricName, string> = {
  'filesfu.sessions': 'Sessions seen (counted once per session)',
  'filesfu.sessions.over_threshold': 'Sessions that went over the CPU threshold (in any stage)',
  'filesfu.stage.sessions': 'Sessions that reported at least one sample in the stage',
  'filesfu.stage.sessions.over_threshold': 'Sessions that went over the CPU threshold while in the stage',
};

function attributes(labels: Labels) {
  return Object.entries(labels).map(([key, value]) => ({ key, value }));
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
      name: CPU_METRIC,
      description:
        'CPU utilization of the FilesForYou app, normalised by logical CPUs, aggregated across sessions',
      unit: '1',
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
  for (const name of COUNTER_METRICS) {
    const series = snapshot.counters.filter((c) => c.metric === name);
    if (series.length === 0) continue;
    metrics.push({
      type: 'sum',
      name,
      description: DESCRIPTIONS[name],
      unit: '{session}',
      metadata: [],
      aggregationTemporality: AggregationTemporality.Cumulative,
      isMonotonic: true,
      dataPoints: series.map((c) => ({
        attributes: attributes(c.labels),
        startTimeUnixNano: c.startTimeUnixNano,
        timeUnixNano: nowUnixNano,
        value: c.value,
        valueType: 'int',
        exemplars: [],
        flags: 0,
      })),
    });
  }
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
