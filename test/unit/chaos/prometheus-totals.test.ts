import { describe, expect, it } from 'vitest';
import { countThroughResets } from '../../../src/chaos/prometheus-totals.js';

describe('countThroughResets', () => {
  it('is the last value of a series that never drops', () => {
    expect(countThroughResets([0, 3, 3, 7])).toBe(7);
    expect(countThroughResets([])).toBe(0);
  });

  it('adds the whole value after each drop, as increase() reads a reset', () => {
    // A restart from zero that counts 4 again: 10 before, then 4 → 14 held.
    expect(countThroughResets([0, 6, 10, 0, 4])).toBe(14);
    // The first sample counts whole: a series first seen at 10 holds 10.
    expect(countThroughResets([10, 2, 3])).toBe(13);
  });
});
