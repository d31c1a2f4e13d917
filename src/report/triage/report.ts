// The triage's result: plain data, printed as text (format-text.ts) or as JSON (--json). Every rate
// is a share of session windows (docs/report.md "The statistic"); counts are windows.
import type { Cell, Dimension, FamilyName } from './cells.js';
import type { Verdict } from './contrasts.js';
import type { ExampleSession } from './session-ids.js';

/** One test: a cell against its complement along one dimension. */
export interface TestRow {
  cell: Cell;
  family: FamilyName;
  /** Compared with the other values of this dimension in the same context. */
  dimension: Dimension;
  /** Active and high windows of the cell. */
  n: number;
  k: number;
  rate: number;
  complement: { n: number; k: number; rate: number };
  /** rate − complement rate (fraction of windows; 0.05 = 5 points). */
  riskDifference: number;
  riskDifferenceInterval: [number, number];
  /** rate ÷ complement rate; null when the complement had no high window. */
  relativeRisk: number | null;
  relativeRiskInterval: [number, number];
  p: number;
  q: number;
  verdict: Verdict;
}

export interface Culprit {
  rank: number;
  /** The cause (DESIGN §5): absent keys = every value. */
  cell: Cell;
  family: FamilyName;
  n: number;
  k: number;
  rate: number;
  /** The highest complement rate among its contrasts (the most conservative baseline). */
  baselineRate: number;
  riskDifference: number;
  riskDifferenceInterval: [number, number];
  relativeRisk: number | null;
  relativeRiskInterval: [number, number];
  /** The largest p and q among its contrasts (each must be significant). */
  p: number;
  q: number;
  /** High windows beyond the baseline: k − n × baselineRate. */
  excessWindows: number;
  /** 1 = found on the data as measured; later: after removing the causes ranked before it. */
  round: number;
  contrasts: TestRow[];
  exampleSessions: ExampleSession[];
}

export interface DispersionRow {
  family: FamilyName;
  dimension: Dimension;
  phi: number;
  tau2: number;
  deviations: number;
}

export interface TriageReport {
  generatedAt: string;
  evaluatedAt: number;
  prometheusUrl: string;
  range: string;
  threshold: number;
  /** What n and k count. */
  unit: string;
  settings: {
    alpha: number;
    minRiskDifference: number;
    confidenceLevel: number;
    maxCulprits: number;
    minExpected: number;
    maxTau2: number;
  };
  fleet: { n: number; k: number; rate: number };
  dispersion: DispersionRow[];
  /** Cells counted (all families, tails included) and tests run. */
  search: { cells: number; tests: number; milliseconds: number };
  culprits: Culprit[];
  /** The seed's drill-down sentence for the top culprit (or the fleet alone). */
  summary: string;
  /** Every test of the first round. */
  tests: TestRow[];
}
