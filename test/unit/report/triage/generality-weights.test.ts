import { describe, expect, it } from 'vitest';
import { generalityLevel, generalityWeights } from '../../../../src/report/triage/generality-weights.js';

describe('generality weights of the weighted BH', () => {
  it('counts named dimensions, a detail and its bucket once', () => {
    expect(generalityLevel({ version: '7.0.0' })).toBe(1);
    expect(generalityLevel({ version: '7.0.0', stage: 'receiving', os: 'darwin' })).toBe(3);
    expect(
      generalityLevel({
        version: '7.0.0',
        stage: 'receiving',
        detail: 'file_name_length',
        detail_bucket: '>42',
      }),
    ).toBe(3);
  });

  it('average 1, give each level half of what is left, the last level the rest', () => {
    const levels = [1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3];
    const weights = generalityWeights(levels);
    expect(weights.reduce((a, b) => a + b, 0) / weights.length).toBeCloseTo(1, 12);
    const budget = (level: number) =>
      weights.filter((_, i) => levels[i] === level).reduce((a, b) => a + b, 0) / levels.length;
    expect(budget(1)).toBeCloseTo(0.5, 12);
    expect(budget(2)).toBeCloseTo(0.25, 12);
    expect(budget(3)).toBeCloseTo(0.25, 12);
  });

  it('are all 1 when every test is at one level', () => {
    expect(generalityWeights([2, 2, 2])).toEqual([1, 1, 1]);
    expect(generalityWeights([])).toEqual([]);
  });
});
