// What every panel of the report dashboard shares: its uid (for drill-down links back to itself),
// the query scope with Grafana variables, the unit of the window counts in words, and the variables a
// drill-down link carries along.
import type { Drill, Scope } from './queries.js';

export const REPORT_DASHBOARD_UID = 'filesfu-report';

export const scope: Scope = { range: '$__range', threshold: '$threshold' };
export const selected: Drill = { version: '$version', stage: '$stage', os: '$os' };
export const keepVariables = { threshold: '$threshold', min_sessions: '$min_sessions' };

/** The unit of the headline, said on every panel that counts windows (docs/metrics.md §2). */
export const WINDOW_UNIT =
  'Unit: a session window = one app session during one fixed wall-clock window (pipeline.sessions.windowSeconds, ' +
  '10 min by default); an 8-hour session counts 48 windows. A window is high-CPU when it holds a sustained ' +
  'episode: at least 5 samples above the threshold (share of all logical CPUs) in consecutive export intervals ' +
  'that were each at least half above it. Windows are counted when they close, so the newest ~12 min of the ' +
  'range are still incomplete.';
