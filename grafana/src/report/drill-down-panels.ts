// The drill-down version → stage → OS / core count → event-detail bucket. Every table compares each
// cell with its proper complement inside the same parent: a stage of a version with the other versions
// in that stage, an OS with the other OSes of the same version and stage, a core count with the other
// versions on that core count, a detail bucket with the other buckets of the same version and stage.
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import type { DashboardLinkBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type { PrometheusWindowFamily } from '../../../src/model/index.js';
import { LABEL } from '../../../src/model/index.js';
import { drillDownLink, mergeQueriesIntoRows, promQuery } from '../panel-helpers.js';
import * as q from './queries.js';
import { REPORT_DASHBOARD_UID, keepVariables, scope } from './shared.js';

const { version: V, stage: S, os: O, cpuCores: C, detail: D, detailBucket: B } = LABEL;

interface CellTable {
  title: string;
  description: string;
  family: PrometheusWindowFamily;
  /** Labels of a row. */
  by: string[];
  /** The labels that make the cell; the rest of `by` is the parent it is compared within. */
  cell: string[];
  drill: q.Drill;
  /** Header of the complement's over-rate column. */
  complementTitle: string;
  /** Header of the windows column (the family's unit). */
  windowsTitle: string;
  /** Extra column: share of the parent's high-CPU windows ("of those, Z% …"). */
  shareOfHigh?: { title: string; total: string; parent: string[] };
  links?: DashboardLinkBuilder[];
}

const COLUMN_TITLES: Record<string, string> = {
  [V]: 'Version',
  [S]: 'Stage',
  [O]: 'OS',
  [C]: 'Logical CPUs',
  [D]: 'Detail',
  [B]: 'Bucket',
};

function cellTable(spec: CellTable): table.PanelBuilder {
  const { family, by, cell, drill } = spec;
  const tableQuery = (expr: string, refId: string) =>
    promQuery(expr, { refId, instant: true, format: 'table' });
  const builder = new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .unit('percentunit')
    .withTarget(tableQuery(q.active(scope, family, by, drill), 'A'))
    .withTarget(tableQuery(q.high(scope, family, by, drill), 'B'))
    .withTarget(tableQuery(q.overRate(scope, family, by, drill), 'C'))
    .withTarget(tableQuery(q.complementOverRate(scope, family, by, cell, drill), 'D'))
    .withTarget(tableQuery(q.riskDifference(scope, family, by, cell, drill), 'E'));
  const columns: Record<string, string> = {
    ...Object.fromEntries(by.map((label) => [label, COLUMN_TITLES[label] ?? label])),
    'Value #A': spec.windowsTitle,
    'Value #B': 'High-CPU',
    'Value #C': 'Over-rate',
    'Value #D': spec.complementTitle,
    'Value #E': 'Difference',
  };
  if (spec.shareOfHigh) {
    const share = q.shareOf(
      q.high(scope, family, by, drill),
      spec.shareOfHigh.total,
      spec.shareOfHigh.parent,
    );
    builder.withTarget(tableQuery(share, 'F'));
    columns['Value #F'] = spec.shareOfHigh.title;
  }
  builder
    .transformations(mergeQueriesIntoRows(columns))
    .overrideByName(spec.windowsTitle, [{ id: 'unit', value: 'short' }])
    .overrideByName('High-CPU', [{ id: 'unit', value: 'short' }])
    .sortBy([new TableSortByFieldStateBuilder().displayName('Difference').desc(true)])
    .span(12)
    .height(9);
  if (spec.links) builder.dataLinks(spec.links);
  return builder;
}

export function drillDownPanels() {
  const F = q.STAGES;
  const stageLink = drillDownLink('Drill into stage ${__data.fields.stage}', REPORT_DASHBOARD_UID, {
    ...keepVariables,
    version: '${__data.fields.version}',
    stage: '${__data.fields.stage}',
  });
  return [
    cellTable({
      title: 'Stages of $version (share of session windows in the stage)',
      description:
        'Per stage of the selected version(s). Unit: a session window in a stage (one session that visited the ' +
        'stage during one window). Over-rate = windows with an episode in that stage ÷ windows that visited it. ' +
        '"Other versions, same stage" is the comparison: a stage that is always busy (indexing) does not look ' +
        'guilty. "Share of its high windows" = of the version\'s high-CPU session windows, how many were high in ' +
        'this stage (a window high in two stages counts in both). Click a row for its OS and event details.',
      family: F,
      by: [V, S],
      cell: [V],
      drill: { version: '$version' },
      complementTitle: 'Other versions, same stage',
      windowsTitle: 'Windows in stage',
      shareOfHigh: {
        title: 'Share of its high windows',
        total: q.high(scope, q.SESSIONS, [V], { version: '$version' }),
        parent: [V],
      },
      links: [stageLink],
    }),
    cellTable({
      title: 'Operating systems of $version in $stage (share of session windows in the stage)',
      description:
        'Per OS for the selected version and stage, against the OTHER OSes of the same version and stage: an ' +
        'OS-specific problem is a difference on one OS only; a fault on every OS shows no difference here and ' +
        'belongs to the stage.',
      family: F,
      by: [V, S, O],
      cell: [O],
      drill: { version: '$version', stage: '$stage', os: '$os' },
      complementTitle: 'Other OSes, same version and stage',
      windowsTitle: 'Windows in stage',
    }),
    cellTable({
      title: 'Logical CPU counts of $version (share of session windows)',
      description:
        'Like with like: thresholds are shares of ALL logical CPUs, so the same pegged thread reads 0.5 on 2 ' +
        'cores and 0.125 on 8. Per core-count bucket of the selected version(s), against the other versions on ' +
        'the same core count. A version that looks worse only because its users have small machines shows no ' +
        'difference here.',
      family: q.SESSIONS,
      by: [V, C],
      cell: [V],
      drill: { version: '$version' },
      complementTitle: 'Other versions, same CPUs',
      windowsTitle: 'Windows',
    }),
    cellTable({
      title: 'Event details of $version in $stage (share of session windows with the bucket)',
      description:
        'The fourth drill-down level (e.g. the length of the name of the file being received). Unit: a session ' +
        'window in a stage with one detail bucket (a window with files in two buckets counts in both). Each ' +
        'bucket against the OTHER buckets of the same version, stage and detail. "Share of the stage\'s high ' +
        'windows" = of the high-CPU windows in this stage, how many were high with a value in this bucket ("of ' +
        'those, 98% were receiving a file with a name longer than 42 characters").',
      family: q.DETAILS,
      by: [V, S, D, B],
      cell: [B],
      drill: { version: '$version', stage: '$stage', os: '$os' },
      complementTitle: 'Other buckets, same stage',
      windowsTitle: 'Windows with bucket',
      shareOfHigh: {
        title: "Share of the stage's high windows",
        total: q.high(scope, q.STAGES, [V, S], { version: '$version', stage: '$stage', os: '$os' }),
        parent: [V, S],
      },
    }),
  ];
}
