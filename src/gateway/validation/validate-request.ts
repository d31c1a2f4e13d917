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
import type { ResourceLimits, ResourceProblems, SessionIdentity } from './resource.js';
import { validateResource } from './resource.js';

export interface RequestLimits extends PointLimits, ResourceLimits {
  /** Point attributes kept as details (`pipeline.details[].attribute`), in config order. */
  detailAttributes: readonly string[];
}

/**
 * Longest rejection message answered to a client (characters), fixed rather than a setting: every
 * distinct problem fits, and it stays far inside HTTP clients' response-head limits (a 400/403 carries
 * it in the reason phrase too). Problems beyond it are named by code only.
 */
export const MAX_ERROR_MESSAGE_CHARS = 4096;

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

const TYPE_NAMES: Record<Metric['type'], string> = {
  gauge: 'Gauge',
  sum: 'Sum',
  histogram: 'Histogram',
  exponentialHistogram: 'ExponentialHistogram',
  summary: 'Summary',
  empty: 'no data',
};

const TEMPORALITY_NAMES = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'];

type Got = Partial<Record<RejectReason, string>>;

/** The problems a point has besides its own: its resource's and its metric's. */
interface Inherited {
  reasons: readonly RejectReason[];
  got: Got;
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
/**
 * Splits a request into valid samples (grouped by session), rejected CPU points with EVERY distinct
 * reason each has (its resource's, its metric's and its own), and ignored points of metrics the
 * gateway does not use. A bad resource rejects only its own points; a bad point only itself.
 */
export function validateRequest(
  request: ExportMetricsServiceRequest,
  installId: string,
  limits: RequestLimits,
  nowMs: number,
): ValidatedRequest {
  const rejections = new RejectionTally({
    ...limits,
    installId,
    maxErrorMessageChars: MAX_ERROR_MESSAGE_CHARS,
  });
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
    const resourceProblems = 'reasons' in identity ? identity : undefined;
    let session = resourceProblems ? undefined : bySession.get((identity as SessionIdentity).sessionId);
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.name !== CPU_METRIC_NAME) {
          rejections.ignore(metric.name, dataPointCount(metric));
          continue;
        }
        if (metric.type !== 'histogram') {
          rejections.addAll(
            [...(resourceProblems?.reasons ?? []), 'wrong_metric_type'],
            dataPointCount(metric),
            { ...resourceProblems?.got, wrong_metric_type: TYPE_NAMES[metric.type] },
          );
          continue;
        }
        const inherited = inheritedProblems(resourceProblems, metric.aggregationTemporality);
        for (const point of metric.dataPoints) {
          const sample = validateCpuPoint(point, limits, window, observed);
          if (inherited !== undefined || Array.isArray(sample)) {
            const own = Array.isArray(sample) ? sample : [];
            const got: Got = { ...inherited?.got };
            if (own.includes('incompatible_buckets')) {
              got.incompatible_buckets = `bounds [${point.explicitBounds.join(', ')}] with ${point.bucketCounts.length} bucket counts`;
            }
            rejections.addAll([...(inherited?.reasons ?? []), ...own], 1, got);
            continue;
          }
          const cpuSample = sample as CpuSample;
          const sessionIdentity = identity as SessionIdentity;
          if (!session) {
            session = { identity: sessionIdentity, samples: [], stages: [], details: [], streams: [] };
            bySession.set(sessionIdentity.sessionId, session);
          }
          const stage = stringAttribute(point.attributes, STAGE_ATTRIBUTE);
          const details =
            detailAttributes.length === 0
              ? NO_DETAILS
              : detailAttributes.map((key) => countAttribute(point.attributes, key));
          session.samples.push(cpuSample);
          session.stages.push(stage);
          session.details.push(details);
          session.streams.push(streamKey(stage, details));
        }
      }
    }
  }
  return { receivedDataPoints, sessions: [...bySession.values()], rejections, observed };
}

function inheritedProblems(
  resource: ResourceProblems | undefined,
  temporality: AggregationTemporality,
): Inherited | undefined {
  if (temporality === AggregationTemporality.Delta) return resource;
  const got = TEMPORALITY_NAMES[temporality] ?? String(temporality);
  return {
    reasons: [...(resource?.reasons ?? []), 'wrong_temporality'],
    got: { ...resource?.got, wrong_temporality: got },
  };
}
