// The drill-down (stages of a version, OS of a stage) and the suspects screening table.
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { LABELS } from '../../../src/report/metric-names.js';
import * as q from '../../../src/report/queries.js';
import { drillDownLink, mergeQueriesIntoRows, promQuery } from '../panel-helpers.js';
import { REPORT_DASHBOARD_UID, SUSPECT_MIN_LIFT, keepVariables, scope } from './shared.js';

export function drillDownPanels() {
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

export function suspectsPanels() {
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
