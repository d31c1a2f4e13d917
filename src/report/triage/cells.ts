// Cells of the fleet: a value or "all" for each dimension, counted from the window family that
// carries the cell's labels (docs/report.md, "The statistic"). Ordinal dimensions (cpu_cores,
// detail_bucket) also get tail cells such as `>42` = every bucket above 42.

export const DIMENSIONS = ['version', 'stage', 'os', 'cpu_cores', 'detail', 'detail_bucket'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A cell: the value of each named dimension; an absent key means every value ("all"). */
export type Cell = Partial<Record<Dimension, string>>;

export type FamilyName = 'session' | 'stage' | 'detail';

/** Labels of each window family's series (src/model WindowFamily.labels, as dimensions). */
export const FAMILY_DIMENSIONS: Readonly<Record<FamilyName, readonly Dimension[]>> = {
  session: ['version', 'os', 'cpu_cores'],
  stage: ['version', 'stage', 'os'],
  detail: ['version', 'stage', 'os', 'detail', 'detail_bucket'],
};

/** Dimensions a cell is compared along (stages burn different CPU by nature: context only). */
export const CONTRAST_DIMENSIONS: readonly Dimension[] = ['version', 'os', 'cpu_cores', 'detail_bucket'];

/** One row of a family: a full label set's active windows `n` and high windows `k` over the range. */
export interface CountRow {
  labels: Cell;
  n: number;
  k: number;
}

export type CountTables = Record<FamilyName, CountRow[]>;

export interface CellCounts {
  key: string;
  cell: Cell;
  family: FamilyName;
  n: number;
  k: number;
}

export function cellKey(cell: Cell): string {
  let key = '';
  for (const d of DIMENSIONS) {
    const value = cell[d];
    if (value !== undefined) key += key ? `|${d}=${value}` : `${d}=${value}`;
  }
  return key;
}

/** The key of a cell as counted in `family` (the same labels mean different units in different families). */
export function keyIn(family: FamilyName, cell: Cell): string {
  return `${family}#${cellKey(cell)}`;
}

export function without(cell: Cell, ...dimensions: Dimension[]): Cell {
  const copy: Cell = {};
  for (const d of DIMENSIONS) if (cell[d] !== undefined && !dimensions.includes(d)) copy[d] = cell[d];
  return copy;
}

export function namedDimensions(cell: Cell): Dimension[] {
  return DIMENSIONS.filter((d) => cell[d] !== undefined);
}

/** The family a cell is counted in: the coarsest one whose labels include all of the cell's. */
export function familyOf(cell: Cell): FamilyName {
  if (cell.detail !== undefined || cell.detail_bucket !== undefined) return 'detail';
  if (cell.stage !== undefined) return 'stage';
  return 'session';
}

// ---- ordinal tails ------------------------------------------------------------------------------

/** Numeric range of a bucket label (`<=20`, `21-42`, `7`, `>80`); undefined when not ordinal. */
export function bucketRange(label: string): [number, number] | undefined {
  let match = /^<=(\d+)$/.exec(label);
  if (match) return [0, Number(match[1])];
  match = /^(\d+)-(\d+)$/.exec(label);
  if (match) return [Number(match[1]), Number(match[2])];
  match = /^>(\d+)$/.exec(label);
  if (match) return [Number(match[1]) + 1, Infinity];
  match = /^(\d+)$/.exec(label);
  if (match) return [Number(match[1]), Number(match[1])];
  return undefined;
}

/**
 * The tail cells of an ordinal dimension over its observed bucket labels: `<=b` (the buckets up to
 * b) and `>b` (those above b) for every cut between two observed buckets, leaving out tails of a
 * single bucket (they are the bucket itself). Returns label → member bucket labels.
 */
export function ordinalTails(labels: readonly string[]): Map<string, string[]> {
  const ordered = labels
    .map((label) => ({ label, range: bucketRange(label) }))
    .filter((entry): entry is { label: string; range: [number, number] } => entry.range !== undefined)
    .sort((a, b) => a.range[0] - b.range[0]);
  const tails = new Map<string, string[]>();
  for (let cut = 1; cut < ordered.length; cut++) {
    const upper = ordered[cut - 1]!.range[1];
    const below = ordered.slice(0, cut).map((entry) => entry.label);
    const above = ordered.slice(cut).map((entry) => entry.label);
    if (below.length > 1) tails.set(`<=${upper}`, below);
    if (above.length > 1) tails.set(`>${upper}`, above);
  }
  return tails;
}

/** Tail cells per ordinal dimension: cpu_cores once, detail_bucket per detail. */
export interface OrdinalTails {
  cores: Map<string, string[]>;
  buckets: Map<string, Map<string, string[]>>;
}

export function tailsOf(tables: CountTables): OrdinalTails {
  const buckets = new Map<string, Set<string>>();
  for (const row of tables.detail) {
    const { detail, detail_bucket: bucket } = row.labels;
    if (detail === undefined || bucket === undefined) continue;
    if (!buckets.has(detail)) buckets.set(detail, new Set());
    buckets.get(detail)!.add(bucket);
  }
  return {
    // Core-count tails are left out: every bucket is already a cell, and each tail would add a test
    // in every context for little power gained (multiple-comparison cost).
    cores: new Map(),
    buckets: new Map([...buckets].map(([detail, labels]) => [detail, ordinalTails([...labels])])),
  };
}

/** The values a row's label counts towards: itself and every tail that contains it. */
function valuesOf(value: string, tails: Map<string, string[]> | undefined): string[] {
  const values = [value];
  for (const [tail, members] of tails ?? []) if (members.includes(value)) values.push(tail);
  return values;
}

/** Members of an ordinal value (a tail's buckets, or the bucket itself). */
export function membersOf(
  cell: Cell,
  dimension: 'cpu_cores' | 'detail_bucket',
  tails: OrdinalTails,
): string[] {
  const value = cell[dimension];
  if (value === undefined) return [];
  const map = dimension === 'cpu_cores' ? tails.cores : tails.buckets.get(cell.detail ?? '');
  return map?.get(value) ?? [value];
}

// ---- aggregation --------------------------------------------------------------------------------

/**
 * Every cell of every family with its counts: each row adds to each combination of "its value or
 * all" per dimension (and the tails containing its ordinal values). Detail-family cells always name
 * the detail. Keys carry the family (keyIn): stage-family cells without a stage count a session once
 * per stage it visited, a different unit from the session family's; they serve as contexts only.
 */
export function aggregateCells(tables: CountTables, tails: OrdinalTails): Map<string, CellCounts> {
  const cells = new Map<string, CellCounts>();
  const add = (family: FamilyName, cell: Cell, n: number, k: number) => {
    const key = keyIn(family, cell);
    const known = cells.get(key);
    if (known) {
      known.n += n;
      known.k += k;
    } else cells.set(key, { key, cell: without(cell), family, n, k });
  };
  const choices = (value: string | undefined, tailMap?: Map<string, string[]>): Array<string | undefined> =>
    value === undefined ? [undefined] : [undefined, ...valuesOf(value, tailMap)];

  for (const row of tables.session) {
    const { version, os, cpu_cores: cores } = row.labels;
    for (const v of choices(version))
      for (const o of choices(os))
        for (const c of choices(cores, tails.cores))
          add('session', { version: v, os: o, cpu_cores: c }, row.n, row.k);
  }
  for (const row of tables.stage) {
    const { version, stage, os } = row.labels;
    if (stage === undefined) continue;
    for (const v of choices(version))
      for (const s of choices(stage))
        for (const o of choices(os)) add('stage', { version: v, stage: s, os: o }, row.n, row.k);
  }
  for (const row of tables.detail) {
    const { version, stage, os, detail, detail_bucket: bucket } = row.labels;
    if (detail === undefined) continue;
    for (const v of choices(version))
      for (const s of choices(stage))
        for (const o of choices(os))
          for (const b of choices(bucket, tails.buckets.get(detail)))
            add('detail', { version: v, stage: s, os: o, detail, detail_bucket: b }, row.n, row.k);
  }
  return cells;
}
