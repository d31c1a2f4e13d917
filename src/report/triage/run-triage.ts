// The triage walk: how bad → which versions are over-represented → for the suspect versions, which
// stages → which OS, then example sessions. All numbers come from Prometheus via the same PromQL
// as the dashboards (src/report/queries.ts).
import { LABELS, TELEMETRY } from '../metric-names.js';
import * as q from '../queries.js';
import { parseTriageOptions, durationSeconds } from './options.js';
import type { TriageOptions, TriageOptionsInput } from './options.js';
import { PrometheusApi } from './prometheus-api.js';
import type { InstantSample } from './prometheus-api.js';
import { rankGroups } from './ranking.js';
import type { GroupCounts, RankedGroup, RankingCriteria } from './ranking.js';
import type { StageDrillDown, Suspect, TriageReport, VersionDrillDown, VersionRow } from './report.js';
import { topExampleSessions } from './session-ids.js';
import { CountTable } from './count-table.js';
import { summarize } from './summary.js';

function rate(over: number, sessions: number): number {
  return sessions > 0 ? over / sessions : 0;
}

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

function criteriaOf(options: TriageOptions): RankingCriteria {
  return {
    minSessions: options.minSessions,
    minOverSessions: options.minOverSessions,
    minLift: options.minLift,
    minRateDifference: options.minRateDifference,
    alpha: options.alpha,
  };
}

/**
 * Cells (stage, or stage + OS) of one version against the same cells in the other versions.
 * `prefix` fixes the leading labels (the version, and the stage for OS cells).
 */
function cellGroups(
  sessions: CountTable,
  over: CountTable,
  version: string,
  prefix: string[],
): GroupCounts<string>[] {
  const width = prefix.length + 2;
  const keys = new Set(
    sessions
      .rows()
      .filter((row) => row[0] === version && prefix.every((value, index) => row[index + 1] === value))
      .map((row) => row[width - 1] as string),
  );
  return [...keys].map((key) => {
    const own = [version, ...prefix, key];
    const anyVersion = [undefined, ...prefix, key];
    const allSessions = sessions.sum(anyVersion);
    const allOver = over.sum(anyVersion);
    const ownSessions = sessions.get(own);
    const ownOver = over.get(own);
    return {
      key,
      sessions: ownSessions,
      overSessions: ownOver,
      comparison: { sessions: allSessions - ownSessions, overSessions: allOver - ownOver },
      referenceRate: rate(allOver, allSessions),
    };
  });
}

export async function runTriage(input: TriageOptionsInput): Promise<TriageReport> {
  const options = parseTriageOptions(input);
  const api = new PrometheusApi(options.prometheusUrl, options.timeoutMs);
  const at = options.at ?? Date.now() / 1000;
  const scope: q.QueryScope = { range: options.range, threshold: String(options.threshold) };
  const criteria = criteriaOf(options);
  const query = async (promql: string) => api.instant(promql, at);
  const scalarOf = (samples: InstantSample[]) => samples[0]?.value ?? 0;

  const [fleetSessions, fleetOver, versionSessions, versionOver, versionP95, fleetP95] = await Promise.all([
    query(q.fleetSessions(scope)).then(scalarOf),
    query(q.fleetOverSessions(scope)).then(scalarOf),
    query(q.sessionsByVersion(scope)),
    query(q.overSessionsByVersion(scope)),
    query(q.cpuQuantile(0.95, options.range, [LABELS.version])),
    query(q.cpuQuantile(0.95, options.range, [])),
  ]);
  const fleetRate = rate(fleetOver, fleetSessions);
  const sessionsTable = new CountTable(versionSessions, [LABELS.version]);
  const overTable = new CountTable(versionOver, [LABELS.version]);
  const p95Table = new CountTable(versionP95, [LABELS.version]);

  const versionGroups: GroupCounts<string>[] = sessionsTable.rows().map(([version = '']) => {
    const sessions = sessionsTable.get([version]);
    const overSessions = overTable.get([version]);
    return {
      key: version,
      sessions,
      overSessions,
      comparison: { sessions: fleetSessions - sessions, overSessions: fleetOver - overSessions },
      referenceRate: fleetRate,
    };
  });
  const versions: VersionRow[] = rankGroups(versionGroups, criteria).map((group) => ({
    ...group,
    highCpuShare: rate(group.overSessions, fleetOver),
    sessionShare: rate(group.sessions, fleetSessions),
    cpuP95: versionP95.some((sample) => sample.metric[LABELS.version] === group.key)
      ? p95Table.get([group.key])
      : undefined,
  }));

  const suspectVersions = versions
    .filter((row) => row.verdict === 'suspect')
    .slice(0, options.maxDrillVersions);
  const drillDowns: VersionDrillDown[] = [];
  if (suspectVersions.length) {
    const stageLabels = [LABELS.version, LABELS.stage];
    const osLabels = [LABELS.version, LABELS.stage, LABELS.os];
    const [stageSessions, stageOver, osSessions, osOver] = await Promise.all([
      query(q.stageSessions(scope, stageLabels)),
      query(q.stageOverSessions(scope, stageLabels)),
      query(q.stageSessions(scope, osLabels)),
      query(q.stageOverSessions(scope, osLabels)),
    ]);
    const stageSessionTable = new CountTable(stageSessions, stageLabels);
    const stageOverTable = new CountTable(stageOver, stageLabels);
    const osSessionTable = new CountTable(osSessions, osLabels);
    const osOverTable = new CountTable(osOver, osLabels);
    for (const { key: version } of suspectVersions) {
      const stages = rankGroups(cellGroups(stageSessionTable, stageOverTable, version, []), criteria);
      const stageDrillDowns: StageDrillDown[] = stages
        .filter((stage) => stage.verdict === 'suspect')
        .map((stage) => ({
          stage: stage.key,
          systems: rankGroups(cellGroups(osSessionTable, osOverTable, version, [stage.key]), criteria),
        }));
      drillDowns.push({ version, stages, stageDrillDowns });
    }
  }

  const suspects = await attachExamples(api, options, at, rankSuspects(suspectVersions, drillDowns));
  const report: TriageReport = {
    generatedAt: new Date(at * 1000).toISOString(),
    evaluatedAt: at,
    prometheusUrl: options.prometheusUrl,
    range: options.range,
    threshold: options.threshold,
    criteria,
    fleet: {
      sessions: fleetSessions,
      overSessions: fleetOver,
      overRate: fleetRate,
      cpuP95: fleetP95.length ? scalarOf(fleetP95) : undefined,
    },
    versions,
    drillDowns,
    suspects,
    summary: '',
  };
  report.summary = summarize(report);
  return report;
}

/** The most specific significant level per suspect version, ranked by lift. */
function rankSuspects(
  versions: readonly RankedGroup<string>[],
  drillDowns: readonly VersionDrillDown[],
): Suspect[] {
  const suspects: Array<Omit<Suspect, 'rank' | 'exampleSessions'>> = [];
  const fromGroup = (group: RankedGroup<string>, version: string, stage?: string, os?: string) => ({
    version,
    stage,
    os,
    lift: group.lift,
    overRate: group.overRate,
    baselineRate: group.comparisonRate,
    sessions: group.sessions,
    overSessions: group.overSessions,
    pValue: group.pValue,
    adjustedPValue: group.adjustedPValue,
  });
  for (const version of versions) {
    const drill = drillDowns.find((entry) => entry.version === version.key);
    if (!drill?.stageDrillDowns.length) {
      suspects.push(fromGroup(version, version.key));
      continue;
    }
    for (const stage of drill.stageDrillDowns) {
      const stageGroup = drill.stages.find((group) => group.key === stage.stage) as RankedGroup<string>;
      const systems = stage.systems.filter((system) => system.verdict === 'suspect');
      if (!systems.length) suspects.push(fromGroup(stageGroup, version.key, stage.stage));
      for (const system of systems) suspects.push(fromGroup(system, version.key, stage.stage, system.key));
    }
  }
  return suspects
    .sort((a, b) => b.lift - a.lift || a.pValue - b.pValue)
    .map((suspect, index) => ({ ...suspect, rank: index + 1, exampleSessions: [] }));
}

async function attachExamples(
  api: PrometheusApi,
  options: TriageOptions,
  at: number,
  suspects: Suspect[],
): Promise<Suspect[]> {
  if (options.exampleSessions === 0) return suspects;
  const start = at - durationSeconds(options.range);
  return Promise.all(
    suspects.map(async (suspect) => {
      const matchers = [
        `${LABELS.version}="${escapeLabelValue(suspect.version)}"`,
        suspect.stage === undefined ? undefined : `${LABELS.stage}="${escapeLabelValue(suspect.stage)}"`,
        suspect.os === undefined ? undefined : `${LABELS.os}="${escapeLabelValue(suspect.os)}"`,
      ].filter((matcher): matcher is string => matcher !== undefined);
      // Examples are a convenience: a Prometheus without exemplar storage must not fail the triage.
      const series = await api
        .exemplars(`${TELEMETRY.cpuBucket}{${matchers.join(', ')}}`, start, at)
        .catch(() => []);
      return { ...suspect, exampleSessions: topExampleSessions(series, options.exampleSessions) };
    }),
  );
}
