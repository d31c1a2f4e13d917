import { describe, expect, it } from 'vitest';
import { isHot, sessionWindows, windowOf, type EpisodePoint } from '../../../src/model/index.js';

const S = 1_000_000_000n; // one second in ns
const settings = { episodeMinSamples: 5, windowNanos: 600n * S };

/** A point of `stream` over [from, to) seconds with `samples` samples, `above` of them above the one threshold. */
function point(stream: string, from: number, to: number, samples: number, above: number): EpisodePoint {
  return {
    stream,
    startTimeUnixNano: BigInt(from) * S,
    timeUnixNano: BigInt(to) * S,
    samples,
    above: [above],
  };
}

function highWindows(points: EpisodePoint[]): Record<number, Record<string, boolean>> {
  const out: Record<number, Record<string, boolean>> = {};
  for (const [window, streams] of sessionWindows(points, 1, settings)) {
    out[window] = Object.fromEntries([...streams].map(([stream, high]) => [stream, high[0]!]));
  }
  return out;
}

describe('hot points', () => {
  it('needs at least half of the samples, and at least one, above the threshold', () => {
    expect(isHot(10, 5)).toBe(true);
    expect(isHot(10, 4)).toBe(false);
    expect(isHot(1, 1)).toBe(true);
    expect(isHot(0, 0)).toBe(false);
  });
});

describe('session windows', () => {
  it('counts a stage visit pegged for 5 samples as an episode', () => {
    expect(highWindows([point('login', 0, 5, 5, 5)])).toEqual({ 0: { login: true } });
  });

  it('does not count a 4-sample spike inside a 10-sample interval, however often it recurs', () => {
    const points = Array.from({ length: 360 }, (_, i) => point('idle', i * 10, i * 10 + 10, 10, 4));
    const windows = highWindows(points);
    expect(Object.values(windows).every((w) => w['idle'] === false)).toBe(true);
    expect(Object.keys(windows)).toHaveLength(6);
  });

  it('joins hot points of one stream across an export boundary', () => {
    expect(highWindows([point('login', 7, 10, 3, 3), point('login', 10, 12, 2, 2)])).toEqual({
      0: { login: true },
    });
  });

  it('does not join points that are not contiguous or of another stream', () => {
    expect(highWindows([point('login', 0, 3, 3, 3), point('login', 4, 6, 2, 2)])).toEqual({
      0: { login: false },
    });
    expect(highWindows([point('login', 0, 3, 3, 3), point('idle', 3, 5, 2, 2)])).toEqual({
      0: { login: false, idle: false },
    });
  });

  it('a point that is not hot ends the run', () => {
    const points = [point('a', 0, 10, 10, 4), point('a', 10, 20, 10, 4), point('a', 20, 24, 4, 1)];
    expect(highWindows(points)).toEqual({ 0: { a: false } });
  });

  it('marks every window a sustained run continues into, but not the window it began in before it reached the minimum', () => {
    const points = [point('a', 590, 600, 3, 3), point('a', 600, 610, 10, 10), point('a', 1200, 1210, 10, 10)];
    // 590–600 holds 3 samples (not yet an episode); the run reaches 13 in window 1; 1200 is not contiguous
    // with 610 but is an episode on its own (10 >= 5).
    expect(highWindows(points)).toEqual({ 0: { a: false }, 1: { a: true }, 2: { a: true } });
  });

  it('assigns a point to the window it starts in and ignores points without samples', () => {
    expect(windowOf(599n * S, settings.windowNanos)).toBe(0);
    expect(windowOf(600n * S, settings.windowNanos)).toBe(1);
    expect(highWindows([point('a', 0, 10, 0, 0)])).toEqual({});
  });
});
