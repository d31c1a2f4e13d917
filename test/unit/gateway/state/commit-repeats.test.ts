import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateIntervals } from '../../../../src/gateway/state/commit-repeats.js';
import { sessionCommit, type SessionInterval } from '../../../../src/gateway/state/state-store.js';

/** The rule, stated plainly: before the watermark, or the same stream and start as an earlier one. */
function reference(intervals: readonly SessionInterval[], watermark: bigint | undefined): boolean[] {
  const seen = new Set<string>();
  return intervals.map(({ startTimeUnixNano: start, stream }) => {
    const key = `${stream}|${start}`;
    const repeat = seen.has(key);
    seen.add(key);
    return (watermark !== undefined && start < watermark) || repeat;
  });
}

const interval = (start: number, stream: string): SessionInterval => ({
  startTimeUnixNano: BigInt(start),
  timeUnixNano: BigInt(start + 10),
  stage: 'idle',
  stream,
  samplesAbove: [0],
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
          expect(duplicateIntervals(sessionCommit('s', commit), mark)).toEqual(reference(commit, mark));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds nothing to repeat in strictly increasing starts, and a repeat right after one', () => {
    const rising = [1, 2, 3, 4].map((start) => interval(start * 10, 'a'));
    expect(duplicateIntervals(sessionCommit('s', rising), undefined)).toEqual([false, false, false, false]);
    const again = [...rising, interval(40, 'a')];
    expect(duplicateIntervals(sessionCommit('s', again), 25n)).toEqual([true, true, false, false, true]);
  });
});
