import { describe, expect, it } from 'vitest';
import type { CellCounts } from '../../../../src/report/triage/cells.js';
import type { Dispersion } from '../../../../src/report/triage/dispersion.js';
import {
  MIN_SPREAD_DEVIATIONS,
  dispersionFor,
  leaveOneValueOut,
  withBorrowedSpread,
} from '../../../../src/report/triage/healthy-spread.js';
import type { SiblingGroup } from '../../../../src/report/triage/sibling-deviations.js';

const estimate = (tau2: number, deviations: number, values: number): Dispersion => ({
  phi: 1.2,
  tau2,
  deviations,
  values,
});

describe('the borrowed spread', () => {
  it("is the largest other dimension's estimate, counted as at most two values' worth", () => {
    const result = withBorrowedSpread(
      new Map([
        ['session/version', estimate(0.2, 40, 8)],
        ['stage/version', estimate(0.5, 40, 8)],
        ['session/os', estimate(0.01, 30, 3)],
        ['session/cpu_cores', estimate(0.03, 30, 5)],
      ]),
    );
    // Versions borrow from OSes and cores, never from versions in another family.
    expect(result.get('session/version')!.borrowed).toEqual({ tau2: 0.03, df: 2 });
    expect(result.get('session/os')!.borrowed).toEqual({ tau2: 0.5, df: 2 });
  });

  it('comes only from estimates that rest on enough deviations', () => {
    const result = withBorrowedSpread(
      new Map([
        ['session/version', estimate(0.2, 40, 8)],
        ['session/os', estimate(0.9, MIN_SPREAD_DEVIATIONS - 1, 2)],
      ]),
    );
    expect(result.get('session/version')!.borrowed).toBeUndefined();
  });

  it('stands in for a dimension without enough deviations of its own, with its uncertainty', () => {
    const result = withBorrowedSpread(
      new Map([
        ['session/version', estimate(0, 0, 0)],
        ['session/os', estimate(0.04, 30, 2)],
      ]),
    );
    expect(result.get('session/version')).toMatchObject({ tau2: 0.04, tau2Df: 1, shareTau2: 0.04 });
  });

  it('stands in without the most deviant value of the dimension it comes from', () => {
    // darwin's deviation is a culprit's trace in the OS estimate, not healthy spread.
    const os: Dispersion = {
      ...estimate(0.6, 30, 3),
      tau2Without: new Map([
        ['darwin', { tau2: 0.02, df: 1 }],
        ['linux', { tau2: 0.5, df: 1 }],
      ]),
    };
    const result = withBorrowedSpread(
      new Map([
        ['stage/version', estimate(0, 0, 0)],
        ['stage/os', os],
      ]),
    );
    expect(result.get('stage/version')).toMatchObject({ tau2: 0.02, tau2Df: 2 });
    // A dimension with deviations of its own pools with the whole estimate.
    expect(
      withBorrowedSpread(
        new Map([
          ['stage/version', estimate(0.01, 40, 8)],
          ['stage/os', os],
        ]),
      ).get('stage/version')!.borrowed,
    ).toEqual({ tau2: 0.6, df: 2 });
  });
});

describe('the dispersion a test uses', () => {
  const full: Dispersion = {
    ...estimate(0.1, 40, 5),
    tau2Without: new Map([['7.0.0', { tau2: 0.01, df: 3 }]]),
  };

  it("pools the siblings' spread with the borrowed one by degrees of freedom", () => {
    const d = dispersionFor({ ...full, borrowed: { tau2: 0.06, df: 2 } }, '7.0.0');
    expect(d.tau2).toBeCloseTo((3 * 0.01 + 2 * 0.06) / 5, 12);
    expect(d.tau2Df).toBe(5);
    expect(d.shareTau2).toBeCloseTo(d.tau2, 12);
  });

  it("reads the t tail's share at the siblings' estimate when it is the larger", () => {
    const d = dispersionFor({ ...full, borrowed: { tau2: 0, df: 2 } }, '7.0.0');
    expect(d.tau2).toBeCloseTo(0.006, 12);
    expect(d.shareTau2).toBeCloseTo(0.01, 12);
  });

  it('reads the share at the full estimate when nothing is borrowed', () => {
    expect(dispersionFor(full, '7.0.0')).toMatchObject({ tau2: 0.01, tau2Df: 3, shareTau2: 0.1 });
  });

  it('keeps the full estimate for a value without a leave-one-out fit', () => {
    expect(dispersionFor(full, '7.9.0')).toBe(full);
    expect(dispersionFor(full, undefined)).toBe(full);
  });
});

describe('leave one value out', () => {
  const sibling = (version: string, n: number, k: number): CellCounts => ({
    key: `version=${version}`,
    cell: { version },
    family: 'stage',
    n,
    k,
  });
  /** Three versions in eight contexts: 7.2.0 is 10 points higher everywhere, the others agree. */
  const groups: SiblingGroup[] = Array.from({ length: 8 }, () => ({
    key: 'stage/version',
    dimension: 'version',
    variance: 0.2 * 0.8,
    siblings: [sibling('7.0.0', 2000, 400), sibling('7.1.0', 2000, 402), sibling('7.2.0', 2000, 600)],
  }));
  const settings = { minExpected: 3, maxTau2: 4 };

  it('compares the pair left when a dimension has three values', () => {
    const result = leaveOneValueOut(groups, 'stage/version', new Map(), 1, 0.2, settings);
    expect(result.get('7.2.0')).toEqual({ tau2: 0, df: 1 });
  });

  it('does not fit values that are already outliers of the full estimate', () => {
    const excluded = new Map([['stage/version', new Set(['7.2.0'])]]);
    expect(leaveOneValueOut(groups, 'stage/version', excluded, 1, 0.2, settings).has('7.2.0')).toBe(false);
  });
});
