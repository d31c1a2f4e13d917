import type { SessionCommit, SessionCommitResult, StateStoreOptions } from './state-store.js';

/** Everything remembered about one session (the in-memory form; Redis keeps the same in a hash). */
export interface SessionProgress {
  /** Latest accepted interval end (ns); intervals starting before it are replays. */
  watermark: bigint | undefined;
  seen: boolean;
  stages: Set<string>;
  /** Samples above a threshold: key "T" (any stage) or "stage|T". */
  samplesAbove: Map<string, number>;
  /** Keys of samplesAbove that were already counted as "went over". */
  counted: Set<string>;
  lastSeenMs: number;
}

export function newSessionProgress(nowMs: number): SessionProgress {
  return {
    watermark: undefined,
    seen: false,
    stages: new Set(),
    samplesAbove: new Map(),
    counted: new Set(),
    lastSeenMs: nowMs,
  };
}

/**
 * The commit rule shared by the in-memory store and (as Lua) the Redis store. All intervals of one
 * commit are judged against the watermark from before the commit: one request carries one export
 * interval per stage, all with the same start time.
 */
export function applySessionCommit(
  progress: SessionProgress,
  commit: SessionCommit,
  options: Pick<StateStoreOptions, 'thresholds' | 'overThresholdMinSamples'>,
): SessionCommitResult {
  const result: SessionCommitResult = {
    duplicate: [],
    newlySeen: false,
    newStages: [],
    newOverThresholds: [],
    newStageOverThresholds: [],
  };
  const watermarkBefore = progress.watermark;
  let watermark = watermarkBefore;
  const { thresholds } = options;
  const min = options.overThresholdMinSamples;
  for (const interval of commit.intervals) {
    const duplicate = watermarkBefore !== undefined && interval.startTimeUnixNano < watermarkBefore;
    result.duplicate.push(duplicate);
    if (duplicate) continue;
    if (watermark === undefined || interval.timeUnixNano > watermark) watermark = interval.timeUnixNano;
    if (!progress.seen) {
      progress.seen = true;
      result.newlySeen = true;
    }
    if (!progress.stages.has(interval.stage)) {
      progress.stages.add(interval.stage);
      result.newStages.push(interval.stage);
    }
    for (let i = 0; i < thresholds.length; i++) {
      const above = interval.samplesAbove[i] ?? 0;
      // Nothing can cross without samples above: skip the key building and lookups.
      if (above <= 0) continue;
      const threshold = thresholds[i] as string;
      if (crossesNow(progress, threshold, above, min)) result.newOverThresholds.push(threshold);
      if (crossesNow(progress, `${interval.stage}|${threshold}`, above, min)) {
        result.newStageOverThresholds.push({ stage: interval.stage, threshold });
      }
    }
  }
  progress.watermark = watermark;
  return result;
}

// Only a growing count can cross; a key already at or past the minimum was counted when it got there.
function crossesNow(progress: SessionProgress, key: string, add: number, minSamples: number): boolean {
  const total = (progress.samplesAbove.get(key) ?? 0) + add;
  progress.samplesAbove.set(key, total);
  if (total < minSamples || progress.counted.has(key)) return false;
  progress.counted.add(key);
  return true;
}
