import type { SessionCommit, SessionCommitResult, StateStoreOptions } from './state-store.js';

/**
 * Everything remembered about one session (the in-memory form; Redis keeps the same in a hash).
 * Up to maxTrackedSessions of these live at once, so they are kept small: plain arrays indexed by
 * threshold and stage instead of Sets and Maps keyed by strings built per sample.
 */
export interface SessionProgress {
  /** Latest accepted interval end (ns); intervals starting before it are replays. */
  watermark: bigint | undefined;
  seen: boolean;
  /** Bounded stage labels seen so far, in first-seen order (few: the stage allow-list bounds them). */
  stages: string[];
  /** Samples above threshold t in any stage, at index t; created by the first sample above one. */
  samplesAbove: number[] | undefined;
  /** Samples above threshold t in stages[s], at index s × thresholds + t; created on first need. */
  stageSamplesAbove: number[] | undefined;
  lastSeenMs: number;
}

export function newSessionProgress(nowMs: number): SessionProgress {
  return {
    watermark: undefined,
    seen: false,
    stages: [],
    samplesAbove: undefined,
    stageSamplesAbove: undefined,
    lastSeenMs: nowMs,
  };
}

/**
 * The commit rule shared by the in-memory store and (as Lua) the Redis store. All intervals of one
 * commit are judged against the watermark from before the commit: one request carries one export
 * interval per stage, all with the same start time. Within the commit, a repeat of an interval
 * (same stream, same start) is a duplicate too, so one request cannot count a point twice.
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
  // Only a commit of several intervals can repeat one.
  const inCommit = commit.intervals.length > 1 ? new Set<string>() : undefined;
  for (const interval of commit.intervals) {
    let duplicate = watermarkBefore !== undefined && interval.startTimeUnixNano < watermarkBefore;
    if (!duplicate && inCommit) {
      const identity = `${interval.stream ?? interval.stage}|${interval.startTimeUnixNano}`;
      duplicate = inCommit.has(identity);
      inCommit.add(identity);
    }
    result.duplicate.push(duplicate);
    if (duplicate) continue;
    if (watermark === undefined || interval.timeUnixNano > watermark) watermark = interval.timeUnixNano;
    if (!progress.seen) {
      progress.seen = true;
      result.newlySeen = true;
    }
    let stageIndex = progress.stages.indexOf(interval.stage);
    if (stageIndex < 0) {
      stageIndex = progress.stages.push(interval.stage) - 1;
      result.newStages.push(interval.stage);
    }
    for (let t = 0; t < thresholds.length; t++) {
      const above = interval.samplesAbove[t] ?? 0;
      // Nothing can cross without samples above: most samples of most sessions stop here.
      if (above <= 0) continue;
      const threshold = thresholds[t] as string;
      progress.samplesAbove ??= [];
      if (crossesNow(progress.samplesAbove, t, above, min)) result.newOverThresholds.push(threshold);
      progress.stageSamplesAbove ??= [];
      if (crossesNow(progress.stageSamplesAbove, stageIndex * thresholds.length + t, above, min)) {
        result.newStageOverThresholds.push({ stage: interval.stage, threshold });
      }
    }
  }
  progress.watermark = watermark;
  return result;
}

/**
 * Adds `add` samples to totals[index]; true when the total reaches `minSamples` now. Totals only
 * grow, so "already counted" is simply "was already at or past the minimum before".
 */
function crossesNow(totals: number[], index: number, add: number, minSamples: number): boolean {
  // Fill holes with zeros so the array stays packed (a holey array would also read as undefined).
  while (totals.length <= index) totals.push(0);
  const before = totals[index] as number;
  totals[index] = before + add;
  return before < minSamples && before + add >= minSamples;
}
