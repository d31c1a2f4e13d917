// The CPU report for the Head of Product: how many session windows burn CPU, which versions burn it
// more than the other versions, and the drill-down version → stage → OS / core count → event-detail
// bucket, with the suspects table and the CPU histogram (with example sessions).
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { distributionPanels } from './report/distribution-panels.js';
import { drillDownPanels } from './report/drill-down-panels.js';
import { byVersionPanels, headlinePanels } from './report/overview-panels.js';
import { REPORT_DASHBOARD_UID } from './report/shared.js';
import { suspectsPanels } from './report/suspects-panels.js';
import { reportVariables } from './report/variables.js';

export { REPORT_DASHBOARD_UID };

export function reportDashboard(): Dashboard {
  const builder = new DashboardBuilder('FilesFU CPU report')
    .uid(REPORT_DASHBOARD_UID)
    .description(
      'How often the FilesForYou desktop app burns CPU (share of session windows with a sustained episode), ' +
        'in which versions, stages, OSes, machine sizes and event details.',
    )
    .tags(['filesfu', 'cpu', 'report'])
    .time({ from: 'now-12h', to: 'now' })
    .refresh('5m')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
  for (const variable of reportVariables()) builder.withVariable(variable);
  builder.withRow(new RowBuilder('How bad is it?'));
  for (const panel of headlinePanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Which versions?'));
  for (const panel of byVersionPanels()) builder.withPanel(panel);
  builder.withRow(
    new RowBuilder('Drill-down: version $version → stage $stage → OS / logical CPUs → event detail'),
  );
  for (const panel of drillDownPanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Suspects'));
  for (const panel of suspectsPanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('CPU distribution and example sessions'));
  for (const panel of distributionPanels()) builder.withPanel(panel);
  return builder.build();
}
