// Small helpers so every dashboard panel is built the same way: one datasource, explicit units,
// a description, instant queries for "over $__range" numbers and range queries for time series.
import {
  DashboardLinkBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataTransformerConfig } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS_DATASOURCE } from './datasource.js';

export interface QueryOptions {
  refId?: string;
  legend?: string;
  /** Instant query: one value per series over the whole range (tables, stats, bars). */
  instant?: boolean;
  format?: 'table' | 'time_series' | 'heatmap';
  exemplar?: boolean;
}

export function promQuery(expr: string, options: QueryOptions = {}): DataqueryBuilder {
  const query = new DataqueryBuilder()
    .datasource(PROMETHEUS_DATASOURCE)
    .expr(expr)
    .refId(options.refId ?? 'A')
    .legendFormat(options.legend ?? '__auto');
  if (options.instant) query.instant();
  else query.range();
  if (options.format === 'table') query.format(PromQueryFormat.Table);
  if (options.format === 'heatmap') query.format(PromQueryFormat.Heatmap);
  if (options.format === 'time_series') query.format(PromQueryFormat.TimeSeries);
  if (options.exemplar !== undefined) query.exemplar(options.exemplar);
  return query;
}

/** A link to a dashboard (by uid) that keeps the time range and sets the given variables. */
export function drillDownLink(
  title: string,
  dashboardUid: string,
  variables: Record<string, string>,
): DashboardLinkBuilder {
  const params = Object.entries(variables)
    .map(([name, value]) => `var-${name}=${value}`)
    .join('&');
  return new DashboardLinkBuilder(title).url(`/d/${dashboardUid}/?${params}&\${__url_time_range}`);
}

/** Tables built from several instant queries: one row per label set, one column per query. */
export function mergeQueriesIntoRows(
  columnNames: Record<string, string>,
  hidden: string[] = [],
): DataTransformerConfig[] {
  const excludeByName = Object.fromEntries([...hidden, 'Time'].map((name) => [name, true]));
  return [
    { id: 'merge', options: {} },
    { id: 'organize', options: { excludeByName, renameByName: columnNames } },
  ];
}

/** Green below `warnAt`, orange from it, red from `badAt`. */
export function trafficLight(warnAt: number, badAt: number): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: warnAt, color: 'orange' },
    { value: badAt, color: 'red' },
  ]);
}
