import { describe, expect, it } from 'vitest';
import { formatTriageText } from '../../../../src/report/triage/format-text.js';
import { DEFAULT_RANKING_CRITERIA, rankGroups } from '../../../../src/report/triage/ranking.js';
import type { TriageReport } from '../../../../src/report/triage/report.js';
import { summarize } from '../../../../src/report/triage/summary.js';

function report(overrides: Partial<TriageReport>): TriageReport {
  const base: Omit<TriageReport, 'summary'> = {
    generatedAt: '2026-01-01T00:00:00.000Z',
    evaluatedAt: 1_767_225_600,
    prometheusUrl: 'http://prometheus:9090',
    range: '12h',
    threshold: 0.3,
    criteria: DEFAULT_RANKING_CRITERIA,
    fleet: { sessions: 0, overSessions: 0, overRate: 0, cpuP95: undefined },
    versions: [],
    drillDowns: [],
    suspects: [],
    ...overrides,
  };
  return { ...base, summary: summarize(base) };
}

describe('formatTriageText and the summary sentence', () => {
  it('says plainly when there is no data', () => {
    const text = formatTriageText(report({}));
    expect(text).toMatch(/No sessions reached Prometheus in the last 12h/);
  });

  it('says "none" when nothing stands out', () => {
    const versions = rankGroups(
      [
        {
          key: '6.4.0',
          sessions: 100,
          overSessions: 8,
          comparison: { sessions: 100, overSessions: 8 },
          referenceRate: 0.08,
        },
      ],
      DEFAULT_RANKING_CRITERIA,
    ).map((row) => ({ ...row, highCpuShare: 0.5, sessionShare: 0.5, cpuP95: 0.2 }));
    const text = formatTriageText(
      report({ fleet: { sessions: 200, overSessions: 16, overRate: 0.08, cpuP95: 0.2 }, versions }),
    );
    expect(text).toMatch(/8\.0% of 200 sessions in the last 12h went over 30% CPU/);
    expect(text).toMatch(/No version, stage or OS stands out/);
    expect(text).toMatch(/Suspects \(ranked by lift\):\n {2}none/);
  });

  it('tells the drill-down as one sentence and lists suspects with example sessions', () => {
    const [version] = rankGroups(
      [
        {
          key: '7.0.0',
          sessions: 400,
          overSessions: 200,
          comparison: { sessions: 1600, overSessions: 80 },
          referenceRate: 0.14,
        },
      ],
      DEFAULT_RANKING_CRITERIA,
    ).map((row) => ({ ...row, highCpuShare: 200 / 280, sessionShare: 0.2, cpuP95: 0.7 }));
    const [stage] = rankGroups(
      [
        {
          key: 'login',
          sessions: 400,
          overSessions: 180,
          comparison: { sessions: 1600, overSessions: 10 },
          referenceRate: 0.095,
        },
      ],
      DEFAULT_RANKING_CRITERIA,
    );
    const text = formatTriageText(
      report({
        fleet: { sessions: 2000, overSessions: 280, overRate: 0.14, cpuP95: 0.4 },
        versions: [version!],
        drillDowns: [{ version: '7.0.0', stages: [stage!], stageDrillDowns: [] }],
        suspects: [
          {
            rank: 1,
            version: '7.0.0',
            stage: 'login',
            os: undefined,
            lift: stage!.lift,
            overRate: stage!.overRate,
            baselineRate: stage!.comparisonRate,
            sessions: 400,
            overSessions: 180,
            pValue: 1e-20,
            adjustedPValue: 1e-20,
            exampleSessions: [
              { sessionId: '3f0c1d2e-4a5b-4c6d-8e9f-a0b1c2d3e4f5', cpu: 0.93, timestamp: 1, labels: {} },
            ],
          },
        ],
      }),
    );
    expect(text).toMatch(
      /14\.0% of 2,000 sessions .* of those, 71\.4% ran version 7\.0\.0, which has only 20\.0% of all sessions/,
    );
    expect(text).toMatch(/of those, 90\.0% went over while in login/);
    expect(text).toMatch(/1\. 7\.0\.0 \/ login: 45\.0% of 400 sessions over 30% CPU vs 0\.6% elsewhere/);
    expect(text).toMatch(/p < 1e-12/);
    expect(text).toMatch(/example sessions: 3f0c1d2e-4a5b-4c6d-8e9f-a0b1c2d3e4f5 \(max 93%\)/);
  });
});
