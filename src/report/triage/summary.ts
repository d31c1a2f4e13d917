// The drill-down as one sentence, like the original study:
// "X% of sessions had CPU over 30%; of those, Y% ran version V; of those, Z% went over while in S …".
import { count, percent, thresholdText, times } from './format.js';
import type { TriageReport } from './report.js';

export function summarize(report: Omit<TriageReport, 'summary'>): string {
  const { fleet, range, threshold } = report;
  if (fleet.sessions <= 0) return `No sessions reached Prometheus in the last ${range}.`;
  const head =
    `${percent(fleet.overRate)} of ${count(fleet.sessions)} sessions in the last ${range} went over ` +
    `${thresholdText(threshold)} (${count(fleet.overSessions)} sessions)`;
  const top = report.suspects[0];
  if (!top)
    return `${head}. No version, stage or OS stands out significantly: the high-CPU sessions are spread like all sessions.`;
  const version = report.versions.find((row) => row.key === top.version);
  const parts = [head];
  if (version) {
    parts.push(
      `of those, ${percent(version.highCpuShare)} ran version ${top.version}, which has only ` +
        `${percent(version.sessionShare)} of all sessions (lift ${times(version.lift)})`,
    );
  }
  const drill = report.drillDowns.find((entry) => entry.version === top.version);
  const stage = top.stage === undefined ? undefined : drill?.stages.find((group) => group.key === top.stage);
  if (stage && version && version.overSessions > 0) {
    parts.push(
      `of those, ${percent(stage.overSessions / version.overSessions)} went over while in ${top.stage} ` +
        `(${percent(stage.overRate)} of its ${top.stage} sessions vs ${percent(stage.comparisonRate)} in other versions)`,
    );
  }
  const system =
    top.os === undefined
      ? undefined
      : drill?.stageDrillDowns
          .find((entry) => entry.stage === top.stage)
          ?.systems.find((group) => group.key === top.os);
  if (system && stage && stage.overSessions > 0) {
    parts.push(`of those, ${percent(system.overSessions / stage.overSessions)} on ${top.os}`);
  }
  return `${parts.join('; ')}.`;
}
