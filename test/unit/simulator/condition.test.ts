import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from '../../../src/simulator/condition.js';

describe('conditions', () => {
  it.each([
    ['n > 42', 43, true],
    ['n > 42', 42, false],
    ['n >= 42', 42, true],
    ['n < 1.5', 1, true],
    ['n <= -2', -2, true],
    ['n == 3', 3, true],
    ['n != 3', 3, false],
  ])('%s with n=%d is %s', (source, n, expected) => {
    expect(evaluateCondition(parseCondition(source), { n })).toBe(expected);
  });

  it('is false for a missing detail', () => {
    expect(evaluateCondition(parseCondition('x > 1'), {})).toBe(false);
  });

  it.each(['', 'n', 'n > ', '> 3', 'n => 3', 'n > 3 && m < 2', 'n > abc'])('rejects "%s"', (source) => {
    expect(() => parseCondition(source)).toThrow(/invalid condition/);
  });
});
