// From tests to causes (docs/report.md "The statistic", "How causes are named"): a cell is a cause
// when it is significant along every contrast dimension it names and, when it names a stage, its
// excess is confined to that stage. The strongest cause is refined to its most specific justified
// cell, named, its excess removed from the counts, and the search repeated for further causes.
import {
  CONTRAST_DIMENSIONS,
  FAMILY_DIMENSIONS,
  aggregateCells,
  cellKey,
  keyIn,
  membersOf,
  namedDimensions,
  tailsOf,
  without,
  type Cell,
  type CellCounts,
  type CountTables,
  type Dimension,
  type OrdinalTails,
} from './cells.js';
import { compare, comparisonOf, testAll, type ContrastTest, type TestSettings } from './contrasts.js';
import {
  NO_DISPERSION,
  dispersionKey,
  estimateDispersion,
  type Dispersion,
  type DispersionSettings,
} from './dispersion.js';
import { dispersionFor } from './healthy-spread.js';

export interface SearchSettings extends TestSettings, DispersionSettings {
  /** Most causes named (count). */
  maxCulprits: number;
}

export interface Cause {
  cell: Cell;
  counts: CellCounts;
  /** The cell's tests, one per contrast dimension it names (all significant). */
  contrasts: ContrastTest[];
  /** High windows above what the complement's rate predicts: k − n · max(baseline rates). */
  excess: number;
  /** The search round that found it (1 = on the data as measured; later rounds: earlier causes removed). */
  round: number;
}

export interface SearchResult {
  /** Every test of the first round (the data as measured). */
  tests: ContrastTest[];
  dispersion: Map<string, Dispersion>;
  causes: Cause[];
  cells: number;
}

interface Round {
  cells: Map<string, CellCounts>;
  tests: ContrastTest[];
  byCell: Map<string, ContrastTest[]>;
  dispersion: Map<string, Dispersion>;
}

const CELL_GROUPS: ReadonlyArray<readonly Dimension[]> = [
  ['version'],
  ['stage'],
  ['os'],
  ['cpu_cores'],
  ['detail', 'detail_bucket'],
];

function isBaseCell(tails: OrdinalTails) {
  return (counts: CellCounts) =>
    (counts.cell.cpu_cores === undefined || !tails.cores.has(counts.cell.cpu_cores)) &&
    (counts.cell.detail_bucket === undefined ||
      !tails.buckets.get(counts.cell.detail ?? '')?.has(counts.cell.detail_bucket));
}

function runRound(tables: CountTables, tails: OrdinalTails, settings: SearchSettings): Round {
  const cells = aggregateCells(tables, tails);
  const dispersion = estimateDispersion(cells, isBaseCell(tails), settings);
  const tests = testAll(cells, dispersion, settings);
  const byCell = new Map<string, ContrastTest[]>();
  for (const test of tests) {
    const list = byCell.get(test.key) ?? [];
    list.push(test);
    byCell.set(test.key, list);
  }
  return { cells, tests, byCell, dispersion };
}

function dispersionOf(round: Round, counts: CellCounts, dimension: Dimension): Dispersion {
  return dispersionFor(
    round.dispersion.get(dispersionKey(counts.family, dimension)) ?? NO_DISPERSION,
    counts.cell[dimension],
  );
}

/** Significant along every contrast dimension the cell names. */
function isSignificant(round: Round, key: string): boolean {
  const counts = round.cells.get(key);
  const tests = round.byCell.get(key);
  if (!counts || !tests) return false;
  const named = CONTRAST_DIMENSIONS.filter((d) => counts.cell[d] !== undefined);
  return (
    named.length > 0 &&
    named.every((d) => tests.some((t) => t.dimension === d && t.verdict === 'significant'))
  );
}

/**
 * Whether a comparison built from `rest` (a part of a cell's context) is higher than its complement
 * along every contrast dimension of `counts` at the unadjusted alpha, whatever the size: "the excess
 * is not confined" (a fault spread thinly over every stage is no stage's fault).
 */
function restElevated(
  round: Round,
  counts: CellCounts,
  rest: (cell: Cell) => { n: number; k: number } | undefined,
  settings: SearchSettings,
): boolean {
  const named = CONTRAST_DIMENSIONS.filter((d) => counts.cell[d] !== undefined);
  return named.every((dimension) => {
    const part = rest(counts.cell);
    const context = rest(without(counts.cell, dimension));
    if (!part || !context || part.n <= 0 || context.n - part.n <= 0.5) return false;
    const result = compare(
      { n: part.n, k: part.k, n0: context.n - part.n, k0: context.k - part.k },
      dispersionOf(round, counts, dimension),
    );
    return result.p <= settings.alpha && result.riskDifference > 0;
  });
}

/** A stage cell whose excess is confined to its stage: the same cell in the other stages is not elevated. */
function isConfinedToStage(round: Round, counts: CellCounts, settings: SearchSettings): boolean {
  if (counts.cell.stage === undefined) return true;
  return !restElevated(
    round,
    counts,
    (cell) => {
      const inStage = round.cells.get(keyIn(counts.family, cell));
      const all = round.cells.get(keyIn(counts.family, without(cell, 'stage')));
      if (!inStage || !all) return undefined;
      return { n: all.n - inStage.n, k: all.k - inStage.k };
    },
    settings,
  );
}

function isCause(round: Round, key: string, settings: SearchSettings): boolean {
  const counts = round.cells.get(key);
  return !!counts && isSignificant(round, key) && isConfinedToStage(round, counts, settings);
}

function baselineOf(round: Round, key: string): number {
  return Math.max(0, ...(round.byCell.get(key) ?? []).map((t) => t.baselineRate));
}

function excessOf(round: Round, counts: CellCounts): number {
  return counts.k - counts.n * baselineOf(round, counts.key);
}

/** One more named dimension group than `parent` (and every value of the parent kept). */
function isChild(parent: Cell, child: Cell): boolean {
  const added = CELL_GROUPS.filter((group) =>
    group.some((d) => child[d] !== undefined && parent[d] === undefined),
  );
  if (added.length !== 1) return false;
  return namedDimensions(parent).every((d) => parent[d] === child[d]);
}

/**
 * The most specific justified cell below `start`: move to the child cause with the largest excess
 * while there is one; an ordinal tail moves to a narrower tail or bucket inside it when the rest of
 * the tail is not elevated against the same complement.
 */
function refine(
  round: Round,
  causes: CellCounts[],
  start: CellCounts,
  tails: OrdinalTails,
  settings: SearchSettings,
): CellCounts {
  let current = start;
  for (;;) {
    const children = causes.filter((c) => isChild(current.cell, c.cell));
    const narrower = narrowerTails(round, causes, current, tails, settings);
    const next = [...children, ...narrower].sort((a, b) => excessOf(round, b) - excessOf(round, a))[0];
    if (!next) return current;
    current = next;
  }
}

function narrowerTails(
  round: Round,
  causes: CellCounts[],
  current: CellCounts,
  tails: OrdinalTails,
  settings: SearchSettings,
): CellCounts[] {
  const result: CellCounts[] = [];
  for (const dimension of ['cpu_cores', 'detail_bucket'] as const) {
    const members = membersOf(current.cell, dimension, tails);
    if (members.length < 2) continue;
    for (const candidate of causes) {
      if (candidate.key === current.key) continue;
      if (candidate.family !== current.family) continue;
      if (cellKey(without(candidate.cell, dimension)) !== cellKey(without(current.cell, dimension))) continue;
      const inner = membersOf(candidate.cell, dimension, tails);
      if (inner.length >= members.length || !inner.every((m) => members.includes(m))) continue;
      const rest = { n: current.n - candidate.n, k: current.k - candidate.k };
      const comparison = comparisonOf(round.cells, current, dimension);
      if (!comparison || rest.n <= 0) {
        result.push(candidate);
        continue;
      }
      const restResult = compare(
        { n: rest.n, k: rest.k, n0: comparison.n0, k0: comparison.k0 },
        dispersionOf(round, current, dimension),
      );
      if (!(restResult.p <= settings.alpha && restResult.riskDifference > 0)) result.push(candidate);
    }
  }
  return result;
}

/** Removes a cause's excess from every family's rows: inside it scaled to the baseline, elsewhere spread by size. */
function removeCause(tables: CountTables, cause: Cause, tails: OrdinalTails): CountTables {
  const factor = cause.counts.k > 0 ? Math.max(0, (cause.counts.k - cause.excess) / cause.counts.k) : 1;
  const result = {} as CountTables;
  for (const family of ['session', 'stage', 'detail'] as const) {
    const dims = FAMILY_DIMENSIONS[family];
    const named = namedDimensions(cause.cell);
    const present = named.filter((d) => dims.includes(d));
    const covers = present.length === named.length;
    const matches = (row: { labels: Cell }) =>
      present.every((d) => {
        const value = cause.cell[d]!;
        const rowValue = row.labels[d];
        if (d === 'cpu_cores' || d === 'detail_bucket')
          return rowValue !== undefined && membersOf(cause.cell, d, tails).includes(rowValue);
        return rowValue === value;
      });
    const matching = tables[family].filter(matches);
    const matchingN = matching.reduce((sum, row) => sum + row.n, 0);
    result[family] = tables[family].map((row) => {
      if (!matches(row)) return row;
      const k = covers
        ? row.k * factor
        : Math.max(0, row.k - (cause.excess * row.n) / Math.max(1, matchingN));
      return { ...row, k };
    });
  }
  return result;
}

/** The search: rounds of "find the strongest cause, refine it, remove it" until nothing is left. */
export function searchCauses(tables: CountTables, settings: SearchSettings): SearchResult {
  const tails = tailsOf(tables);
  const first = runRound(tables, tails, settings);
  const causes: Cause[] = [];
  let round = first;
  let current = tables;
  const named = new Set<string>();
  for (let index = 1; index <= settings.maxCulprits; index++) {
    const candidates = [...round.cells.values()].filter(
      (c) => round.byCell.has(c.key) && isCause(round, c.key, settings),
    );
    if (!candidates.length) break;
    const strongest = candidates.reduce((best, c) => (excessOf(round, c) > excessOf(round, best) ? c : best));
    const chosen = refine(round, candidates, strongest, tails, settings);
    if (named.has(chosen.key)) break;
    named.add(chosen.key);
    const cause: Cause = {
      cell: chosen.cell,
      counts: chosen,
      contrasts: round.byCell.get(chosen.key) ?? [],
      excess: excessOf(round, chosen),
      round: index,
    };
    causes.push(cause);
    current = removeCause(current, cause, tails);
    round = runRound(current, tails, settings);
  }
  return { tests: first.tests, dispersion: first.dispersion, causes, cells: first.cells.size };
}
