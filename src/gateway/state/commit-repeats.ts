import { NONE } from '../../otlp/empty-list.js';
import type { SessionPoint } from './state-store.js';

/** What dedup reads of a point: its stream and times. */
export type PointIdentity = Pick<SessionPoint, 'stream' | 'startTimeUnixNano' | 'timeUnixNano'>;

// A commit carries one point per stream and export, so a pairwise scan for repeats is the cheap check: it
// allocates nothing, where keying a Set on the start time meant formatting a bigint per interval.
// Beyond this many intervals (only a replayed backlog has them) a keyed pass keeps it linear.
const REPEAT_SCAN_MAX = 32;

/**
 * Which intervals of one commit are duplicates: those starting before the session's watermark from
 * before the commit (replays); zero-width intervals at the watermark whose stream already had its
 * zero-width interval there counted (`zeroWidthBefore`, a replay the watermark alone cannot see:
 * such an interval starts exactly at the watermark it set), or any zero-width interval there once
 * `maxZeroWidthStreams` streams are remembered; and repeats of an earlier interval of the same commit
 * (same stream, start and end: one interval sent twice). The end is part of that identity because a
 * zero-width interval and the next one of its stream share their start. Both stores apply it
 * through session-record.ts.
 */
export function duplicateIntervals(
  points: readonly PointIdentity[],
  watermarkBefore: bigint | undefined,
  zeroWidthBefore: readonly string[] = NONE,
  maxZeroWidthStreams = Infinity,
): boolean[] {
  const scan = startsIncrease(points) ? 'none' : points.length > REPEAT_SCAN_MAX ? 'keyed' : 'pairwise';
  const repeats = scan === 'keyed' ? repeatedIntervals(points) : undefined;
  const zeroWidthFull = zeroWidthBefore.length >= maxZeroWidthStreams;
  const duplicate = new Array<boolean>(points.length);
  for (let i = 0; i < points.length; i++) {
    const { startTimeUnixNano: start, timeUnixNano: end, stream } = points[i]!;
    duplicate[i] =
      (watermarkBefore !== undefined &&
        (start < watermarkBefore ||
          (start === watermarkBefore &&
            end === start &&
            (zeroWidthFull || zeroWidthBefore.includes(stream))))) ||
      (scan === 'none' ? false : repeats ? repeats[i] === 1 : repeatsEarlier(points, i));
  }
  return duplicate;
}

/**
 * The streams whose zero-width interval at `watermarkAfter` has been counted once this commit is
 * applied: those from before when the watermark did not move, plus this commit's accepted ones, at
 * most `maxZeroWidthStreams` (raw stage values are not bounded; a watchdog has a handful of stages).
 */
export function zeroWidthAfter(
  points: readonly PointIdentity[],
  duplicate: readonly boolean[],
  watermarkBefore: bigint | undefined,
  zeroWidthBefore: readonly string[],
  watermarkAfter: bigint,
  maxZeroWidthStreams = Infinity,
): readonly string[] {
  const kept = watermarkAfter === watermarkBefore ? zeroWidthBefore : NONE;
  let streams: string[] | undefined; // a new list only when one is added: `kept` may be stored
  for (let i = 0; i < points.length; i++) {
    const { startTimeUnixNano: start, timeUnixNano: end, stream } = points[i]!;
    if (duplicate[i] || end !== watermarkAfter || start !== end) continue;
    const list = streams ?? kept;
    if (list.length >= maxZeroWidthStreams) break;
    if (list.includes(stream)) continue;
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
function startsIncrease(points: readonly PointIdentity[]): boolean {
  for (let i = 1; i < points.length; i++) {
    if (!(points[i]!.startTimeUnixNano > points[i - 1]!.startTimeUnixNano)) return false;
  }
  return true;
}

/** Whether an earlier interval of the commit has the same stream, start and end: one sent twice. */
function repeatsEarlier(points: readonly PointIdentity[], index: number): boolean {
  const { startTimeUnixNano: start, timeUnixNano: end, stream } = points[index]!;
  for (let j = 0; j < index; j++) {
    // Streams first: interned strings compare by reference, times are bigints.
    const earlier = points[j]!;
    if (earlier.stream === stream && earlier.startTimeUnixNano === start && earlier.timeUnixNano === end) {
      return true;
    }
  }
  return false;
}

/** repeatsEarlier for every interval at once (1 = a repeat), keyed by start, then stream and end. */
function repeatedIntervals(points: readonly PointIdentity[]): Uint8Array {
  const repeats = new Uint8Array(points.length);
  const streamsByStart = new Map<bigint, Set<string>>();
  for (let i = 0; i < points.length; i++) {
    const { startTimeUnixNano: start, timeUnixNano: end } = points[i]!;
    const stream = `${points[i]!.stream}|${end}`;
    let seen = streamsByStart.get(start);
    if (!seen) streamsByStart.set(start, (seen = new Set()));
    if (seen.has(stream)) repeats[i] = 1;
    else seen.add(stream);
  }
  return repeats;
}
