// The report's PromQL, written once and used by the dashboards (with Grafana variables such as
// `$__range`, `$threshold`) and by the triage CLI (with concrete values such as `12h`, `0.3`).
// Every ratio is a ratio of sums; replicas (`instance`) are summed away; denominators carry `> 0`
// so an empty window yields no sample rather than NaN or Inf.
import { LABELS, TELEMETRY } from './metric-names.js';

export interface QueryScope {
  /** Range selector duration: `12h`, `$__range`, … */
  range: string;
  /** Threshold label value: `0.3`, `$threshold`, … */
  threshold: string;
}

/** A label regex for one drill-down level: `$version`, `7\\.0\\.0`, `.*`. Undefined = no filter. */
export interface DrillDown {
  version?: string;
  stage?: string;
  os?: string;
}

const { version: V, stage: S, os: O, threshold: T } = LABELS;

function matchers(parts: Array<string | undefined>): string {
  const present = parts.filter((part): part is string => part !== undefined);
  return present.length ? `{${present.join(', ')}}` : '';
}

function drillMatchers(drill: DrillDown): Array<string | undefined> {
  return [
    drill.version === undefined ? undefined : `${V}=~"${drill.version}"`,
    drill.stage === undefined ? undefined : `${S}=~"${drill.stage}"`,
    drill.os === undefined ? undefined : `${O}=~"${drill.os}"`,
  ];
}

function increase(metric: string, scope: QueryScope, selector: Array<string | undefined>): string {
  return `increase(${metric}${matchers(selector)}[${scope.range}])`;
}

function overSelector(scope: QueryScope, rest: Array<string | undefined>): Array<string | undefined> {
  return [`${T}="${scope.threshold}"`, ...rest];
}

/** `sum by (labels)`, or a plain `sum` for the whole fleet. */
function sumBy(labels: string[], inner: string): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`;
}

/** Over-threshold counts with a zero for every group that has sessions but none over. */
function overOrZero(over: string, sessions: string): string {
  return `(${over} or 0 * ${sessions})`;
}

function ratio(numerator: string, denominator: string, labels: string[]): string {
  const on = labels.length ? `on (${labels.join(', ')}) ` : '';
  return `${numerator} / ${on}(${denominator} > 0)`;
}

// ---- fleet -------------------------------------------------------------------------------------

export function fleetSessions(scope: QueryScope, drill: DrillDown = {}): string {
  return sumBy([], increase(TELEMETRY.sessions, scope, drillMatchers({ ...drill, stage: undefined })));
}

export function fleetOverSessions(scope: QueryScope, drill: DrillDown = {}): string {
  const selector = overSelector(scope, drillMatchers({ ...drill, stage: undefined }));
  return sumBy([], increase(TELEMETRY.sessionsOverThreshold, scope, selector));
}

export function fleetOverRate(scope: QueryScope, drill: DrillDown = {}): string {
  return ratio(fleetOverSessions(scope, drill), fleetSessions(scope, drill), []);
}

// ---- by version (session counters; a session counts once) --------------------------------------

export function sessionsByVersion(scope: QueryScope, drill: DrillDown = {}): string {
  const selector = [`${V}!=""`, ...drillMatchers({ ...drill, stage: undefined })];
  return sumBy([V], increase(TELEMETRY.sessions, scope, selector));
}

export function overSessionsByVersion(scope: QueryScope, drill: DrillDown = {}): string {
  const selector = overSelector(scope, [`${V}!=""`, ...drillMatchers({ ...drill, stage: undefined })]);
  return overOrZero(
    sumBy([V], increase(TELEMETRY.sessionsOverThreshold, scope, selector)),
    sessionsByVersion(scope, drill),
  );
}

export function overRateByVersion(scope: QueryScope, drill: DrillDown = {}): string {
  return ratio(overSessionsByVersion(scope, drill), sessionsByVersion(scope, drill), [V]);
}

/** Version over-rate ÷ fleet over-rate = (share of high-CPU sessions) ÷ (share of all sessions). */
export function liftByVersion(scope: QueryScope, drill: DrillDown = {}): string {
  return `${overRateByVersion(scope, drill)} / on () group_left () (${fleetOverRate(scope)} > 0)`;
}

/** Share of all high-CPU sessions that ran each version ("of those, Y% ran version V"). */
export function highCpuShareByVersion(scope: QueryScope): string {
  return `${overSessionsByVersion(scope)} / on () group_left () (${fleetOverSessions(scope)} > 0)`;
}

/** Share of all sessions that ran each version (the lift's denominator). */
export function sessionShareByVersion(scope: QueryScope): string {
  return `${sessionsByVersion(scope)} / on () group_left () (${fleetSessions(scope)} > 0)`;
}

// ---- stage / OS cells (stage-session counters: a session counts once per stage it reached) -----

function cellLabels(level: 'stage' | 'os'): string[] {
  return level === 'stage' ? [V, S] : [V, S, O];
}

export function stageSessions(scope: QueryScope, labels: string[], drill: DrillDown = {}): string {
  return sumBy(labels, increase(TELEMETRY.stageSessions, scope, [`${V}!=""`, ...drillMatchers(drill)]));
}

export function stageOverSessions(scope: QueryScope, labels: string[], drill: DrillDown = {}): string {
  const selector = overSelector(scope, [`${V}!=""`, ...drillMatchers(drill)]);
  return overOrZero(
    sumBy(labels, increase(TELEMETRY.stageSessionsOverThreshold, scope, selector)),
    stageSessions(scope, labels, drill),
  );
}

export function stageOverRate(scope: QueryScope, labels: string[], drill: DrillDown = {}): string {
  return ratio(stageOverSessions(scope, labels, drill), stageSessions(scope, labels, drill), labels);
}

/**
 * Over-rate of a cell (version+stage or version+stage+OS) ÷ the over-rate of the same stage (and
 * OS) across the whole fleet: "login is hot in 7.0.0" rather than "login is always hot".
 */
export function cellLift(scope: QueryScope, level: 'stage' | 'os', drill: DrillDown = {}): string {
  const labels = cellLabels(level);
  const baselineLabels = labels.filter((label) => label !== V);
  return (
    `${stageOverRate(scope, labels, drill)} / on (${baselineLabels.join(', ')}) group_left () ` +
    `(${stageOverRate(scope, baselineLabels)} > 0)`
  );
}

/** The fleet-wide over-rate of each stage (and OS): the baseline a cell is compared with. */
export function stageBaselineOverRate(scope: QueryScope, level: 'stage' | 'os'): string {
  return stageOverRate(
    scope,
    cellLabels(level).filter((label) => label !== V),
    {},
  );
}

/** The baseline of {@link stageBaselineOverRate}, repeated on every cell so it can be a table column. */
export function cellBaseline(scope: QueryScope, level: 'stage' | 'os', drill: DrillDown = {}): string {
  const labels = cellLabels(level);
  const baselineLabels = labels.filter((label) => label !== V);
  return (
    `0 * ${stageSessions(scope, labels, drill)} + on (${baselineLabels.join(', ')}) group_left () ` +
    `${stageBaselineOverRate(scope, level)}`
  );
}

/** Cells worth a look: lift ≥ minLift with at least minSessions stage sessions, worst first. */
export function suspectCells(
  scope: QueryScope,
  options: { level: 'stage' | 'os'; minSessions: string; minLift: string; limit: number },
): string {
  const labels = cellLabels(options.level);
  return (
    `topk(${options.limit}, (${cellLift(scope, options.level)}) >= ${options.minLift} ` +
    `and on (${labels.join(', ')}) (${stageSessions(scope, labels)} >= ${options.minSessions}))`
  );
}

// ---- CPU distribution ----------------------------------------------------------------------------

export function cpuBucketIncrease(range: string, drill: DrillDown = {}): string {
  return sumBy(['le'], `increase(${TELEMETRY.cpuBucket}${matchers(drillMatchers(drill))}[${range}])`);
}

export function cpuQuantile(quantile: number, range: string, by: string[], drill: DrillDown = {}): string {
  const inner = `rate(${TELEMETRY.cpuBucket}${matchers(drillMatchers(drill))}[${range}])`;
  return `histogram_quantile(${quantile}, ${sumBy([...by, 'le'], inner)})`;
}
