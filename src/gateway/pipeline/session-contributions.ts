import type { HistogramDelta, Labels } from '../aggregation/index.js';
import type { ExemplarCandidate } from '../aggregation/index.js';
import type { BoundedValue, BoundingLimit } from '../cardinality/index.js';
import { seriesKey } from '../cardinality/index.js';
import type { SessionCommitResult, SessionInterval } from '../state/index.js';
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
  samplesAbove,
} from '../validation/index.js';

/** One session of a request with its labels already bounded. */
export interface PreparedSession {
  sessionId: string;
  version: BoundedValue;
  os: BoundedValue;
  samples: Array<{ sample: CpuSample; stage: BoundedValue }>;
}

export type Contribution =
  | {
      kind: 'histogram';
      key: string;
      labels: Labels;
      delta: HistogramDelta;
      exemplar: ExemplarCandidate | undefined;
    }
  | { kind: 'counter'; metric: CounterMetricName; key: string; labels: Labels };

export interface SessionOutcome {
  accepted: number;
  duplicate: number;
  contributions: Contribution[];
  /** Limits that replaced a label value, once per accepted point. */
  bounded: BoundingLimit[];
}

export function sessionIntervals(session: PreparedSession, thresholds: readonly number[]): SessionInterval[] {
  return session.samples.map(({ sample, stage }) => ({
    startTimeUnixNano: sample.startTimeUnixNano,
    timeUnixNano: sample.timeUnixNano,
    stage: stage.value,
    samplesAbove: thresholds.map((t) => samplesAbove(sample.bucketCounts, t)),
  }));
}

function counter(metric: CounterMetricName, labels: Labels): Contribution {
  return { kind: 'counter', metric, key: seriesKey(metric, labels), labels };
}

/** What a committed session adds to the aggregate: non-duplicate samples and newly true session facts. */
export function sessionContributions(session: PreparedSession, result: SessionCommitResult): SessionOutcome {
  const outcome: SessionOutcome = { accepted: 0, duplicate: 0, contributions: [], bounded: [] };
  const version = session.version.value;
  const os = session.os.value;
  session.samples.forEach(({ sample, stage }, i) => {
    if (result.duplicate[i]) {
      outcome.duplicate++;
      return;
    }
    outcome.accepted++;
    for (const b of [session.version.bounded, session.os.bounded, stage.bounded])
      if (b) outcome.bounded.push(b);
    const labels = { [LABEL_VERSION]: version, [LABEL_STAGE]: stage.value, [LABEL_OS]: os };
    const exemplar =
      sample.max !== undefined && sample.count > 0
        ? { value: sample.max, timeUnixNano: sample.timeUnixNano, sessionId: session.sessionId }
        : undefined;
    outcome.contributions.push({
      kind: 'histogram',
      key: seriesKey(CPU_METRIC, labels),
      labels,
      delta: sample,
      exemplar,
    });
  });
  if (result.newlySeen)
    outcome.contributions.push(counter(SESSIONS_METRIC, { [LABEL_VERSION]: version, [LABEL_OS]: os }));
  for (const threshold of result.newOverThresholds) {
    outcome.contributions.push(
      counter(SESSIONS_OVER_THRESHOLD_METRIC, {
        [LABEL_VERSION]: version,
        [LABEL_OS]: os,
        [LABEL_THRESHOLD]: threshold,
      }),
    );
  }
  for (const stage of result.newStages) {
    outcome.contributions.push(
      counter(STAGE_SESSIONS_METRIC, { [LABEL_VERSION]: version, [LABEL_STAGE]: stage, [LABEL_OS]: os }),
    );
  }
  for (const { stage, threshold } of result.newStageOverThresholds) {
    outcome.contributions.push(
      counter(STAGE_SESSIONS_OVER_THRESHOLD_METRIC, {
        [LABEL_VERSION]: version,
        [LABEL_STAGE]: stage,
        [LABEL_OS]: os,
        [LABEL_THRESHOLD]: threshold,
      }),
    );
  }
  return outcome;
}
