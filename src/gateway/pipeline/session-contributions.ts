import type { ExemplarCandidate, HistogramDelta, HistogramTotals, Labels } from '../aggregation/index.js';
import { addDelta } from '../aggregation/index.js';
import type {
  BoundedValue,
  BoundingLimit,
  LabelsBuilder,
  SeriesIdentities,
  SeriesIdentity,
} from '../cardinality/index.js';
import type { SessionCommit, SessionCommitResult } from '../state/index.js';
import type { CounterMetricName, CpuSample } from '../validation/index.js';
import {
  CPU_METRIC,
  LABEL_OS,
  LABEL_STAGE,
  LABEL_THRESHOLD,
  LABEL_VERSION,
  SESSIONS_METRIC,
  SESSIONS_OVER_THRESHOLD_METRIC,
  STAGE_SESSIONS_METRIC,
  STAGE_SESSIONS_OVER_THRESHOLD_METRIC,
  samplesAboveBound,
} from '../validation/index.js';

/** One session of a request with its labels already bounded. */
export interface PreparedSession {
  sessionId: string;
  version: BoundedValue;
  os: BoundedValue;
  samples: readonly CpuSample[];
  /** Each sample's raw stage attribute, same order: its stream within the session (see SessionInterval). */
  streams: ReadonlyArray<string | undefined>;
  /** Each sample's bounded stage, same order (parallel arrays: no wrapper object per point). */
  stages: readonly BoundedValue[];
}

export type Contribution =
  | {
      kind: 'histogram';
      metric: typeof CPU_METRIC;
      key: string;
      labels: Labels;
      delta: HistogramDelta;
      exemplar: ExemplarCandidate | undefined;
      /** Data points merged into `delta`. */
      points: number;
    }
  | { kind: 'counter'; metric: CounterMetricName; key: string; labels: Labels };

/** What the committed sessions of one request add up to (one per request, not per session). */
export interface SessionOutcome {
  accepted: number;
  duplicate: number;
  contributions: Contribution[];
  /** Accepted points whose label value a limit replaced, per limit. */
  bounded: Map<BoundingLimit, number>;
}

export function emptyOutcome(): SessionOutcome {
  return { accepted: 0, duplicate: 0, contributions: [], bounded: new Map() };
}

function countBounded(outcome: SessionOutcome, limit: BoundingLimit): void {
  outcome.bounded.set(limit, (outcome.bounded.get(limit) ?? 0) + 1);
}

/**
 * The state-store commit of a session's samples (its intervals, in columns). `thresholdBounds`:
 * canonicalBoundIndex of each configured threshold, in configuration order.
 */
export function sessionCommitOf(
  sessionId: string,
  session: PreparedSession,
  thresholdBounds: readonly number[],
): SessionCommit {
  const { samples } = session;
  const thresholds = thresholdBounds.length;
  const samplesAbove = new Array<number>(samples.length * thresholds);
  const stages = new Array<string>(samples.length);
  const streams = new Array<string>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as CpuSample;
    for (let t = 0; t < thresholds; t++) {
      samplesAbove[i * thresholds + t] = samplesAboveBound(sample.bucketCounts, thresholdBounds[t] as number);
    }
    stages[i] = (session.stages[i] as BoundedValue).value;
    streams[i] = session.streams[i] ?? '';
  }
  return { sessionId, times: samples, stages, streams, samplesAbove };
}

// The labels of each forwarded metric, in export order (module-level: see SeriesIdentities.get).
const cpuLabels: LabelsBuilder = (version, os, stage) => ({
  [LABEL_VERSION]: version,
  [LABEL_STAGE]: stage,
  [LABEL_OS]: os,
});
const sessionsLabels: LabelsBuilder = (version, os) => ({ [LABEL_VERSION]: version, [LABEL_OS]: os });
const sessionsOverThresholdLabels: LabelsBuilder = (version, os, _stage, threshold) => ({
  [LABEL_VERSION]: version,
  [LABEL_OS]: os,
  [LABEL_THRESHOLD]: threshold,
});
const stageSessionsLabels: LabelsBuilder = (version, os, stage) => ({
  [LABEL_VERSION]: version,
  [LABEL_STAGE]: stage,
  [LABEL_OS]: os,
});
const stageSessionsOverThresholdLabels: LabelsBuilder = (version, os, stage, threshold) => ({
  [LABEL_VERSION]: version,
  [LABEL_STAGE]: stage,
  [LABEL_OS]: os,
  [LABEL_THRESHOLD]: threshold,
});

type HistogramContribution = Extract<Contribution, { kind: 'histogram' }>;

/**
 * Adds a point to a histogram contribution: as the aggregate would have added them one by one (the
 * exemplar is the higher candidate, the earlier on a tie; the float sum may differ in its last bit,
 * since the points are summed before they are added to the series). The first merge replaces the
 * delta, until then the validated sample itself, with a copy the contribution owns.
 */
function mergeInto(into: HistogramContribution, delta: CpuSample, sessionId: string): void {
  let totals: HistogramTotals;
  if (into.points === 1) {
    const first = into.delta;
    totals = {
      bucketCounts: [...first.bucketCounts],
      count: first.count,
      sum: first.sum ?? 0,
      min: first.min,
      max: first.max,
    };
    into.delta = totals;
  } else {
    totals = into.delta as HistogramTotals; // the copy made by the first merge
  }
  addDelta(totals, delta);
  // higherCandidate's rule, with the candidate built only when it wins.
  const max = exemplarValue(delta);
  if (max !== undefined && (into.exemplar === undefined || max > into.exemplar.value)) {
    into.exemplar = { value: max, timeUnixNano: delta.timeUnixNano, sessionId };
  }
  into.points++;
}

/** The value a sample offers as its session's exemplar: its max, when it has samples. */
function exemplarValue(sample: CpuSample): number | undefined {
  return sample.count > 0 ? sample.max : undefined;
}

function counter(metric: CounterMetricName, identity: SeriesIdentity): Contribution {
  return { kind: 'counter', metric, key: identity.key, labels: identity.labels };
}

/**
 * Adds what a committed session contributes to the aggregate (non-duplicate samples and newly true
 * session facts) to `outcome`, the request's.
 */
export function sessionContributions(
  session: PreparedSession,
  result: SessionCommitResult,
  identities: SeriesIdentities,
  outcome: SessionOutcome,
): void {
  const version = session.version.value;
  const os = session.os.value;
  const versionBounded = session.version.bounded;
  const osBounded = session.os.bounded;
  const { samples, stages } = session;
  // A session's points mostly share one stage, and a replayed backlog brings many of them: consecutive
  // points of one series are merged into one contribution, so the budget and the aggregate see one
  // delta per series and session instead of one per point.
  let lastStage: string | undefined;
  let identity: SeriesIdentity | undefined;
  let open: HistogramContribution | undefined;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as CpuSample;
    const stage = stages[i] as BoundedValue;
    if (result.duplicate[i]) {
      outcome.duplicate++;
      continue;
    }
    outcome.accepted++;
    if (versionBounded) countBounded(outcome, versionBounded);
    if (osBounded) countBounded(outcome, osBounded);
    if (stage.bounded) countBounded(outcome, stage.bounded);
    if (open !== undefined && stage.value === lastStage) {
      mergeInto(open, sample, session.sessionId);
      continue;
    }
    const max = exemplarValue(sample);
    const exemplar =
      max === undefined
        ? undefined
        : { value: max, timeUnixNano: sample.timeUnixNano, sessionId: session.sessionId };
    if (identity === undefined || stage.value !== lastStage) {
      identity = identities.get(CPU_METRIC, cpuLabels, version, os, stage.value);
      lastStage = stage.value;
    }
    open = {
      kind: 'histogram',
      metric: CPU_METRIC,
      key: identity.key,
      labels: identity.labels,
      delta: sample,
      exemplar,
      points: 1,
    };
    outcome.contributions.push(open);
  }
  if (result.newlySeen)
    outcome.contributions.push(
      counter(SESSIONS_METRIC, identities.get(SESSIONS_METRIC, sessionsLabels, version, os)),
    );
  for (const threshold of result.newOverThresholds) {
    const identity = identities.get(
      SESSIONS_OVER_THRESHOLD_METRIC,
      sessionsOverThresholdLabels,
      version,
      os,
      '',
      threshold,
    );
    outcome.contributions.push(counter(SESSIONS_OVER_THRESHOLD_METRIC, identity));
  }
  for (const stage of result.newStages) {
    const identity = identities.get(STAGE_SESSIONS_METRIC, stageSessionsLabels, version, os, stage);
    outcome.contributions.push(counter(STAGE_SESSIONS_METRIC, identity));
  }
  for (const { stage, threshold } of result.newStageOverThresholds) {
    const identity = identities.get(
      STAGE_SESSIONS_OVER_THRESHOLD_METRIC,
      stageSessionsOverThresholdLabels,
      version,
      os,
      stage,
      threshold,
    );
    outcome.contributions.push(counter(STAGE_SESSIONS_OVER_THRESHOLD_METRIC, identity));
  }
}
