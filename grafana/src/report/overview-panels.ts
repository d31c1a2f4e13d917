// "How bad is it?" and "Which versions?": the headline numbers and the by-version breakdown.
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import {
  ReduceDataOptionsBuilder,
  TableSortByFieldStateBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { LABELS, RULES } from '../../../src/report/metric-names.js';
import * as q from '../../../src/report/queries.js';
import { drillDownLink, mergeQueriesIntoRows, promQuery, trafficLight } from '../panel-helpers.js';
import { REPORT_DASHBOARD_UID, keepVariables, scope } from './shared.js';

export function headlinePanels() {
  const lastValue = new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
  return [
    new stat.PanelBuilder()
      .title('Sessions over $threshold CPU')
      .description(
        'Share of all sessions in the selected time range that spent at least 5 samples above the CPU ' +
          'threshold (share of all CPUs). The headline number: "X% of sessions burn CPU".',
      )
      .unit('percentunit')
      .decimals(1)
      .reduceOptions(lastValue)
      .thresholds(trafficLight(0.05, 0.15))
      .withTarget(promQuery(q.fleetOverRate(scope), { instant: true }))
      .span(6)
      .height(5),
    new stat.PanelBuilder()
      .title('Sessions')
      .description('Sessions (app runs) seen in the selected time range: the denominator of the headline.')
      .unit('short')
      .reduceOptions(lastValue)
      .withTarget(promQuery(q.fleetSessions(scope), { instant: true }))
      .span(6)
      .height(5),
    new stat.PanelBuilder()
      .title('High-CPU sessions')
      .description(
        'Sessions that went over the threshold in the selected time range: the numerator of the headline.',
      )
      .unit('short')
      .reduceOptions(lastValue)
      .withTarget(promQuery(q.fleetOverSessions(scope), { instant: true }))
      .span(6)
      .height(5),
    new stat.PanelBuilder()
      .title('CPU p95, all sessions')
      .description(
        '95th percentile of all CPU samples in the range (share of all CPUs), from the summed histogram.',
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
  return [
    new table.PanelBuilder()
      .title('Versions: how often they burn CPU, with sample sizes')
      .description(
        'One row per version over the selected range. Over-rate = high-CPU sessions ÷ sessions. Lift = ' +
          '(share of high-CPU sessions) ÷ (share of all sessions) = over-rate ÷ fleet over-rate: above 1 the ' +
          'version is over-represented among high-CPU sessions. Check "Sessions": a lift on a handful of ' +
          'sessions is noise. Click a version to drill down.',
      )
      .unit('percentunit')
      .withTarget(promQuery(q.sessionsByVersion(scope), { refId: 'A', instant: true, format: 'table' }))
      .withTarget(promQuery(q.overSessionsByVersion(scope), { refId: 'B', instant: true, format: 'table' }))
      .withTarget(promQuery(q.overRateByVersion(scope), { refId: 'C', instant: true, format: 'table' }))
      .withTarget(promQuery(q.highCpuShareByVersion(scope), { refId: 'D', instant: true, format: 'table' }))
      .withTarget(promQuery(q.sessionShareByVersion(scope), { refId: 'E', instant: true, format: 'table' }))
      .withTarget(promQuery(q.liftByVersion(scope), { refId: 'F', instant: true, format: 'table' }))
      .transformations(
        mergeQueriesIntoRows({
          version: 'Version',
          'Value #A': 'Sessions',
          'Value #B': 'High-CPU sessions',
          'Value #C': 'Over-rate',
          'Value #D': 'Share of high-CPU sessions',
          'Value #E': 'Share of all sessions',
          'Value #F': 'Lift',
        }),
      )
      .overrideByName('Sessions', [{ id: 'unit', value: 'short' }])
      .overrideByName('High-CPU sessions', [{ id: 'unit', value: 'short' }])
      .overrideByName('Lift', [
        { id: 'unit', value: 'x' },
        { id: 'decimals', value: 2 },
      ])
      .sortBy([new TableSortByFieldStateBuilder().displayName('Over-rate').desc(true)])
      .dataLinks([versionLink])
      .span(14)
      .height(9),
    new bargauge.PanelBuilder()
      .title('Over-rate by version')
      .description(
        "Share of each version's sessions that went over the threshold, worst first. Compare with the " +
          'headline; the table beside it has the session counts. Click a bar to drill down.',
      )
      .unit('percentunit')
      .min(0)
      .max(1)
      .orientation(VizOrientation.Horizontal)
      .thresholds(trafficLight(0.05, 0.15))
      .withTarget(
        promQuery(`sort_desc(${q.overRateByVersion(scope)})`, {
          instant: true,
          legend: `{{${LABELS.version}}}`,
        }),
      )
      .dataLinks([
        drillDownLink('Drill into version ${__field.labels.version}', REPORT_DASHBOARD_UID, {
          ...keepVariables,
          version: '${__field.labels.version}',
        }),
      ])
      .span(10)
      .height(9),
    new timeseries.PanelBuilder()
      .title('Over-rate by version, rolling 1h')
      .description(
        "Share of each version's sessions over the threshold in the preceding hour (recording rule " +
          'threshold_version:…:ratio_increase1h), with the fleet as a dashed reference. Shows when a release started burning CPU.',
      )
      .unit('percentunit')
      .min(0)
      .withTarget(
        promQuery(`${RULES.versionOverRate1h}{threshold="$threshold", version=~"$version"}`, {
          refId: 'A',
          legend: `{{${LABELS.version}}}`,
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
