import type {
  SessionCommit,
  SessionLabels,
  SessionPoint,
  StateStoreOptions,
} from '../../../../src/gateway/state/index.js';

export const HOUR = 3_600_000;
/** 1 s of nanoseconds. */
export const S = 1_000_000_000n;

/** Short windows (60 s, grace 5 s), thresholds 0.3 and 0.8, episodes of 5 samples. */
export const options: StateStoreOptions = {
  thresholds: ['0.3', '0.8'],
  episodeMinSamples: 5,
  windowMs: 60_000,
  windowGraceMs: 5_000,
  maxTrackedSessions: 50_000,
  maxZeroWidthStreams: 32,
  dedupWindowMs: HOUR,
  seriesBudget: 100,
  seriesIdleTimeoutMs: HOUR,
  maxVersions: 5,
  versionWindowMs: HOUR,
  versionWindowBuckets: 6,
  maxTrackedVersions: 100,
};

export const LABELS: SessionLabels = { version: '1.0.0', os: 'windows', cpuCores: '5-8' };

/** A point of `stream` (its stage unless given) from second `start` to second `end`. */
export function point(
  start: number,
  end: number,
  init: Partial<Omit<SessionPoint, 'startTimeUnixNano' | 'timeUnixNano'>> = {},
): SessionPoint {
  const stage = init.stage ?? 'idle';
  const samples = init.samples ?? end - start;
  return {
    stream: init.stream ?? stage,
    stage,
    details: init.details ?? [],
    startTimeUnixNano: BigInt(start) * S,
    timeUnixNano: BigInt(end) * S,
    samples,
    above: init.above ?? [0, 0],
  };
}

export function commitOf(
  sessionKey: string,
  points: readonly SessionPoint[],
  labels: SessionLabels = LABELS,
): SessionCommit {
  return { sessionKey, labels, points };
}
