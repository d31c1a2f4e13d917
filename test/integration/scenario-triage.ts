// The triage side of the scenario harness, in one place: how a culprit cell is read from the
// triage's report (DESIGN §5: `culprits[].cell`, ranked) and when it matches an expected culprit.
import { runTriage } from '../../src/report/index.js';
import type { ExpectedCulprit } from '../../src/simulator/index.js';

export const CELL_KEYS = ['version', 'stage', 'os', 'cpu_cores', 'detail', 'detail_bucket'] as const;
export type CellKey = (typeof CELL_KEYS)[number];
export type CulpritCell = Partial<Record<CellKey, string>>;

interface CulpritReport {
  culprits?: Array<{ cell: CulpritCell }>;
}

/** The triage's ranked culprit cells over `range` at `threshold`. */
export async function triageCulprits(
  prometheusUrl: string,
  range: string,
  threshold: number,
): Promise<CulpritCell[]> {
  const report = (await runTriage({ prometheusUrl, range, threshold })) as unknown as CulpritReport;
  if (!Array.isArray(report.culprits)) {
    throw new Error('runTriage returned no `culprits` list (DESIGN §5: culprits[].cell, ranked)');
  }
  return report.culprits.map((culprit) => culprit.cell);
}

/**
 * DESIGN §5: every key the expectation names is equal, and the culprit names no key the expectation
 * leaves out — except a stage or OS inside the expected cell when the expectation allows it.
 */
export function matchesExpectation(cell: CulpritCell, expected: ExpectedCulprit): boolean {
  for (const key of CELL_KEYS) {
    const want = expected[key];
    const have = cell[key];
    if (want !== undefined) {
      if (have !== want) return false;
    } else if (have !== undefined) {
      const tolerated = expected.allowMoreSpecific && (key === 'stage' || key === 'os');
      if (!tolerated) return false;
    }
  }
  return true;
}

/**
 * Problems with a triage result against the expectations: the first N culprits (N expected) must
 * match the N expectations one to one, in any order; no expectation = no culprit at all.
 */
export function culpritProblems(
  cells: readonly CulpritCell[],
  expected: readonly ExpectedCulprit[],
): string[] {
  if (expected.length === 0) {
    return cells.length === 0 ? [] : [`expected no culprit, got ${cells.map(describeCell).join('; ')}`];
  }
  const top = cells.slice(0, expected.length);
  const unmatched = [...expected];
  const problems: string[] = [];
  for (const cell of top) {
    const index = unmatched.findIndex((e) => matchesExpectation(cell, e));
    if (index < 0) problems.push(`culprit ${describeCell(cell)} matches no expectation`);
    else unmatched.splice(index, 1);
  }
  for (const e of unmatched)
    problems.push(`expected culprit ${describeCell(e)} is not among the first ${expected.length}`);
  if (problems.length > 0) problems.push(`ranked culprits: ${cells.map(describeCell).join('; ') || 'none'}`);
  return problems;
}

export function describeCell(cell: CulpritCell): string {
  const parts = CELL_KEYS.flatMap((key) => (cell[key] === undefined ? [] : [`${key}=${cell[key]}`]));
  return parts.length > 0 ? parts.join(' ') : '(whole fleet)';
}
