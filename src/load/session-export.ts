// One watchdog export as the gateway sees it: a DELTA `process.cpu.utilization` histogram per stage
// for one session and one interval, exactly in the shape of docs/metrics.md §1. Load payloads are
// built from the same model the gateway decodes, so a load test exercises the real ingest path.
import {
  AggregationTemporality,
  type ExportMetricsServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type ResourceMetrics,
} from '../otlp/index.js';
import {
  CPU_BUCKETS,
  CPU_METRIC_NAME,
  CPU_METRIC_UNIT,
  RESOURCE_KEYS,
  SCOPE_NAME,
  SERVICE_NAME,
  STAGE_ATTRIBUTE,
} from '../model/index.js';

export interface LoadSessionIdentity {
  sessionId: string;
  installId: string;
  appVersion: string;
  osType: string;
  osVersion: string;
  hostArch: string;
}

export interface StageSamples {
  stage: string;
  /** CPU utilisation samples, 0..1, one per sampling period. */
  samples: readonly number[];
}

export function cpuHistogramPoint(
  stage: string,
  samples: readonly number[],
  startTimeUnixNano: bigint,
  timeUnixNano: bigint,
): HistogramDataPoint {
  const bucketCounts = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of samples) {
    // Explicit bounds are upper-inclusive in OTLP: value v goes to the first bucket with v <= bound.
    let index = CPU_BUCKETS.findIndex((bound) => value <= bound);
    if (index < 0) index = CPU_BUCKETS.length;
    bucketCounts[index] = (bucketCounts[index] ?? 0) + 1;
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return {
    attributes: [{ key: STAGE_ATTRIBUTE, value: stage }],
    startTimeUnixNano,
    timeUnixNano,
    count: samples.length,
    sum,
    bucketCounts,
    explicitBounds: [...CPU_BUCKETS],
    exemplars: [],
    flags: 0,
    min: samples.length ? min : undefined,
    max: samples.length ? max : undefined,
  };
}

export function sessionResourceAttributes(identity: LoadSessionIdentity): KeyValue[] {
  return [
    { key: RESOURCE_KEYS.serviceName, value: SERVICE_NAME },
    { key: RESOURCE_KEYS.serviceVersion, value: identity.appVersion },
    { key: RESOURCE_KEYS.serviceInstanceId, value: identity.installId },
    { key: RESOURCE_KEYS.sessionId, value: identity.sessionId },
    { key: RESOURCE_KEYS.osType, value: identity.osType },
    { key: RESOURCE_KEYS.osVersion, value: identity.osVersion },
    { key: RESOURCE_KEYS.hostArch, value: identity.hostArch },
  ];
}

/**
 * The envelope of one watchdog export: a resource with `resourceAttributes` carrying the watchdog
 * scope and one DELTA `process.cpu.utilization` histogram with `dataPoints`. The one builder of that
 * shape outside the watchdog (which gets it from the OTel SDK); load payloads, the gateway bench and
 * tests call it.
 */
export function watchdogResourceMetrics(
  resourceAttributes: KeyValue[],
  dataPoints: HistogramDataPoint[],
): ResourceMetrics {
  return {
    resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeMetrics: [
      {
        scope: { name: SCOPE_NAME, version: '', attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        metrics: [
          {
            type: 'histogram',
            name: CPU_METRIC_NAME,
            description: '',
            unit: CPU_METRIC_UNIT,
            metadata: [],
            aggregationTemporality: AggregationTemporality.Delta,
            dataPoints,
          },
        ],
      },
    ],
  };
}

export function sessionExportRequest(
  identity: LoadSessionIdentity,
  startTimeUnixNano: bigint,
  timeUnixNano: bigint,
  stages: readonly StageSamples[],
): ExportMetricsServiceRequest {
  const dataPoints = stages
    .filter((s) => s.samples.length > 0)
    .map((s) => cpuHistogramPoint(s.stage, s.samples, startTimeUnixNano, timeUnixNano));
  return { resourceMetrics: [watchdogResourceMetrics(sessionResourceAttributes(identity), dataPoints)] };
}

export function msToNanos(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}
