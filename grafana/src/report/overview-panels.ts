// "How bad is it?" and "Which versions?": the headline over-rate of session windows and the
// by-version breakdown, each version against the other versions (its proper complement).
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import {
  ReduceDataOptionsBuilder,
  TableSortByFieldStateBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { LABEL } from '../../../src/model/index.js';
import { drillDownLink, mergeQueriesIntoRows, promQuery, trafficLight } from '../panel-helpers.js';
import * as q from './queries.js';
import { RULES } from './rules.js';
import { REPORT_DASHBOARD_UID, WINDOW_UNIT, keepVariables, scope } from './shared.js';

const { version: V } = LABEL;
const S = q.SESSIONS;

export function headlinePanels() {
  const lastValue = new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
  return [
    new stat.PanelBuilder()
      .title('Session windows with a CPU episode over $threshold (share of session windows)')
      .description(
        'The headline: the share of session windows in the selected range that had a sustained high-CPU ' +
          `episode. ${WINDOW_UNIT} Numerator and denominator are the same windows, so it never exceeds 100%.`,
      )
      .unit('percentunit')
      .decimals(1)
      .reduceOptions(lastValue)
      .thresholds(trafficLight(0.05, 0.15))
      .withTarget(promQuery(q.overRate(scope, S, []), { instant: true }))
      .span(6)
      .height(5),
    new stat.PanelBuilder()
      .title('Session windows')
      .description(
        `Session windows counted in the selected range: the denominator of the headline. ${WINDOW_UNIT}`,
      )
      .unit('short')
      .reduceOptions(lastValue)
      .withTarget(promQuery(q.active(scope, S, []), { instant: true }))
      .span(6)
      .height(5),
    new stat.PanelBuilder()
      .title('High-CPU session windows')
      .description(
        'Session windows with a sustained episode over the threshold in the selected range: the numerator of ' +
          'the headline.',
      )
      .unit('short')
      .reduceOptions(lastValue)
      .withTarget(promQuery(q.high(scope, S, []), { instant: true }))
      .span(6)
      .height(5),
    new stat.PanelBuilder()
      .title('CPU p95, all samples')
      .description(
        '95th percentile of all CPU samples in the range (share of all logical CPUs), from the summed ' +
          'histogram: how much CPU, not how many sessions.',
      )
      .unit('percentunit')
      .decimals(1)
      .reduceOptions(lastValue)
      .thresholds(trafficLight(0.3, 0.8))
      .withTarget(promQuery(q.cpuQuantile(0.95, '$__range', []), { instant: true }))
      .span(6)
      .height(5),
  ];
}

export function byVersionPanels() {
  const versionLink = drillDownLink('Drill into version ${__data.fields.version}', REPORT_DASHBOARD_UID, {
    ...keepVariables,
    version: '${__data.fields.version}',
  });
  const by = [V];
  const tableQuery = (expr: string, refId: string) =>
    promQuery(expr, { refId, instant: true, format: 'table' });
  return [
    new table.PanelBuilder()
      .title('Versions: high-CPU share of session windows vs the other versions')
      .description(
        'One row per version over the selected range (unit: session windows). Over-rate = high-CPU windows ÷ ' +
          'windows. "Other versions" = the same over-rate of all other versions together: the proper ' +
          'comparison, which a version with most of the fleet cannot dilute. Difference = over-rate − other ' +
          'versions, in points. Share columns: "of those high-CPU windows, Y% ran this version" against its ' +
          'share of all windows. Check "Windows": a difference on a handful of windows is noise (the suspects ' +
          'table below has confidence bounds). Click a version to drill down.',
      )
      .unit('percentunit')
      .withTarget(tableQuery(q.active(scope, S, by), 'A'))
      .withTarget(tableQuery(q.high(scope, S, by), 'B'))
      .withTarget(tableQuery(q.overRate(scope, S, by), 'C'))
      .withTarget(tableQuery(q.complementOverRate(scope, S, by, [V]), 'D'))
      .withTarget(tableQuery(q.riskDifference(scope, S, by, [V]), 'E'))
      .withTarget(tableQuery(q.shareOf(q.high(scope, S, by), q.high(scope, S, []), []), 'F'))
      .withTarget(tableQuery(q.shareOf(q.active(scope, S, by), q.active(scope, S, []), []), 'G'))
      .transformations(
        mergeQueriesIntoRows({
          version: 'Version',
          'Value #A': 'Windows',
          'Value #B': 'High-CPU windows',
          'Value #C': 'Over-rate',
          'Value #D': 'Other versions',
          'Value #E': 'Difference',
          'Value #F': 'Share of high-CPU windows',
          'Value #G': 'Share of all windows',
        }),
      )
      .overrideByName('Windows', [{ id: 'unit', value: 'short' }])
      .overrideByName('High-CPU windows', [{ id: 'unit', value: 'short' }])
      .sortBy([new TableSortByFieldStateBuilder().displayName('Difference').desc(true)])
      .dataLinks([versionLink])
      .span(14)
      .height(9),
    new bargauge.PanelBuilder()
      .title('Over-rate by version (share of session windows)')
      .description(
        "Share of each version's session windows with a sustained episode over the threshold, worst first. " +
          'The table beside it has the window counts and the comparison with the other versions. Click a bar ' +
          'to drill down.',
      )
      .unit('percentunit')
      .min(0)
      .max(1)
      .orientation(VizOrientation.Horizontal)
      .thresholds(trafficLight(0.05, 0.15))
      .withTarget(promQuery(`sort_desc(${q.overRate(scope, S, by)})`, { instant: true, legend: `{{${V}}}` }))
      .dataLinks([
        drillDownLink('Drill into version ${__field.labels.version}', REPORT_DASHBOARD_UID, {
          ...keepVariables,
          version: '${__field.labels.version}',
        }),
      ])
      .span(10)
      .height(9),
    new timeseries.PanelBuilder()
      .title('Over-rate by version, rolling 1h (share of session windows)')
      .description(
        "Share of each version's session windows with an episode over the threshold in the preceding hour " +
          `(recording rule ${RULES.versionOverRate1h}), the fleet dashed. Shows when a release started ` +
          'burning CPU; windows are counted when they close, so a change shows ~10 minutes late.',
      )
      .unit('percentunit')
      .min(0)
      .withTarget(
        promQuery(`${RULES.versionOverRate1h}{threshold="$threshold", ${V}=~"$version"}`, {
          refId: 'A',
          legend: `{{${V}}}`,
        }),
      )
      .withTarget(
        promQuery(`${RULES.fleetOverRate1h}{threshold="$threshold"}`, { refId: 'B', legend: 'fleet' }),
      )
      .overrideByName('fleet', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }])
      .span(24)
      .height(8),
  ];
}
