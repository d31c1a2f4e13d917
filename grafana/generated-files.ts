// Every file that is generated from code and committed. `npm run dashboards` writes them;
// scripts/check-drift.ts regenerates them in memory and fails if the committed copy differs.
// To add a generator, append an entry: path relative to the repository root → content.
import { DASHBOARDS, renderDashboardJson } from './src/index.js';

export interface GeneratedFile {
  /** Path relative to the repository root. */
  path: string;
  render: () => string;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  ...DASHBOARDS.map(({ file, build }) => ({
    path: `grafana/dashboards/${file}`,
    render: () => renderDashboardJson(build()),
  })),
];
