// What the scenario harness reads from Prometheus: the window families' counts per label set, as
// the exact totals of a fresh stack (its counters start at zero) and as sum(increase(…[range]))
// over a range covering the run, the form every rule, dashboard and triage query uses.
import { PROM, type PrometheusWindowFamily } from '../../src/model/index.js';
import type { FamilyName, GroundTruth, TruthCell } from '../../src/simulator/index.js';
import type { Stack } from '../../src/stack/index.js';

export const PROM_FAMILIES: Record<FamilyName, PrometheusWindowFamily> = {
  session: PROM.sessionWindows,
  stage: PROM.stageWindows,
  detail: PROM.detailWindows,
};

/** Counts of one family keyed by its label values joined in family label order. */
export type FamilyCounts = Map<
  string,
  { labels: Record<string, string>; active: number; high: Record<string, number> }
>;

export function cellKey(labelNames: readonly string[], labels: Record<string, string>): string {
  return labelNames.map((name) => labels[name] ?? '').join(' / ');
}

/** `expression(metric)` summed by the family's labels (and threshold for high). */
export async function familyCounts(
  stack: Stack,
  family: FamilyName,
  expression: (metric: string) => string,
): Promise<FamilyCounts> {
  const names = PROM_FAMILIES[family];
  const by = names.labels.join(', ');
  const [active, high] = await Promise.all([
    stack.queryPrometheus(`sum by (${by}) (${expression(names.active)})`),
    stack.queryPrometheus(`sum by (${by}, threshold) (${expression(names.high)})`),
  ]);
  const counts: FamilyCounts = new Map();
  const entry = (labels: Record<string, string>) => {
    const key = cellKey(names.labels, labels);
    let cell = counts.get(key);
    if (!cell) {
      const own = Object.fromEntries(names.labels.map((n) => [n, labels[n] ?? '']));
      counts.set(key, (cell = { labels: own, active: 0, high: {} }));
    }
    return cell;
  };
  for (const sample of active) entry(sample.metric).active += Number(sample.value[1]);
  for (const sample of high) {
    const cell = entry(sample.metric);
    const threshold = sample.metric['threshold'] ?? '';
    cell.high[threshold] = (cell.high[threshold] ?? 0) + Number(sample.value[1]);
  }
  return counts;
}

/** The exact counters of a fresh stack (every counter started at zero). */
export const totals = (stack: Stack, family: FamilyName) => familyCounts(stack, family, (metric) => metric);

/** sum(increase(…[range])) per label set. */
export const increases = (stack: Stack, family: FamilyName, range: string) =>
  familyCounts(stack, family, (metric) => `increase(${metric}[${range}])`);

/** The truth of one family in the same shape, with integer counts. */
export function truthCounts(truth: GroundTruth, family: FamilyName): FamilyCounts {
  const names = PROM_FAMILIES[family].labels;
  return new Map(
    truth[family].map((cell: TruthCell) => [
      cellKey(names, cell.labels),
      { ...cell, high: { ...cell.high } },
    ]),
  );
}

/** Summed active and high over the label sets matching `filter`. */
export function sumCounts(
  counts: FamilyCounts,
  threshold: string,
  filter: Record<string, string> = {},
): { active: number; high: number } {
  let active = 0;
  let high = 0;
  for (const cell of counts.values()) {
    if (Object.entries(filter).some(([label, value]) => cell.labels[label] !== value)) continue;
    active += cell.active;
    high += cell.high[threshold] ?? 0;
  }
  return { active, high };
}

export function overRate(
  counts: FamilyCounts,
  threshold: string,
  filter: Record<string, string> = {},
): number {
  const { active, high } = sumCounts(counts, threshold, filter);
  return active === 0 ? 0 : high / active;
}
