import type { SessionInterval } from './state-store.js';

// A commit carries one interval per stage, so a pairwise scan for repeats is the cheap check: it
// allocates nothing, where keying a Set on the start time meant formatting a bigint per interval.
// Beyond this many intervals (only a replayed backlog has them) a keyed pass keeps it linear.
const REPEAT_SCAN_MAX = 32;

/**
 * Which intervals of one commit are duplicates: those starting before the session's watermark from
 * before the commit (replays), and repeats of an earlier interval of the same commit (same stream,
 * same start: one interval sent twice). The rule the Redis store's Lua applies too.
 */
export function duplicateIntervals(
  intervals: readonly SessionInterval[],
  watermarkBefore: bigint | undefined,
): boolean[] {
  const repeats = intervals.length > REPEAT_SCAN_MAX ? repeatedIntervals(intervals) : undefined;
  const duplicate = new Array<boolean>(intervals.length);
  for (let i = 0; i < intervals.length; i++) {
    duplicate[i] =
      (watermarkBefore !== undefined && intervals[i]!.startTimeUnixNano < watermarkBefore) ||
      (repeats ? repeats[i] === 1 : repeatsEarlier(intervals, i));
  }
  return duplicate;
}

/** Whether an earlier interval of the commit has the same stream and start: one sent twice. */
function repeatsEarlier(intervals: readonly SessionInterval[], index: number): boolean {
  const interval = intervals[index]!;
  const stream = interval.stream ?? interval.stage;
  for (let j = 0; j < index; j++) {
    const earlier = intervals[j]!;
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
    const interval = intervals[i]!;
    const stream = interval.stream ?? interval.stage;
    let streams = streamsByStart.get(interval.startTimeUnixNano);
    if (!streams) streamsByStart.set(interval.startTimeUnixNano, (streams = new Set()));
    if (streams.has(stream)) repeats[i] = 1;
    else streams.add(stream);
  }
  return repeats;
}
