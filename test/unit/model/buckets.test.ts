import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketLabels, cpuCoresLabel } from '../../../src/model/index.js';

describe('bucket labels', () => {
  it('labels integers by inclusive upper bounds', () => {
    const bounds = [20, 42, 80];
    expect([0, 20, 21, 42, 43, 80, 81, 500].map((v) => bucketLabel(v, bounds))).toEqual([
      '<=20',
      '<=20',
      '21-42',
      '21-42',
      '43-80',
      '43-80',
      '>80',
      '>80',
    ]);
    expect(bucketLabels(bounds)).toEqual(['<=20', '21-42', '43-80', '>80']);
  });

  it('gives no bucket to values that are not non-negative integers', () => {
    expect(bucketLabel(4.5, [10])).toBeUndefined();
    expect(bucketLabel(-1, [10])).toBeUndefined();
    expect(bucketLabel(Number.NaN, [10])).toBeUndefined();
  });

  it('labels adjacent bounds with a single value', () => {
    expect(bucketLabels([1, 2, 4])).toEqual(['<=1', '2', '3-4', '>4']);
  });

  it('buckets logical core counts, unknown when absent', () => {
    expect([1, 2, 3, 4, 8, 12, 16, 64].map(cpuCoresLabel)).toEqual([
      '<=2',
      '<=2',
      '3-4',
      '3-4',
      '5-8',
      '9-16',
      '9-16',
      '>16',
    ]);
    expect(cpuCoresLabel(undefined)).toBe('unknown');
    expect(cpuCoresLabel(0)).toBe('unknown');
  });
});
