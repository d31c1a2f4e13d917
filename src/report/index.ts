export * from './metric-names.js';
export * as reportQueries from './queries.js';
export type { QueryScope, DrillDown } from './queries.js';
export * from './triage/index.js';
