// What every panel of the report dashboard shares: its uid (for drill-down links back to itself),
// the query scope with Grafana variables, and the variables a drill-down link carries along.
import type * as q from '../../../src/report/queries.js';

export const REPORT_DASHBOARD_UID = 'filesfu-report';

/** Minimum lift for the suspects table (the triage CLI adds a significance test on top). */
export const SUSPECT_MIN_LIFT = '1.5';

export const scope: q.QueryScope = { range: '$__range', threshold: '$threshold' };
export const selected: q.DrillDown = { version: '$version', stage: '$stage', os: '$os' };
export const keepVariables = { threshold: '$threshold', min_sessions: '$min_sessions' };
