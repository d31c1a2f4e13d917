import { describe, expect, it } from 'vitest';
import { closeIfDue, closeOpenWindow, commitRecord } from '../../../../src/gateway/state/session-record.js';
import { LABELS, commitOf, options, point } from './fixtures.js';

// Windows of 60 s from second 0, grace 5 s, episodes of 5 samples above T (fixtures.ts).
const hot = (start: number, end: number, stream = 'upload') =>
  point(start, end, { stage: 'upload', stream, above: [end - start, 0] });

describe('commitRecord', () => {
  it('fixes the labels at first admission and ignores later proposals', () => {
    const first = commitRecord(undefined, commitOf('s', [point(0, 10)]), options, 0);
    expect(first.result).toMatchObject({ newSession: true, labels: LABELS, duplicate: [false] });
    const other = { version: '2.0.0', os: 'linux', cpuCores: '>16' };
    const second = commitRecord(first.record, commitOf('s', [point(10, 20)], other), options, 0);
    expect(second.result).toMatchObject({ newSession: false, labels: LABELS });
  });

  it('continues a run across commits and closes the window when a later window starts', () => {
    let { record } = commitRecord(undefined, commitOf('s', [hot(50, 53)]), options, 0);
    const next = commitRecord(record, commitOf('s', [hot(53, 56), point(56, 61)]), options, 0);
    expect(next.result.closed).toEqual([]);
    record = next.record;
    const later = commitRecord(record, commitOf('s', [point(61, 70)]), options, 0);
    expect(later.result.closed).toEqual([
      {
        window: 0,
        labels: LABELS,
        high: [true, false],
        stages: [
          { stage: 'idle', high: [false, false] },
          { stage: 'upload', high: [true, false] },
        ],
        details: [],
      },
    ]);
    // Only runs that can still continue are kept: the upload run ended before the watermark.
    expect(later.record.runs).toEqual([]);
  });

  it('breaks a run at a gap, and does not count a point whose samples are mostly below T', () => {
    let { record } = commitRecord(undefined, commitOf('s', [hot(0, 3)]), options, 0);
    record = commitRecord(record, commitOf('s', [hot(4, 7)]), options, 0).record; // gap 3 → 4
    record = commitRecord(
      record,
      commitOf('s', [point(7, 13, { stage: 'upload', above: [2, 0] })]),
      options,
      0,
    ).record;
    const { closed } = closeIfDue(record, 65_000, options);
    expect(closed?.high).toEqual([false, false]);
  });

  it('counts points of a window the clock already closed as late, not in any window', () => {
    const { record } = commitRecord(undefined, commitOf('s', [hot(0, 10)]), options, 0);
    expect(closeIfDue(record, 64_999, options).closed).toBeUndefined();
    const closed = closeIfDue(record, 65_000, options);
    expect(closed.closed?.window).toBe(0);
    const late = commitRecord(closed.record, commitOf('s', [hot(10, 20), point(60, 61)]), options, 66_000);
    expect(late.result).toMatchObject({ duplicate: [false, false], latePoints: 1, closed: [] });
    expect(late.record.open?.window).toBe(1);
  });

  it('starts a session idle beyond dedupWindowMs over, closing its open window', () => {
    const { record } = commitRecord(undefined, commitOf('s', [point(0, 10)]), options, 0);
    const again = commitRecord(record, commitOf('s', [point(0, 10)]), options, options.dedupWindowMs + 1);
    expect(again.result).toMatchObject({ newSession: true, duplicate: [false] });
    expect(again.result.closed.map((w) => w.window)).toEqual([0]);
  });

  it('ignores points without samples for windows and runs, but not for the watermark', () => {
    const { record, result } = commitRecord(
      undefined,
      commitOf('s', [point(0, 10, { samples: 0 })]),
      options,
      0,
    );
    expect(result.duplicate).toEqual([false]);
    expect(record.open).toBeUndefined();
    expect(record.watermark).toBe(String(10n * 1_000_000_000n));
    expect(closeOpenWindow(record).closed).toBeUndefined();
  });

  it('keeps the record it was given unchanged', () => {
    const { record } = commitRecord(undefined, commitOf('s', [hot(0, 3)]), options, 0);
    const before = JSON.stringify(record);
    commitRecord(record, commitOf('s', [hot(3, 6), point(61, 62)]), options, 0);
    closeIfDue(record, 1e12, options);
    expect(JSON.stringify(record)).toBe(before);
  });

  it('rejects settings it cannot work with, naming the setting', async () => {
    const { MemoryStateStore } = await import('../../../../src/gateway/state/memory-store.js');
    expect(() => new MemoryStateStore({ ...options, episodeMinSamples: 0 })).toThrow(/episodeMinSamples/);
    expect(() => new MemoryStateStore({ ...options, windowMs: 0 })).toThrow(/windowSeconds/);
  });
});
