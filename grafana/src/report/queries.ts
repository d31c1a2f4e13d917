// The report dashboard's PromQL over the window families (docs/metrics.md §5). Every ratio is
// sum(increase(high)) / sum(increase(active)) of ONE family over one label filter, so it is at most 1
// for any range; replicas (`instance`) are summed away; denominators carry `> 0` so an empty range
// yields no sample rather than NaN. Names come from src/model.
import { LABEL, PROM, type PrometheusWindowFamily } from '../../../src/model/index.js';

/** Range and threshold of every window query: Grafana variables (`$__range`, `$threshold`). */
export interface Scope {
  range: string;
  threshold: string;
}

/** Label regexes of a drill-down selection (`$version`, …); a label the family lacks is ignored. */
export type Drill = Partial<Record<'version' | 'stage' | 'os', string>>;

export const SESSIONS = PROM.sessionWindows;
export const STAGES = PROM.stageWindows;
export const DETAILS = PROM.detailWindows;

function sumBy(labels: readonly string[], inner: string): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`;
}

/** Matchers: drill regexes for labels of the family, and `label!=""` for every grouped label (no overflow). */
function selector(
  family: PrometheusWindowFamily,
  by: readonly string[],
  drill: Drill,
  extra: string[],
): string {
  const parts = [
    ...extra,
    ...by.map((label) => `${label}!=""`),
    ...Object.entries(drill)
      .filter(([label, regex]) => regex !== undefined && family.labels.includes(label))
      .map(([label, regex]) => `${label}=~"${regex}"`),
  ];
  return parts.length ? `{${parts.join(', ')}}` : '';
}

/** Session windows (or stage/detail windows) counted in the range, summed by `by`. */
export function active(
  scope: Scope,
  family: PrometheusWindowFamily,
  by: readonly string[],
  drill: Drill = {},
) {
  return sumBy(by, `increase(${family.active}${selector(family, by, drill, [])}[${scope.range}])`);
}

/** Of those, the windows with a high-CPU episode at the selected threshold. */
export function high(scope: Scope, family: PrometheusWindowFamily, by: readonly string[], drill: Drill = {}) {
  const threshold = `${LABEL.threshold}="${scope.threshold}"`;
  return sumBy(by, `increase(${family.high}${selector(family, by, drill, [threshold])}[${scope.range}])`);
}

function divide(numerator: string, denominator: string, by: readonly string[]): string {
  const on = by.length ? `on (${by.join(', ')}) ` : '';
  return `${numerator} / ${on}(${denominator} > 0)`;
}

/** High windows ÷ windows, per group. */
export function overRate(
  scope: Scope,
  family: PrometheusWindowFamily,
  by: readonly string[],
  drill: Drill = {},
) {
  return divide(high(scope, family, by, drill), active(scope, family, by, drill), by);
}

/**
 * Counts of the complement of each cell: its parent (the cell's labels without `cellLabels`) minus
 * the cell. The parent is counted with the same drill filter minus the cell labels' own filters.
 */
function complement(
  count: typeof active,
  scope: Scope,
  family: PrometheusWindowFamily,
  by: readonly string[],
  cellLabels: readonly string[],
  drill: Drill,
): string {
  const parent = by.filter((label) => !cellLabels.includes(label));
  const parentDrill = Object.fromEntries(
    Object.entries(drill).filter(([label]) => !cellLabels.includes(label)),
  ) as Drill;
  return (
    `(${count(scope, family, parent, parentDrill)} - on (${parent.join(', ')}) group_right () ` +
    `${count(scope, family, by, drill)})`
  );
}

/**
 * Over-rate of each cell's proper complement: the same parent without the cell (the other versions
 * in the same stage, the other OSes in the same version and stage, …). `cellLabels` are the labels
 * that make the cell (e.g. `version`); the other labels of `by` are the parent.
 */
export function complementOverRate(
  scope: Scope,
  family: PrometheusWindowFamily,
  by: readonly string[],
  cellLabels: readonly string[],
  drill: Drill = {},
): string {
  return divide(
    complement(high, scope, family, by, cellLabels, drill),
    complement(active, scope, family, by, cellLabels, drill),
    by,
  );
}

/** Risk difference: the cell's over-rate minus its complement's, in points of over-rate. */
export function riskDifference(
  scope: Scope,
  family: PrometheusWindowFamily,
  by: readonly string[],
  cellLabels: readonly string[],
  drill: Drill = {},
): string {
  return (
    `${overRate(scope, family, by, drill)} - on (${by.join(', ')}) ` +
    `(${complementOverRate(scope, family, by, cellLabels, drill)})`
  );
}

/** Each group's share of a total of the same family (`total` is summed over everything but `parent`). */
export function shareOf(part: string, total: string, parent: readonly string[]): string {
  return `${part} / on (${parent.join(', ')}) group_left () (${total} > 0)`;
}

// ---- CPU histogram --------------------------------------------------------------------------

function cpuSelector(drill: Drill): string {
  const parts = Object.entries(drill)
    .filter(([, regex]) => regex !== undefined)
    .map(([label, regex]) => `${label}=~"${regex}"`);
  return parts.length ? `{${parts.join(', ')}}` : '';
}

export function cpuBucketIncrease(range: string, drill: Drill = {}): string {
  return sumBy(['le'], `increase(${PROM.cpuBucket}${cpuSelector(drill)}[${range}])`);
}

export function cpuQuantile(
  quantile: number,
  range: string,
  by: readonly string[],
  drill: Drill = {},
): string {
  return `histogram_quantile(${quantile}, ${sumBy([...by, 'le'], `rate(${PROM.cpuBucket}${cpuSelector(drill)}[${range}])`)})`;
}
