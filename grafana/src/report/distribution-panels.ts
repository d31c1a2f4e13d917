// How much CPU, and when: the per-sample histogram over time and its quantiles with exemplars
// (example sessions). Counts samples, not sessions.
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { LABEL } from '../../../src/model/index.js';
import { promQuery } from '../panel-helpers.js';
import * as q from './queries.js';
import { selected } from './shared.js';

export function distributionPanels() {
  return [
    new heatmap.PanelBuilder()
      .title('CPU distribution over time ($version / $stage / $os)')
      .description(
        'How many CPU samples (one per second per session) fell into each utilisation bucket (share of all ' +
          'logical CPUs) per time slot. A band appearing high up is sessions burning CPU; the bucket bounds ' +
          'include the thresholds of the report.',
      )
      .unit('short')
      .calculate(false)
      .yAxis(new heatmap.YAxisConfigBuilder().unit('percentunit'))
      .withTarget(
        promQuery(q.cpuBucketIncrease('$__rate_interval', selected), { format: 'heatmap', legend: '{{le}}' }),
      )
      .span(12)
      .height(9),
    new timeseries.PanelBuilder()
      .title('CPU p50 / p95 by version, with example sessions')
      .description(
        'CPU quantiles of the selected drill-down per version. The dots are exemplars: the worst session of ' +
          'each series per gateway flush; hover one for its trace_id = session id (as 32 hex digits; ' +
          '`npm run triage` prints it as a UUID).',
      )
      .unit('percentunit')
      .min(0)
      .withTarget(
        promQuery(q.cpuQuantile(0.95, '$__rate_interval', [LABEL.version], selected), {
          refId: 'A',
          legend: 'p95 {{version}}',
          exemplar: true,
        }),
      )
      .withTarget(
        promQuery(q.cpuQuantile(0.5, '$__rate_interval', [LABEL.version], selected), {
          refId: 'B',
          legend: 'p50 {{version}}',
          exemplar: false,
        }),
      )
      .span(12)
      .height(9),
  ];
}
