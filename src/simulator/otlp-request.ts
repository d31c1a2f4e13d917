// The OTLP/protobuf request a watchdog would send for some of one session's points (a spool replay
// may carry several intervals): the watchdog's resource attributes and its DELTA histogram.
import { sessionResourceAttributes, watchdogResourceMetrics } from '../load/session-export.js';
import { CPU_BUCKETS, RESOURCE_KEYS } from '../model/index.js';
import { encodeExportMetricsServiceRequest, type HistogramDataPoint, type KeyValue } from '../otlp/index.js';
import type { SimulatedPoint } from './session-points.js';
import type { SessionIdentity } from './simulated-session.js';

/** The watchdog's resource attributes (the load tools' builder) plus the logical core count. */
export function resourceAttributes(identity: SessionIdentity): KeyValue[] {
  return [
    ...sessionResourceAttributes(identity),
    { key: RESOURCE_KEYS.cpuLogicalCount, value: identity.cpuLogicalCount },
  ];
}

const BOUNDS: readonly number[] = Object.freeze([...CPU_BUCKETS]);

function histogramPoint(point: SimulatedPoint): HistogramDataPoint {
  return {
    attributes: point.attributes,
    startTimeUnixNano: point.startTimeUnixNano,
    timeUnixNano: point.timeUnixNano,
    count: point.samples,
    sum: point.sum,
    bucketCounts: point.bucketCounts as number[],
    explicitBounds: BOUNDS,
    exemplars: [],
    flags: 0,
    min: point.min,
    max: point.max,
  };
}

/** The protobuf body of one export request of `identity` carrying `points`. */
export function encodeSessionRequest(
  identity: SessionIdentity,
  points: readonly SimulatedPoint[],
): Uint8Array {
  return encodeExportMetricsServiceRequest({
    resourceMetrics: [watchdogResourceMetrics(resourceAttributes(identity), points.map(histogramPoint))],
  });
}
