// The count tables the search needs, from Prometheus: per window family, per full label set, the
// active windows n and the high windows k at the threshold over the range (reset-safe increase()).
import { PROM, thresholdLabel, LABEL, type PrometheusWindowFamily } from '../../model/index.js';
import type { Cell, CountRow, CountTables, Dimension, FamilyName } from './cells.js';
import type { InstantSample, PrometheusApi } from './prometheus-api.js';

export interface CountQueries {
  active: string;
  high: string;
}

const FAMILIES: Record<FamilyName, PrometheusWindowFamily> = {
  session: PROM.sessionWindows,
  stage: PROM.stageWindows,
  detail: PROM.detailWindows,
};

/** `sum by (<family labels>) (increase(<active>[R]))` and the same for high at threshold T. */
export function countQueries(family: FamilyName, range: string, threshold: number): CountQueries {
  const { active, high, labels } = FAMILIES[family];
  const by = labels.join(', ');
  return {
    active: `sum by (${by}) (increase(${active}[${range}]))`,
    high: `sum by (${by}) (increase(${high}{${LABEL.threshold}="${thresholdLabel(threshold)}"}[${range}]))`,
  };
}

/** Joins active and high samples by label set; a label set without high samples has k = 0. */
export function toRows(family: FamilyName, active: InstantSample[], high: InstantSample[]): CountRow[] {
  const labels = FAMILIES[family].labels as readonly Dimension[];
  const keyOf = (metric: Record<string, string>) => JSON.stringify(labels.map((l) => metric[l] ?? null));
  const highByKey = new Map(high.map((s) => [keyOf(s.metric), s.value]));
  return active
    .filter((s) => Number.isFinite(s.value) && s.value > 0)
    .map((s) => {
      const cell: Cell = {};
      for (const label of labels) if (s.metric[label]) cell[label] = s.metric[label];
      const k = highByKey.get(keyOf(s.metric)) ?? 0;
      return { labels: cell, n: s.value, k: Number.isFinite(k) ? Math.min(k, s.value) : 0 };
    });
}

export async function fetchCountTables(
  api: PrometheusApi,
  range: string,
  threshold: number,
  at: number,
): Promise<CountTables> {
  const families: FamilyName[] = ['session', 'stage', 'detail'];
  const rows = await Promise.all(
    families.map(async (family) => {
      const q = countQueries(family, range, threshold);
      const [active, high] = await Promise.all([api.instant(q.active, at), api.instant(q.high, at)]);
      return toRows(family, active, high);
    }),
  );
  return { session: rows[0]!, stage: rows[1]!, detail: rows[2]! };
}
