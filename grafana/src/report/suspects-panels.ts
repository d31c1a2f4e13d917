// The suspects table: every cell of the suspect-cell recording rules (a version, an OS, a version on
// a core count, a version in a stage, an OS in a stage, an OS in a version and stage, a detail bucket
// in a stage or in a version and stage), each against its proper complement, ranked by the lower 95%
// confidence bound of the risk difference over the last hour.
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { LABEL } from '../../../src/model/index.js';
import { drillDownLink, mergeQueriesIntoRows, promQuery } from '../panel-helpers.js';
import { RULES } from './rules.js';
import { REPORT_DASHBOARD_UID, keepVariables } from './shared.js';

/** Rows of the table: at most this many cells, highest lower bound first. */
export const SUSPECTS_SHOWN = 20;

/** Cells with at least $min_sessions windows, the SUSPECTS_SHOWN highest lower bounds at $threshold. */
export function suspectCells(): string {
  return (
    `topk(${SUSPECTS_SHOWN}, ${RULES.cellRiskDifferenceLower1h}{${LABEL.threshold}="$threshold"} ` +
    `and ignoring (${LABEL.threshold}) (${RULES.cellWindows1h} >= $min_sessions))`
  );
}

export function suspectsPanels() {
  const cells = suspectCells();
  const tableQuery = (expr: string, refId: string) =>
    promQuery(expr, { refId, instant: true, format: 'table' });
  /**
   * A rule's value for exactly the ranked cells, with the same labels in every query (the threshold
   * kept, the metric name dropped by `sum without ()`) so the table merges them into one row per cell.
   */
  const column = (record: string) => `sum without () (${record} and (${cells}))`;
  const windows = `0 * (${cells}) + ignoring (${LABEL.threshold}) group_left () ${RULES.cellWindows1h}`;
  return [
    new table.PanelBuilder()
      .title('Suspects: cells vs their complement, last hour (share of session windows)')
      .description(
        'Every cell the recording rules compare with its proper complement, over the last hour before the end ' +
          'of the range: a version vs the other versions (also on the same number of logical CPUs); an OS vs the ' +
          'other OSes; a version in a stage vs the other versions in that stage; an OS in a stage vs the other ' +
          'OSes there; an OS in a version and stage vs the other OSes of it; a detail bucket vs the other ' +
          'buckets. Ranked by the lower 95% bound of the difference in ' +
          'over-rate (Newcombe score interval from two Wilson intervals): "at least this many points worse". ' +
          'A screening view: it tests each cell on its own with no multiple-comparison control, treats windows ' +
          'as independent (no overdispersion), and does not pick the most general cause; `npm run triage` does ' +
          'all three before naming a culprit. Cells with fewer than $min_sessions windows are left out.',
      )
      .unit('percentunit')
      .withTarget(tableQuery(`sum without () (${cells})`, 'A'))
      .withTarget(tableQuery(column(RULES.cellRiskDifference1h), 'B'))
      .withTarget(tableQuery(column(RULES.cellOverRate1h), 'C'))
      .withTarget(tableQuery(column(RULES.cellComplementOverRate1h), 'D'))
      .withTarget(tableQuery(windows, 'E'))
      .transformations(
        mergeQueriesIntoRows(
          {
            comparison: 'Compared with',
            [LABEL.version]: 'Version',
            [LABEL.stage]: 'Stage',
            [LABEL.os]: 'OS',
            [LABEL.cpuCores]: 'Logical CPUs',
            [LABEL.detail]: 'Detail',
            [LABEL.detailBucket]: 'Bucket',
            'Value #A': 'Difference, lower 95% bound',
            'Value #B': 'Difference',
            'Value #C': 'Over-rate',
            'Value #D': 'Over-rate of the complement',
            'Value #E': 'Windows',
          },
          [LABEL.threshold],
        ),
      )
      .overrideByName('Windows', [{ id: 'unit', value: 'short' }])
      .sortBy([new TableSortByFieldStateBuilder().displayName('Difference, lower 95% bound').desc(true)])
      .dataLinks([
        drillDownLink('Drill into ${__data.fields.version} / ${__data.fields.stage}', REPORT_DASHBOARD_UID, {
          ...keepVariables,
          version: '${__data.fields.version}',
          stage: '${__data.fields.stage}',
        }),
      ])
      .span(24)
      .height(9),
  ];
}
