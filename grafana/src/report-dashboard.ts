// The CPU report for the Head of Product: how many sessions burn CPU, which versions are
// over-represented among them, and the drill-down version → stage → OS with example sessions.
// Every query comes from src/report/queries.ts, shared with the triage CLI.
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { distributionPanels } from './report/distribution-panels.js';
import { drillDownPanels, suspectsPanels } from './report/drill-down-panels.js';
import { byVersionPanels, headlinePanels } from './report/overview-panels.js';
import { REPORT_DASHBOARD_UID } from './report/shared.js';
import { reportVariables } from './report/variables.js';

export { REPORT_DASHBOARD_UID };

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
  for (const variable of reportVariables()) builder.withVariable(variable);
  builder.withRow(new RowBuilder('How bad is it?'));
  for (const panel of headlinePanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Which versions?'));
  for (const panel of byVersionPanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Drill-down: version $version → stage $stage → OS'));
  for (const panel of drillDownPanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('Suspects'));
  for (const panel of suspectsPanels()) builder.withPanel(panel);
  builder.withRow(new RowBuilder('CPU distribution and example sessions'));
  for (const panel of distributionPanels()) builder.withPanel(panel);
  return builder.build();
}
