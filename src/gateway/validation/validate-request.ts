import type { ExportMetricsServiceRequest, Metric, ResourceMetrics } from '../../otlp/model.js';
import { AggregationTemporality, dataPointCount } from '../../otlp/model.js';
import type { AttributeObservations } from './attributes.js';
import { stringAttribute } from './attributes.js';
import { CPU_METRIC, STAGE_ATTRIBUTE } from './metric-model.js';
import type { CpuSample, PointLimits } from './point.js';
import { pointTimeWindow, validateCpuPoint } from './point.js';
import type { RejectReason } from './reasons.js';
import { RejectionTally } from './reasons.js';
import type { ResourceLimits, SessionIdentity } from './resource.js';
import { validateResource } from './resource.js';

export type RequestLimits = PointLimits & ResourceLimits;

/** All valid samples of one session in one request. */
export interface SessionSamples {
  identity: SessionIdentity;
  samples: CpuSample[];
  /** Each sample's raw stage attribute, same order; undefined when absent (bounded later). */
  stages: Array<string | undefined>;
}

export interface ValidatedRequest {
  receivedDataPoints: number;
  sessions: SessionSamples[];
  rejections: RejectionTally;
  observed: AttributeObservations;
}

function metricProblem(metric: Metric): RejectReason | undefined {
  if (metric.name !== CPU_METRIC) return 'unknown_metric';
  if (metric.type !== 'histogram') return 'wrong_metric_type';
  if (metric.aggregationTemporality !== AggregationTemporality.Delta) return 'wrong_temporality';
  return undefined;
}

function resourcePointCount(resourceMetrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) points += dataPointCount(metric);
  }
  return points;
}

/**
 * Splits a request into valid samples (grouped by session) and rejected points with reasons.
 * A bad resource rejects only its own points; a bad point only itself.
 */
export function validateRequest(
  request: ExportMetricsServiceRequest,
  installId: string,
  limits: RequestLimits,
  nowMs: number,
): ValidatedRequest {
  const rejections = new RejectionTally();
  const observed: AttributeObservations = { maxAttributes: 0, maxAttributeValueBytes: 0 };
  const bySession = new Map<string, SessionSamples>();
  const window = pointTimeWindow(limits, nowMs);
  let receivedDataPoints = 0;

  for (const resourceMetrics of request.resourceMetrics) {
    const points = resourcePointCount(resourceMetrics);
    receivedDataPoints += points;
    if (points === 0) continue;
    const identity = validateResource(resourceMetrics.resource, installId, limits, observed);
    if (typeof identity === 'string') {
      rejections.add(identity, points);
      continue;
    }
    let session = bySession.get(identity.sessionId);
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const problem = metricProblem(metric);
        if (problem || metric.type !== 'histogram') {
          rejections.add(problem ?? 'wrong_metric_type', dataPointCount(metric));
          continue;
        }
        for (const point of metric.dataPoints) {
          const sample = validateCpuPoint(point, limits, window, observed);
          if (typeof sample === 'string') {
            rejections.add(sample, 1);
            continue;
          }
          if (!session) {
            session = { identity, samples: [], stages: [] };
            bySession.set(identity.sessionId, session);
          }
          session.samples.push(sample);
          session.stages.push(stringAttribute(point.attributes, STAGE_ATTRIBUTE));
        }
      }
    }
  }
  return { receivedDataPoints, sessions: [...bySession.values()], rejections, observed };
}
