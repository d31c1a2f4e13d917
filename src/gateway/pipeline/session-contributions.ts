// The "contributions" step of an ingest: what committed sessions add to the aggregate. The CPU
// histogram takes each accepted point under the session's FIXED labels; the window families take
// each closed session window once.
import {
  CPU_HISTOGRAM,
  CPU_HISTOGRAM_COST,
  DETAIL_WINDOWS,
  LABEL,
  OTHER,
  SESSION_WINDOWS,
  STAGE_WINDOWS,
  windowFamilyCost,
  type WindowFamily,
} from '../../model/index.js';
import type { ExemplarCandidate, HistogramDelta, HistogramTotals, Labels } from '../aggregation/index.js';
import { addDelta } from '../aggregation/index.js';
import type { BoundedValue, BoundingLimit, LabelsBuilder, SeriesIdentities } from '../cardinality/index.js';
import type { ClosedWindow, SessionCommitResult } from '../state/index.js';
import type { CpuSample } from '../validation/index.js';
import type { PreparedSession } from './session-commit.js';

export interface HistogramContribution {
  kind: 'histogram';
  key: string;
  labels: Labels;
  cost: number;
  delta: HistogramDelta;
  exemplar: ExemplarCandidate | undefined;
  /** Data points merged into `delta`. */
  points: number;
}

/** One closed session window in one label set of a window family. */
export interface WindowContribution {
  kind: 'window';
  family: WindowFamily;
  key: string;
  labels: Labels;
  cost: number;
  /** Per threshold: the window had a high-CPU episode in this cell. */
  high: readonly boolean[];
}

export type Contribution = HistogramContribution | WindowContribution;

/** A prepared session as its contributions need it (a journaled one has no commit). */
export type SessionInput = Omit<PreparedSession, 'commit'>;

/** What the committed sessions of one request add up to (one per request, not per session). */
export interface SessionOutcome {
  accepted: number;
  duplicate: number;
  late: number;
  /** Windows the commits closed (a later window's point arrived). */
  closedWindows: number;
  /** Sessions whose commit failed in the state store. */
  failedSessions: number;
  /** Sessions first admitted now, per raw version (length-bounded ones left out): the version ranking. */
  newSessions: Map<string, number>;
  contributions: Contribution[];
  /** Accepted points whose label value a limit replaced, per limit. */
  bounded: Map<BoundingLimit, number>;
}

export function emptyOutcome(): SessionOutcome {
  return {
    accepted: 0,
    duplicate: 0,
    late: 0,
    closedWindows: 0,
    failedSessions: 0,
    newSessions: new Map(),
    contributions: [],
    bounded: new Map(),
  };
}

function countBounded(outcome: SessionOutcome, limit: BoundingLimit | undefined): void {
  if (limit !== undefined) outcome.bounded.set(limit, (outcome.bounded.get(limit) ?? 0) + 1);
}

/**
 * Why a fixed label is "other": the limit that replaced the proposed value when it is the same,
 * else (fixed at an earlier admission) the version ranking, the only limit that changes over time.
 */
function fixedBounding(
  fixed: string,
  proposed: BoundedValue,
  limit: BoundingLimit,
): BoundingLimit | undefined {
  if (fixed !== OTHER) return undefined;
  return proposed.value === OTHER ? proposed.bounded : limit;
}

// The labels of each forwarded label set, in export order (module-level: see SeriesIdentities.get).
const cpuLabels: LabelsBuilder = (version, os, stage) => ({
  [LABEL.version]: version,
  [LABEL.stage]: stage,
  [LABEL.os]: os,
});
const sessionLabels: LabelsBuilder = (version, os, cpuCores) => ({
  [LABEL.version]: version,
  [LABEL.os]: os,
  [LABEL.cpuCores]: cpuCores,
});
const stageLabels = cpuLabels;
const detailLabels: LabelsBuilder = (version, os, stage, detail, bucket) => ({
  [LABEL.version]: version,
  [LABEL.stage]: stage,
  [LABEL.os]: os,
  [LABEL.detail]: detail,
  [LABEL.detailBucket]: bucket,
});

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

/**
 * Adds the CPU histogram deltas of a committed session's accepted points to `outcome`, under the
 * session's fixed labels, and the windows the commit closed.
 */
export function sessionContributions(
  session: SessionInput,
  result: SessionCommitResult,
  identities: SeriesIdentities,
  thresholds: number,
  outcome: SessionOutcome,
): void {
  const { version, os } = result.labels;
  const versionBounded = fixedBounding(version, session.version, 'versions');
  const osBounded = fixedBounding(os, session.os, 'os_allow_list');
  const { samples, stages } = session;
  // A session's points mostly share one stage, and a replayed backlog brings many of them: consecutive
  // points of one series are merged into one contribution, so the budget and the aggregate see one
  // delta per series and session instead of one per point.
  let open: HistogramContribution | undefined;
  let openStage: string | undefined;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as CpuSample;
    const stage = stages[i] as BoundedValue;
    if (result.duplicate[i]) {
      outcome.duplicate++;
      continue;
    }
    outcome.accepted++;
    countBounded(outcome, versionBounded);
    countBounded(outcome, osBounded);
    countBounded(outcome, stage.bounded);
    if (open !== undefined && stage.value === openStage) {
      mergeInto(open, sample, session.sessionId);
      continue;
    }
    const max = exemplarValue(sample);
    const identity = identities.get(CPU_HISTOGRAM.name, cpuLabels, version, os, stage.value);
    open = {
      kind: 'histogram',
      key: identity.key,
      labels: identity.labels,
      cost: CPU_HISTOGRAM_COST,
      delta: sample,
      exemplar:
        max === undefined
          ? undefined
          : { value: max, timeUnixNano: sample.timeUnixNano, sessionId: session.sessionId },
      points: 1,
    };
    openStage = stage.value;
    outcome.contributions.push(open);
  }
  outcome.late += result.latePoints;
  outcome.closedWindows += result.closed.length;
  for (const closed of result.closed) {
    windowContributions(closed, identities, thresholds, outcome.contributions);
  }
  if (result.newSession && session.version.bounded !== 'label_value_length') {
    const raw = session.rawVersion;
    outcome.newSessions.set(raw, (outcome.newSessions.get(raw) ?? 0) + 1);
  }
}

/** One increment per window family cell of a closed session window: session, each stage, each detail bucket. */
export function windowContributions(
  closed: ClosedWindow,
  identities: SeriesIdentities,
  thresholds: number,
  into: Contribution[],
): void {
  const cost = windowFamilyCost(thresholds);
  const { version, os, cpuCores } = closed.labels;
  const add = (
    family: WindowFamily,
    build: LabelsBuilder,
    high: readonly boolean[],
    c: string,
    d = '',
    e = '',
  ) => {
    const { key, labels } = identities.get(family.active, build, version, os, c, d, e);
    into.push({ kind: 'window', family, key, labels, cost, high });
  };
  add(SESSION_WINDOWS, sessionLabels, closed.high, cpuCores);
  for (const { stage, high } of closed.stages) add(STAGE_WINDOWS, stageLabels, high, stage);
  for (const { stage, detail, bucket, high } of closed.details) {
    add(DETAIL_WINDOWS, detailLabels, high, stage, detail, bucket);
  }
}
