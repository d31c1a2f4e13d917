import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { operationsDashboard } from './operations-dashboard.js';
import { reportDashboard } from './report-dashboard.js';

export { PROMETHEUS_DATASOURCE } from './datasource.js';
export { REPORT_DASHBOARD_UID } from './report-dashboard.js';
export { OPERATIONS_DASHBOARD_UID } from './operations-dashboard.js';
export { reportDashboard, operationsDashboard };

/** Every committed dashboard: file name under grafana/dashboards/ → builder. */
export const DASHBOARDS: ReadonlyArray<{ file: string; build: () => Dashboard }> = [
  { file: 'filesfu-report.json', build: reportDashboard },
  { file: 'filesfu-operations.json', build: operationsDashboard },
];

/** The committed form: 2-space JSON with a trailing newline, so regeneration is byte-stable. */
export function renderDashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
export * from './inspect.js';
