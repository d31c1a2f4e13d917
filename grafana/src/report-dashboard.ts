// The CPU report for the Head of Product: how many sessions burn CPU, which versions are
// over-represented among them, and the drill-down version → stage → OS with example sessions.
// Every query comes from src/report/queries.ts, shared with the triage CLI.
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import {
  TableSortByFieldStateBuilder,
  ReduceDataOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import {
  CustomVariableBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { LABELS, RULES, TELEMETRY } from '../../src/report/metric-names.js';
import * as q from '../../src/report/queries.js';
import { PROMETHEUS_DATASOURCE } from './datasource.js';
import { drillDownLink, mergeQueriesIntoRows, promQuery, trafficLight } from './panel-helpers.js';

export const REPORT_DASHBOARD_UID = 'filesfu-report';

/** Minimum lift for the suspects table (the triage CLI adds a significance test on top). */
const SUSPECT_MIN_LIFT = '1.5';

const scope: q.QueryScope = { range: '$__range', threshold: '$threshold' };
const selected: q.DrillDown = { version: '$version', stage: '$stage', os: '$os' };
const keepVariables = { threshold: '$threshold', min_sessions: '$min_sessions' };

function variables() {
  return [
    new CustomVariableBuilder('threshold')
      .label('CPU threshold')
      .description('A session is "over" once it spent ≥ 5 samples above this share of all CPUs.')
      .values('0.3,0.8')
      .current({ text: '0.3', value: '0.3' }),
    new QueryVariableBuilder('version')
      .label('Version')
      .description('Drill-down: the app release.')
      .datasource(PROMETHEUS_DATASOURCE)
      .query(`label_values(${TELEMETRY.sessions}, ${LABELS.version})`)
      .definition(`label_values(${TELEMETRY.sessions}, ${LABELS.version})`)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.NaturalDesc)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new QueryVariableBuilder('stage')
      .label('Stage')
      .description('Drill-down: what the app was doing (login, indexing, syncing, …).')
      .datasource(PROMETHEUS_DATASOURCE)
      .query(`label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version"}, ${LABELS.stage})`)
      .definition(`label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version"}, ${LABELS.stage})`)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new QueryVariableBuilder('os')
      .label('OS')
      .description('Drill-down: operating system.')
      .datasource(PROMETHEUS_DATASOURCE)
      .query(
        `label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version", ${LABELS.stage}=~"$stage"}, ${LABELS.os})`,
      )
      .definition(
        `label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version", ${LABELS.stage}=~"$stage"}, ${LABELS.os})`,
      )
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new CustomVariableBuilder('min_sessions')
      .label('Min. sessions')
      .description('Cells with fewer sessions are left out of the suspects table: small samples are noise.')
      .values('20,50,100,500')
      .current({ text: '50', value: '50' }),
  ];
}

function headline() {
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

function byVersion() {
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

function drillDown() {
  const stageLink = drillDownLink('Drill into stage ${__data.fields.stage}', REPORT_DASHBOARD_UID, {
    ...keepVariables,
    version: '${__data.fields.version}',
    stage: '${__data.fields.stage}',
  });
  const cellTable = (level: 'stage' | 'os', drill: q.DrillDown) => {
    const labels =
      level === 'stage' ? [LABELS.version, LABELS.stage] : [LABELS.version, LABELS.stage, LABELS.os];
    return [
      promQuery(q.stageSessions(scope, labels, drill), { refId: 'A', instant: true, format: 'table' }),
      promQuery(q.stageOverSessions(scope, labels, drill), { refId: 'B', instant: true, format: 'table' }),
      promQuery(q.stageOverRate(scope, labels, drill), { refId: 'C', instant: true, format: 'table' }),
      promQuery(q.cellBaseline(scope, level, drill), { refId: 'D', instant: true, format: 'table' }),
      promQuery(q.cellLift(scope, level, drill), { refId: 'E', instant: true, format: 'table' }),
    ];
  };
  const columns = {
    version: 'Version',
    stage: 'Stage',
    os: 'OS',
    'Value #A': 'Sessions in stage',
    'Value #B': 'High-CPU in stage',
    'Value #C': 'Over-rate',
    'Value #D': 'Fleet over-rate, same stage',
    'Value #E': 'Lift',
  };
  const countsAndLift = (builder: table.PanelBuilder) =>
    builder
      .overrideByName('Sessions in stage', [{ id: 'unit', value: 'short' }])
      .overrideByName('High-CPU in stage', [{ id: 'unit', value: 'short' }])
      .overrideByName('Lift', [
        { id: 'unit', value: 'x' },
        { id: 'decimals', value: 2 },
      ])
      .sortBy([new TableSortByFieldStateBuilder().displayName('Lift').desc(true)]);
  const stages = new table.PanelBuilder()
    .title('Stages of $version')
    .description(
      'Per stage of the selected version(s): sessions that reached the stage, those that went over the ' +
        'threshold while in it, and the lift against the same stage across the whole fleet (so a stage ' +
        'that is always busy, like indexing, does not look guilty). Click a row for its OS breakdown.',
    )
    .unit('percentunit')
    .transformations(mergeQueriesIntoRows(columns))
    .dataLinks([stageLink])
    .span(12)
    .height(9);
  const systems = new table.PanelBuilder()
    .title('Operating systems of $version in $stage')
    .description(
      'Per OS for the selected version and stage: over-rate and lift against the same stage and OS across ' +
        'the fleet. An OS-specific problem shows as a high lift on one OS only.',
    )
    .unit('percentunit')
    .transformations(mergeQueriesIntoRows(columns))
    .span(12)
    .height(9);
  for (const target of cellTable('stage', { version: '$version' })) stages.withTarget(target);
  for (const target of cellTable('os', { version: '$version', stage: '$stage' })) systems.withTarget(target);
  return [countsAndLift(stages), countsAndLift(systems)];
}

function distribution() {
  return [
    new heatmap.PanelBuilder()
      .title('CPU distribution over time ($version / $stage / $os)')
      .description(
        'How many CPU samples fell into each utilisation bucket (share of all CPUs) per time slot. A band ' +
          'appearing high up is sessions burning CPU; buckets are exactly the thresholds of the report.',
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
        promQuery(q.cpuQuantile(0.95, '$__rate_interval', [LABELS.version], selected), {
          refId: 'A',
          legend: 'p95 {{version}}',
          exemplar: true,
        }),
      )
      .withTarget(
        promQuery(q.cpuQuantile(0.5, '$__rate_interval', [LABELS.version], selected), {
          refId: 'B',
          legend: 'p50 {{version}}',
          exemplar: false,
        }),
      )
      .span(12)
      .height(9),
  ];
}

function suspects() {
  const cells = (expr: string) => `${expr} and on (version, stage) (${suspectsExpr})`;
  const suspectsExpr = q.suspectCells(scope, {
    level: 'stage',
    minSessions: '$min_sessions',
    minLift: SUSPECT_MIN_LIFT,
    limit: 20,
  });
  const labels = [LABELS.version, LABELS.stage];
  return [
    new table.PanelBuilder()
      .title('Suspects: version × stage ranked by lift')
      .description(
        `Version × stage cells whose over-rate is at least ${SUSPECT_MIN_LIFT}× the same stage fleet-wide, ` +
          'with at least $min_sessions sessions in the stage, highest lift first. A screening view: ' +
          '`npm run triage` applies a significance test and multiple-comparison correction before naming a suspect.',
      )
      .unit('percentunit')
      .withTarget(promQuery(suspectsExpr, { refId: 'A', instant: true, format: 'table' }))
      .withTarget(
        promQuery(cells(q.stageOverRate(scope, labels)), { refId: 'B', instant: true, format: 'table' }),
      )
      .withTarget(
        promQuery(cells(q.cellBaseline(scope, 'stage')), { refId: 'C', instant: true, format: 'table' }),
      )
      .withTarget(
        promQuery(cells(q.stageSessions(scope, labels)), { refId: 'D', instant: true, format: 'table' }),
      )
      .transformations(
        mergeQueriesIntoRows({
          version: 'Version',
          stage: 'Stage',
          'Value #A': 'Lift',
          'Value #B': 'Over-rate',
          'Value #C': 'Fleet over-rate, same stage',
          'Value #D': 'Sessions in stage',
        }),
      )
      .overrideByName('Lift', [
        { id: 'unit', value: 'x' },
        { id: 'decimals', value: 2 },
      ])
      .overrideByName('Sessions in stage', [{ id: 'unit', value: 'short' }])
      .sortBy([new TableSortByFieldStateBuilder().displayName('Lift').desc(true)])
      .dataLinks([stageLinkForSuspects()])
      .span(24)
      .height(8),
  ];
}

function stageLinkForSuspects() {
  return drillDownLink('Drill into ${__data.fields.version} / ${__data.fields.stage}', REPORT_DASHBOARD_UID, {
    ...keepVariables,
    version: '${__data.fields.version}',
    stage: '${__data.fields.stage}',
  });
}

export function reportDashboard(): Dashboard {
  const builder = new DashboardBuilder('FilesFU CPU report')
    .uid(REPORT_DASHBOARD_UID)
    .description('How often the FilesForYou desktop app burns CPU, in which versions, stages and OSes.')
    .tags(['filesfu', 'cpu', 'report'])
    .time({ from: 'now-12h', to: 'now' })
    .refresh('5m')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
  for (const variable of variables()) builder.withVariable(variable);
  builder.withRow(new RowBuilder('How bad is it?'));
  for (const panel of headline()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Which versions?'));
  for (const panel of byVersion()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Drill-down: version $version → stage $stage → OS'));
  for (const panel of drillDown()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Suspects'));
  for (const panel of suspects()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('CPU distribution and example sessions'));
  for (const panel of distribution()) builder.withPanel(panel);
  return builder.build();
}
