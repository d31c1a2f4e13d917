// Count tables → the report's statistics: the search (explain.ts) and its results as report rows.
// No Prometheus here, so the replay test, the fault-class tests and the power table run it directly.
import type { CountTables } from './cells.js';
import { parseDispersionKey } from './dispersion.js';
import { intervalsOf, type ContrastTest } from './contrasts.js';
import { searchCauses, type Cause, type SearchSettings } from './explain.js';
import type { Culprit, DispersionRow, TestRow } from './report.js';

export interface Analysis {
  fleet: { n: number; k: number; rate: number };
  dispersion: DispersionRow[];
  search: { cells: number; tests: number; milliseconds: number };
  culprits: Culprit[];
  tests: TestRow[];
}

export function testRow(test: ContrastTest, confidenceLevel: number): TestRow {
  const intervals = intervalsOf(test, test.dispersion, confidenceLevel);
  return {
    cell: test.cell,
    family: test.family,
    dimension: test.dimension,
    n: test.n,
    k: test.k,
    rate: test.rate,
    complement: { n: test.n0, k: test.k0, rate: test.baselineRate },
    riskDifference: test.riskDifference,
    riskDifferenceInterval: intervals.riskDifferenceInterval,
    relativeRisk: Number.isFinite(test.relativeRisk) ? test.relativeRisk : null,
    relativeRiskInterval: intervals.relativeRiskInterval,
    p: test.p,
    q: test.q,
    verdict: test.verdict,
  };
}

function culpritOf(cause: Cause, rank: number, confidenceLevel: number): Culprit {
  // The weakest contrast (largest p) is what the naming rests on; its numbers represent the cell.
  const weakest = [...cause.contrasts].sort((a, b) => b.p - a.p)[0]!;
  const intervals = intervalsOf(weakest, weakest.dispersion, confidenceLevel);
  return {
    rank,
    cell: cause.cell,
    family: cause.counts.family,
    n: cause.counts.n,
    k: cause.counts.k,
    rate: cause.counts.n > 0 ? cause.counts.k / cause.counts.n : 0,
    baselineRate: Math.max(...cause.contrasts.map((t) => t.baselineRate)),
    riskDifference: weakest.riskDifference,
    riskDifferenceInterval: intervals.riskDifferenceInterval,
    relativeRisk: Number.isFinite(weakest.relativeRisk) ? weakest.relativeRisk : null,
    relativeRiskInterval: intervals.relativeRiskInterval,
    p: weakest.p,
    q: Math.max(...cause.contrasts.map((t) => t.q)),
    excessWindows: cause.excess,
    round: cause.round,
    contrasts: cause.contrasts.map((t) => testRow(t, confidenceLevel)),
    exampleSessions: [],
  };
}

export function analyzeCounts(tables: CountTables, settings: SearchSettings): Analysis {
  const started = performance.now();
  const result = searchCauses(tables, settings);
  const milliseconds = performance.now() - started;
  const n = tables.session.reduce((sum, row) => sum + row.n, 0);
  const k = tables.session.reduce((sum, row) => sum + row.k, 0);
  const dispersion: DispersionRow[] = [...result.dispersion].map(([key, d]) => {
    const { family, dimension } = parseDispersionKey(key);
    return { family, dimension, phi: d.phi, tau2: d.tau2, deviations: d.deviations };
  });
  return {
    fleet: { n, k, rate: n > 0 ? k / n : 0 },
    dispersion,
    search: { cells: result.cells, tests: result.tests.length, milliseconds },
    culprits: result.causes.map((cause, index) => culpritOf(cause, index + 1, settings.confidenceLevel)),
    tests: [...result.tests]
      .sort((a, b) => a.q - b.q || a.p - b.p)
      .map((t) => testRow(t, settings.confidenceLevel)),
  };
}
