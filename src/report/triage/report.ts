// The triage's result: plain data, printed as text (format-text.ts) or as JSON (--json).
import type { RankedGroup, RankingCriteria } from './ranking.js';
import type { ExampleSession } from './session-ids.js';

export interface VersionRow extends RankedGroup<string> {
  /** Share of all high-CPU sessions that ran this version. */
  highCpuShare: number;
  /** Share of all sessions that ran this version. */
  sessionShare: number;
  /** p95 of the version's CPU samples (share of all CPUs), if the histogram has data. */
  cpuP95: number | undefined;
}

export interface StageDrillDown {
  stage: string;
  /** OS cells of this stage (only for stages that are suspects). */
  systems: RankedGroup<string>[];
}

export interface VersionDrillDown {
  version: string;
  stages: RankedGroup<string>[];
  stageDrillDowns: StageDrillDown[];
}

export interface Suspect {
  rank: number;
  version: string;
  stage: string | undefined;
  os: string | undefined;
  /** Over-rate ÷ the fleet's over-rate at the same level (fleet; same stage; same stage and OS). */
  lift: number;
  overRate: number;
  /** Over-rate of the rest it was tested against (other versions, same stage / OS). */
  baselineRate: number;
  sessions: number;
  overSessions: number;
  pValue: number;
  adjustedPValue: number;
  exampleSessions: ExampleSession[];
}

export interface TriageReport {
  generatedAt: string;
  evaluatedAt: number;
  prometheusUrl: string;
  range: string;
  threshold: number;
  criteria: RankingCriteria;
  fleet: { sessions: number; overSessions: number; overRate: number; cpuP95: number | undefined };
  versions: VersionRow[];
  drillDowns: VersionDrillDown[];
  suspects: Suspect[];
  /** The drill-down in one sentence, like the original study's. */
  summary: string;
}
