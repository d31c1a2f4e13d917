// Weights of the weighted Benjamini–Hochberg procedure (Genovese, Roeder & Wasserman 2006): the
// false-discovery budget is split between generality levels before any outcome is seen, half to
// the most general cells (one named dimension), a quarter to the next level, and so on. A fault is
// a priori as likely among the few general cells as among the many specific ones, so a general
// cell is not drowned by the thousands of combinations searched beside it. Weights average 1 over
// the tests, which keeps the FDR at alpha.
import type { Cell, Dimension } from './cells.js';

/** The dimensions a cell names, a detail and its bucket counting once. */
export function generalityLevel(cell: Cell): number {
  return (Object.keys(cell) as Dimension[]).filter((d) => d !== 'detail').length;
}

/** Share of the remaining budget each level keeps (the rest goes to the more specific levels). */
const LEVEL_SHARE = 0.5;

/** One weight per test (mean 1), from the generality level of its cell. */
export function generalityWeights(levels: readonly number[]): number[] {
  if (levels.length === 0) return [];
  const present = [...new Set(levels)].sort((a, b) => a - b);
  const counts = new Map<number, number>();
  for (const level of levels) counts.set(level, (counts.get(level) ?? 0) + 1);
  const budget = new Map<number, number>();
  let left = 1;
  present.forEach((level, index) => {
    const share = index === present.length - 1 ? left : left * LEVEL_SHARE;
    budget.set(level, share);
    left -= share;
  });
  return levels.map((level) => (budget.get(level)! * levels.length) / counts.get(level)!);
}
