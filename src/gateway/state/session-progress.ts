import type {
  SessionCommit,
  SessionCommitResult,
  SessionInterval,
  StateStoreOptions,
} from './state-store.js';

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
  const { intervals } = commit;
  const repeats = intervals.length > REPEAT_SCAN_MAX ? repeatedIntervals(intervals) : undefined;
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i] as SessionInterval;
    const duplicate =
      (watermarkBefore !== undefined && interval.startTimeUnixNano < watermarkBefore) ||
      (repeats ? repeats[i] === 1 : repeatsEarlier(intervals, i));
    result.duplicate.push(duplicate);
    if (duplicate) continue;
    if (watermark === undefined || interval.timeUnixNano > watermark) watermark = interval.timeUnixNano;
    if (!progress.seen) {
      progress.seen = true;
      result.newlySeen = true;
    }
    let stageIndex = progress.stages.indexOf(interval.stage);
    if (stageIndex < 0) {
      // Exact-size copies, not push(): push reserves room for ~17 elements in every session's
      // arrays, which made up most of the memory of a full session store.
      stageIndex = progress.stages.length;
      progress.stages = appended(progress.stages, interval.stage);
      result.newStages.push(interval.stage);
    }
    for (let t = 0; t < thresholds.length; t++) {
      const above = interval.samplesAbove[t] ?? 0;
      // Nothing can cross without samples above: most samples of most sessions stop here.
      if (above <= 0) continue;
      const threshold = thresholds[t] as string;
      progress.samplesAbove = withIndex(progress.samplesAbove, thresholds.length - 1);
      if (crossesNow(progress.samplesAbove, t, above, min)) result.newOverThresholds.push(threshold);
      const stageThreshold = stageIndex * thresholds.length + t;
      progress.stageSamplesAbove = withIndex(progress.stageSamplesAbove, stageThreshold);
      if (crossesNow(progress.stageSamplesAbove, stageThreshold, above, min)) {
        result.newStageOverThresholds.push({ stage: interval.stage, threshold });
      }
    }
  }
  progress.watermark = watermark;
  return result;
}

// A commit carries one interval per stage, so a pairwise scan for repeats is the cheap check: it
// allocates nothing, where keying a Set on the start time meant formatting a bigint per interval.
// Beyond this many intervals (only a replayed backlog has them) a keyed pass keeps it linear.
const REPEAT_SCAN_MAX = 32;

/** Whether an earlier interval of the commit has the same stream and start: one sent twice. */
function repeatsEarlier(intervals: readonly SessionInterval[], index: number): boolean {
  const interval = intervals[index] as SessionInterval;
  const stream = interval.stream ?? interval.stage;
  for (let j = 0; j < index; j++) {
    const earlier = intervals[j] as SessionInterval;
    if (
      earlier.startTimeUnixNano === interval.startTimeUnixNano &&
      (earlier.stream ?? earlier.stage) === stream
    ) {
      return true;
    }
  }
  return false;
}

/** repeatsEarlier for every interval at once (1 = a repeat), keyed by start time then stream. */
function repeatedIntervals(intervals: readonly SessionInterval[]): Uint8Array {
  const repeats = new Uint8Array(intervals.length);
  const streamsByStart = new Map<bigint, Set<string>>();
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i] as SessionInterval;
    const stream = interval.stream ?? interval.stage;
    let streams = streamsByStart.get(interval.startTimeUnixNano);
    if (!streams) streamsByStart.set(interval.startTimeUnixNano, (streams = new Set()));
    if (streams.has(stream)) repeats[i] = 1;
    else streams.add(stream);
  }
  return repeats;
}

/** A copy of `values` with `value` appended, of exactly that size (a spread or push reserves more). */
function appended(values: readonly string[], value: string): string[] {
  const copy = new Array<string>(values.length + 1);
  for (let i = 0; i < values.length; i++) copy[i] = values[i] as string;
  copy[values.length] = value;
  return copy;
}

/** `totals` with room for `index`: itself, or a zero-filled exact-size copy when it must grow. */
function withIndex(totals: number[] | undefined, index: number): number[] {
  if (totals && index < totals.length) return totals;
  const grown = new Array<number>(index + 1).fill(0);
  if (totals) for (let i = 0; i < totals.length; i++) grown[i] = totals[i] as number;
  return grown;
}

/**
 * Adds `add` samples to totals[index] (which exists); true when the total reaches `minSamples` now.
 * Totals only grow, so "already counted" is simply "was already at or past the minimum before".
 */
function crossesNow(totals: number[], index: number, add: number, minSamples: number): boolean {
  const before = totals[index] as number;
  totals[index] = before + add;
  return before < minSamples && before + add >= minSamples;
}
