// The "bound labels" step of an ingest: a validated session's raw values become bounded labels, and
// its points become the state store's SessionCommit (DESIGN §4).
import { bucketLabel, cpuCoresLabel } from '../../model/index.js';
import type { BoundedValue, LabelBounds, VersionBounds } from '../cardinality/index.js';
import { flatKey } from '../common/flat-key.js';
import type { DetailCell, SessionCommit, SessionPoint } from '../state/index.js';
import type { CpuSample, SessionSamples } from '../validation/index.js';
import { canonicalBoundIndex, samplesAboveBound } from '../validation/index.js';
import type { DetailConfig, PipelineConfig } from './config.js';

/** One session of a request with its labels bounded and its commit built. */
export interface PreparedSession {
  sessionId: string;
  /** The raw version, for the version usage ranking. */
  rawVersion: string;
  /** The proposed version and OS (and whether a limit replaced them), for the overflow self-metric. */
  version: BoundedValue;
  os: BoundedValue;
  samples: readonly CpuSample[];
  /** Each sample's bounded stage, same order as `samples` and `commit.points`. */
  stages: readonly BoundedValue[];
  commit: SessionCommit;
}

export interface SessionBounds {
  labels: LabelBounds;
  details: readonly DetailConfig[];
  /** canonicalBoundIndex of each configured threshold, in configuration order. */
  thresholdBounds: readonly number[];
}

/** The bounds of the pipeline config, with `labels` bounding every label value. */
export function sessionBounds(config: PipelineConfig, labels: LabelBounds): SessionBounds {
  // The config schema only allows canonical bounds as thresholds.
  const thresholdBounds = config.sessions.thresholds.map(canonicalBoundIndex);
  return { labels, details: config.details, thresholdBounds };
}

const NO_CELLS: readonly DetailCell[] = Object.freeze([]);

/** The configured details a point has a value of, each with the bucket of its value. */
function detailCells(
  values: readonly (number | undefined)[],
  details: readonly DetailConfig[],
): readonly DetailCell[] {
  let cells: DetailCell[] | undefined;
  for (let d = 0; d < details.length; d++) {
    const value = values[d];
    if (value === undefined) continue;
    const config = details[d] as DetailConfig;
    const bucket = bucketLabel(value, config.bounds);
    if (bucket === undefined) continue;
    (cells ??= []).push({ detail: config.label, bucket });
  }
  return cells ?? NO_CELLS;
}

/**
 * A session's key in the state store. Scoped by the authenticated install: session ids are not
 * secret (they are exemplars on dashboards), and keyed alone, another install could advance a
 * session's dedup watermark and have its real points dropped as duplicates.
 */
export function sessionStateKey(installId: string, sessionId: string): string {
  return flatKey('/', [installId, sessionId]);
}

/**
 * Bounds a validated session's labels and builds its commit (every session of a request passed
 * the install check against the principal, `installId`). The labels are only proposed: the
 * store keeps those of the session's first admission (SessionCommitResult.labels).
 */
export function prepareSession(
  installId: string,
  session: SessionSamples,
  version: BoundedValue,
  bounds: SessionBounds,
): PreparedSession {
  const { identity, samples } = session;
  const os = bounds.labels.os(identity.osType);
  const thresholds = bounds.thresholdBounds.length;
  const stages = new Array<BoundedValue>(samples.length);
  const points = new Array<SessionPoint>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as CpuSample;
    const stage = bounds.labels.stage(session.stages[i]);
    const above = new Array<number>(thresholds);
    for (let t = 0; t < thresholds; t++) {
      above[t] = samplesAboveBound(sample.bucketCounts, bounds.thresholdBounds[t] as number);
    }
    stages[i] = stage;
    points[i] = {
      stream: session.streams[i] as string,
      stage: stage.value,
      details: detailCells(session.details[i] ?? [], bounds.details),
      startTimeUnixNano: sample.startTimeUnixNano,
      timeUnixNano: sample.timeUnixNano,
      samples: sample.count,
      above,
    };
  }
  const labels = { version: version.value, os: os.value, cpuCores: cpuCoresLabel(identity.cpuLogicalCount) };
  return {
    sessionId: identity.sessionId,
    rawVersion: identity.version,
    version,
    os,
    samples,
    stages,
    commit: { sessionKey: sessionStateKey(installId, identity.sessionId), labels, points },
  };
}

/** Every session of a request prepared: versions bounded by the ranking, then each session's labels and commit. */
export async function prepareSessions(
  installId: string,
  sessions: readonly SessionSamples[],
  versions: VersionBounds,
  bounds: SessionBounds,
  nowMs: number,
): Promise<PreparedSession[]> {
  const bounded = await versions.bound(
    sessions.map((s) => s.identity.version),
    nowMs,
  );
  return sessions.map((session) => {
    const raw = session.identity.version;
    const version = bounded.get(raw) ?? { value: raw, bounded: undefined };
    return prepareSession(installId, session, version, bounds);
  });
}
