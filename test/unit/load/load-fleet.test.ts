import { describe, expect, it } from 'vitest';
import { createRandom, intervalSamples } from '../../../src/load/load-fleet.js';

describe('intervalSamples', () => {
  it('gives each stage of an interval one point, as an SDK aggregates them', () => {
    const random = createRandom(7);
    let changes = 0;
    for (let i = 0; i < 5000; i++) {
      const stages = intervalSamples(random, 4);
      expect(stages.reduce((n, s) => n + s.samples.length, 0)).toBe(4);
      expect(new Set(stages.map((s) => s.stage)).size).toBe(stages.length);
      if (stages.length > 1) changes++;
    }
    // The stage changes half way in about a fifth of the intervals.
    expect(changes).toBeGreaterThan(500);
  });
});
