import type { ExportMetricsServiceRequest, Metric, ResourceMetrics } from '../../otlp/model.js';
import { AggregationTemporality, dataPointCount } from '../../otlp/model.js';
import type { AttributeObservations } from './attributes.js';
import { stringAttribute } from './attributes.js';
import { CPU_METRIC_NAME, STAGE_ATTRIBUTE } from '../../model/index.js';
import { countAttribute, streamKey } from './point-attributes.js';
import type { CpuSample, PointLimits } from './point.js';
import { pointTimeWindow, validateCpuPoint } from './point.js';
import type { RejectReason } from './reasons.js';
import { RejectionTally } from './reasons.js';
import type { ResourceLimits, SessionIdentity } from './resource.js';
import { validateResource } from './resource.js';

export interface RequestLimits extends PointLimits, ResourceLimits {
  /** Point attributes kept as details (`pipeline.details[].attribute`), in config order. */
  detailAttributes: readonly string[];
}

/** All valid samples of one session in one request; the per-sample arrays are in sample order. */
export interface SessionSamples {
  identity: SessionIdentity;
  samples: CpuSample[];
  /** Each sample's raw stage attribute; undefined when absent (bounded later). */
  stages: Array<string | undefined>;
  /** Each sample's value of each configured detail attribute, in config order (undefined: none). */
  details: Array<readonly (number | undefined)[]>;
  /** Each sample's stream within the session: raw stage and raw detail values (streamKey). */
  streams: string[];
}

const NO_DETAILS: readonly (number | undefined)[] = Object.freeze([]);

export interface ValidatedRequest {
  receivedDataPoints: number;
  sessions: SessionSamples[];
  rejections: RejectionTally;
  observed: AttributeObservations;
}

function metricProblem(metric: Metric): RejectReason | undefined {
  if (metric.name !== CPU_METRIC_NAME) return 'unknown_metric';
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
  const { detailAttributes } = limits;

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
            session = { identity, samples: [], stages: [], details: [], streams: [] };
            bySession.set(identity.sessionId, session);
          }
          const stage = stringAttribute(point.attributes, STAGE_ATTRIBUTE);
          const details =
            detailAttributes.length === 0
              ? NO_DETAILS
              : detailAttributes.map((key) => countAttribute(point.attributes, key));
          session.samples.push(sample);
          session.stages.push(stage);
          session.details.push(details);
          session.streams.push(streamKey(stage, details));
        }
      }
    }
  }
  return { receivedDataPoints, sessions: [...bySession.values()], rejections, observed };
}
