// The seed's drill-down as sentences, for the top culprit: "X% of session windows in the last R went
// over T …; of those, Y% ran version V …; of those, Z% were high in stage S …; of those, W% were
// receiving a file with name longer than 42 characters". Each "of those" divides the high windows
// of the narrower cell by those of the wider one (a stage window is high only inside a high
// session window, so each share is at most 100% up to increase()'s extrapolation).
import {
  DIMENSIONS,
  familyOf,
  membersOf,
  tailsOf,
  type Cell,
  type CountTables,
  type Dimension,
} from './cells.js';
import { count, percent, thresholdText } from './format.js';
import type { Culprit } from './report.js';

function countsOf(tables: CountTables, cell: Cell): { n: number; k: number } {
  const tails = tailsOf(tables);
  const family = familyOf(cell);
  let n = 0;
  let k = 0;
  for (const row of tables[family]) {
    const inside = DIMENSIONS.every((d) => {
      if (cell[d] === undefined) return true;
      if (d === 'cpu_cores' || d === 'detail_bucket')
        return row.labels[d] !== undefined && membersOf(cell, d, tails).includes(row.labels[d]);
      return row.labels[d] === cell[d];
    });
    if (inside) {
      n += row.n;
      k += row.k;
    }
  }
  return { n, k };
}

/** A bucket label in words: `>42` → "longer than 42", `21-42` → "21 to 42", `<=20` → "at most 20". */
export function bucketPhrase(bucket: string, unit = ''): string {
  const suffix = unit ? ` ${unit}` : '';
  let match = /^>(\d+)$/.exec(bucket);
  if (match) return `over ${match[1]}${suffix}`;
  match = /^<=(\d+)$/.exec(bucket);
  if (match) return `at most ${match[1]}${suffix}`;
  match = /^(\d+)-(\d+)$/.exec(bucket);
  if (match) return `${match[1]} to ${match[2]}${suffix}`;
  return bucket;
}

function stepPhrase(dimension: Dimension, cell: Cell): string {
  switch (dimension) {
    case 'version':
      return `ran version ${cell.version}`;
    case 'stage':
      return `were high in stage ${cell.stage}`;
    case 'os':
      return `were on ${cell.os}`;
    case 'cpu_cores':
      return `had ${cell.cpu_cores} logical CPUs`;
    default:
      return cell.detail === 'file_name_length'
        ? `${cell.stage === 'sending' ? 'were sending' : 'were receiving'} a file with a name of ${bucketPhrase(cell.detail_bucket ?? '', 'characters')}`
        : `had ${cell.detail} ${bucketPhrase(cell.detail_bucket ?? '')}`;
  }
}

const ORDER: Dimension[] = ['version', 'stage', 'os', 'cpu_cores', 'detail_bucket'];

export function drillDownSentence(
  tables: CountTables,
  culprit: Culprit | undefined,
  range: string,
  threshold: number,
): string {
  const fleet = countsOf(tables, {});
  if (fleet.n <= 0) return `No session windows reached Prometheus in the last ${range}.`;
  const head =
    `${percent(fleet.k / fleet.n)} of ${count(fleet.n)} session windows in the last ${range} went over ` +
    `${thresholdText(threshold)} (${count(fleet.k)} high-CPU windows; a session window is one session during one fixed window)`;
  if (!culprit)
    return `${head}. No cell of version, stage, OS, CPU cores or event detail stands out significantly.`;
  const parts = [head];
  let cell: Cell = {};
  let previous = fleet;
  for (const dimension of ORDER) {
    if (culprit.cell[dimension] === undefined) continue;
    cell = { ...cell, [dimension]: culprit.cell[dimension] };
    if (dimension === 'detail_bucket') cell.detail = culprit.cell.detail;
    const current = countsOf(tables, cell);
    if (previous.k <= 0) break;
    parts.push(
      `of those, ${percent(Math.min(1, current.k / previous.k))} ${stepPhrase(dimension, cell)} ` +
        `(over-rate there ${percent(current.n > 0 ? current.k / current.n : 0)} of ${count(current.n)} windows)`,
    );
    previous = current;
  }
  const scope = culprit.cell.version === undefined ? ', all versions' : '';
  return `${parts.join('; ')}. Top culprit${scope}: ${culprit.rate > 0 ? percent(culprit.rate) : '0%'} high vs ${percent(culprit.baselineRate)} in its complement.`;
}
