import { describe, expect, it } from 'vitest';
import { formatDuration, parseDurationMs } from '../../../src/simulator/duration.js';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['1500', 1500],
  ])('parses %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'soon', '10 minutes', '-5s', '1d'])('rejects "%s" with the accepted forms', (text) => {
    expect(() => parseDurationMs(text)).toThrow(/expected e\.g\. 500ms, 30s, 3m, 1h/);
  });

  it('formats for humans', () => {
    expect(formatDuration(400)).toBe('400ms');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(185_000)).toBe('3m05s');
  });
});
