import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateIntervals, zeroWidthAfter } from '../../../../src/gateway/state/commit-repeats.js';
import type { PointIdentity } from '../../../../src/gateway/state/commit-repeats.js';

/**
 * The rule, stated plainly: before the watermark; zero-width at the watermark in a stream whose
 * zero-width interval there was counted, or in any stream once `max` are remembered; or the same
 * stream, start and end as an earlier interval of the commit.
 */
function reference(
  intervals: readonly PointIdentity[],
  watermark: bigint | undefined,
  zeroWidthBefore: readonly string[] = [],
  max = Infinity,
): boolean[] {
  const seen = new Set<string>();
  return intervals.map(({ startTimeUnixNano: start, timeUnixNano: end, stream }) => {
    const key = `${stream}|${start}|${end}`;
    const repeat = seen.has(key);
    seen.add(key);
    const replayedZeroWidth =
      start === watermark &&
      end === start &&
      (zeroWidthBefore.length >= max || zeroWidthBefore.includes(stream));
    return (watermark !== undefined && start < watermark) || replayedZeroWidth || repeat;
  });
}

const interval = (start: number, stream: string, width = 10): PointIdentity => ({
  startTimeUnixNano: BigInt(start),
  timeUnixNano: BigInt(start + width),
  stream,
});

describe('duplicateIntervals', () => {
  it('agrees with the plain rule for short and long commits, in time order or not', () => {
    const intervals = fc.array(
      fc.record({ start: fc.integer({ min: 1, max: 60 }), stream: fc.constantFrom('a', 'b', 'c') }),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(
        intervals,
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        (drawn, sorted, watermark) => {
          const ordered = sorted ? [...drawn].sort((x, y) => x.start - y.start) : drawn;
          const commit = ordered.map((i) => interval(i.start, i.stream));
          const mark = watermark === undefined ? undefined : BigInt(watermark);
          expect(duplicateIntervals(commit, mark)).toEqual(reference(commit, mark));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with the plain rule when intervals are zero-width, at the watermark or not, short or long', () => {
    const intervals = (maxLength: number) =>
      fc.array(
        fc.record({
          start: fc.integer({ min: 1, max: 8 }),
          stream: fc.constantFrom('a', 'b', 'c'),
          width: fc.constantFrom(0, 0, 3, 5),
        }),
        { maxLength },
      );
    fc.assert(
      fc.property(
        fc.oneof(intervals(12), intervals(80)),
        fc.integer({ min: 1, max: 8 }),
        fc.subarray(['a', 'b', 'c']),
        fc.integer({ min: 1, max: 4 }),
        (drawn, watermark, zeroWidthBefore, max) => {
          const commit = drawn.map((i) => interval(i.start, i.stream, i.width));
          const mark = BigInt(watermark);
          expect(duplicateIntervals(commit, mark, zeroWidthBefore, max)).toEqual(
            reference(commit, mark, zeroWidthBefore, max),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('remembers the zero-width streams at the new watermark, and only those', () => {
    const commit = [interval(5, 'a', 0), interval(5, 'b', 0), interval(3, 'c', 2)];
    const duplicate = [false, false, false];
    // The watermark stays at 5: 'c' kept from before, 'a' and 'b' added, in a new list.
    const before = ['c'];
    const kept = zeroWidthAfter(commit, duplicate, 5n, before, 5n);
    expect(kept).toEqual(['c', 'a', 'b']);
    expect(before).toEqual(['c']);
    // A duplicate is not remembered twice, nor is an interval that is not zero-width.
    expect(zeroWidthAfter(commit, [true, false, false], 5n, ['b'], 5n)).toEqual(['b']);
    // The watermark moved past 5: what was remembered no longer applies.
    const moved = [interval(5, 'a', 0), interval(5, 'b', 4)];
    expect(zeroWidthAfter(moved, [false, false], 5n, ['c'], 9n)).toEqual([]);
    // Nothing new: the very same list, so a store can tell that nothing changed.
    expect(zeroWidthAfter(moved, [true, true], 5n, before, 5n)).toBe(before);
    // At most `max` streams: the rest are counted but not remembered.
    expect(zeroWidthAfter(commit, duplicate, 5n, before, 5n, 2)).toEqual(['c', 'a']);
    expect(zeroWidthAfter(commit, duplicate, 5n, before, 5n, 1)).toBe(before);
  });

  it('finds nothing to repeat in strictly increasing starts, and a repeat right after one', () => {
    const rising = [1, 2, 3, 4].map((start) => interval(start * 10, 'a'));
    expect(duplicateIntervals(rising, undefined)).toEqual([false, false, false, false]);
    const again = [...rising, interval(40, 'a')];
    expect(duplicateIntervals(again, 25n)).toEqual([true, true, false, false, true]);
  });
});
