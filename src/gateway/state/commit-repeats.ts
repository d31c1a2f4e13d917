import { NONE } from '../../otlp/empty-list.js';
import type { SessionCommit } from './state-store.js';

// A commit carries one interval per stage, so a pairwise scan for repeats is the cheap check: it
// allocates nothing, where keying a Set on the start time meant formatting a bigint per interval.
// Beyond this many intervals (only a replayed backlog has them) a keyed pass keeps it linear.
const REPEAT_SCAN_MAX = 32;

/**
 * Which intervals of one commit are duplicates: those starting before the session's watermark from
 * before the commit (replays); zero-width intervals at the watermark whose stream already had its
 * zero-width interval there counted (`zeroWidthBefore`, a replay the watermark alone cannot see:
 * such an interval starts exactly at the watermark it set); and repeats of an earlier interval of
 * the same commit (same stream, same start: one interval sent twice). The rule the Redis store's Lua
 * applies too.
 */
export function duplicateIntervals(
  commit: SessionCommit,
  watermarkBefore: bigint | undefined,
  zeroWidthBefore: readonly string[] = NONE,
): boolean[] {
  const { times, streams } = commit;
  const scan = startsIncrease(commit) ? 'none' : times.length > REPEAT_SCAN_MAX ? 'keyed' : 'pairwise';
  const repeats = scan === 'keyed' ? repeatedIntervals(commit) : undefined;
  const duplicate = new Array<boolean>(times.length);
  for (let i = 0; i < times.length; i++) {
    const { startTimeUnixNano: start, timeUnixNano: end } = times[i]!;
    duplicate[i] =
      (watermarkBefore !== undefined &&
        (start < watermarkBefore ||
          (start === watermarkBefore && end === start && zeroWidthBefore.includes(streams[i]!)))) ||
      (scan === 'none' ? false : repeats ? repeats[i] === 1 : repeatsEarlier(commit, i));
  }
  return duplicate;
}

/**
 * The streams whose zero-width interval at `watermarkAfter` has been counted once this commit is
 * applied: those from before when the watermark did not move, plus this commit's accepted ones.
 * Only a stream's newest interval can be zero-width at the watermark, so the list stays as short as
 * the session's stages.
 */
export function zeroWidthAfter(
  commit: SessionCommit,
  duplicate: readonly boolean[],
  watermarkBefore: bigint | undefined,
  zeroWidthBefore: readonly string[],
  watermarkAfter: bigint,
): readonly string[] {
  const kept = watermarkAfter === watermarkBefore ? zeroWidthBefore : NONE;
  let streams: string[] | undefined; // a new list only when one is added: `kept` may be stored
  const { times } = commit;
  for (let i = 0; i < times.length; i++) {
    const { startTimeUnixNano: start, timeUnixNano: end } = times[i]!;
    if (duplicate[i] || end !== watermarkAfter || start !== end) continue;
    const stream = commit.streams[i]!;
    if ((streams ?? kept).includes(stream)) continue;
    streams ??= [...kept];
    streams.push(stream);
  }
  return streams ?? kept;
}

/**
 * Whether every interval starts after the one before it: then no two share a start, and there is
 * nothing to scan for. A session's consecutive intervals of one stage (a replayed backlog) are in
 * that order; the intervals of one export (one per stage, one start) are not.
 */
function startsIncrease({ times }: SessionCommit): boolean {
  for (let i = 1; i < times.length; i++) {
    if (!(times[i]!.startTimeUnixNano > times[i - 1]!.startTimeUnixNano)) return false;
  }
  return true;
}

/** Whether an earlier interval of the commit has the same stream and start: one sent twice. */
function repeatsEarlier({ times, streams }: SessionCommit, index: number): boolean {
  const start = times[index]!.startTimeUnixNano;
  const stream = streams[index];
  for (let j = 0; j < index; j++) {
    // Streams first: interned strings compare by reference, starts are bigints.
    if (streams[j] === stream && times[j]!.startTimeUnixNano === start) return true;
  }
  return false;
}

/** repeatsEarlier for every interval at once (1 = a repeat), keyed by start time then stream. */
function repeatedIntervals({ times, streams }: SessionCommit): Uint8Array {
  const repeats = new Uint8Array(times.length);
  const streamsByStart = new Map<bigint, Set<string>>();
  for (let i = 0; i < times.length; i++) {
    const start = times[i]!.startTimeUnixNano;
    const stream = streams[i]!;
    let seen = streamsByStart.get(start);
    if (!seen) streamsByStart.set(start, (seen = new Set()));
    if (seen.has(stream)) repeats[i] = 1;
    else seen.add(stream);
  }
  return repeats;
}
