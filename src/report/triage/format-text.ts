// The triage as readable text: the summary sentence, then each step of the drill-down with counts.
import { count, pValue, percent, thresholdText, times } from './format.js';
import type { RankedGroup, Verdict } from './ranking.js';
import type { TriageReport } from './report.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  suspect: 'SUSPECT',
  'too-few-sessions': 'too few sessions',
  'too-few-over': 'too few high-CPU',
  'effect-too-small': 'effect too small',
  'not-significant': 'not significant',
  'no-comparison': 'nothing to compare',
};

/** `= 0.003` or `< 1e-12`, for running text. */
function pEquals(value: number): string {
  const text = pValue(value);
  return text.startsWith('<') ? `< ${text.slice(1)}` : `= ${text}`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), ...rows.map(line)].map((text) => `  ${text.trimEnd()}`);
}

function groupRows(groups: readonly RankedGroup<string>[], baselineTitle: string): string[] {
  return table(
    ['', 'sessions', 'high-CPU', 'over-rate', baselineTitle, 'lift', 'p (BH)', 'verdict'],
    groups.map((group) => [
      group.key,
      count(group.sessions),
      count(group.overSessions),
      percent(group.overRate),
      percent(group.comparisonRate),
      times(group.lift),
      pValue(group.adjustedPValue),
      VERDICT_TEXT[group.verdict],
    ]),
  );
}

export function formatTriageText(report: TriageReport): string {
  const { criteria } = report;
  const lines = [
    `FilesFU CPU triage — last ${report.range}, threshold ${thresholdText(report.threshold)}, at ${report.generatedAt}`,
    `(Prometheus ${report.prometheusUrl})`,
    '',
    report.summary,
    '',
    `1. How bad: ${percent(report.fleet.overRate)} of ${count(report.fleet.sessions)} sessions went over ` +
      `${thresholdText(report.threshold)}` +
      (report.fleet.cpuP95 === undefined ? '.' : `; CPU p95 of all samples ${percent(report.fleet.cpuP95)}.`),
  ];
  if (report.fleet.sessions <= 0) return `${lines.join('\n')}\n`;
  lines.push(
    '',
    '2. Versions (lift = share of high-CPU sessions ÷ share of all sessions; tested against all other versions):',
    ...groupRows(report.versions, 'others'),
  );
  for (const drill of report.drillDowns) {
    lines.push(
      '',
      `3. Stages of ${drill.version} (lift against the same stage fleet-wide; tested against other versions):`,
    );
    lines.push(...groupRows(drill.stages, 'others'));
    for (const stage of drill.stageDrillDowns) {
      lines.push(
        '',
        `4. Operating systems of ${drill.version} in ${stage.stage}:`,
        ...groupRows(stage.systems, 'others'),
      );
    }
  }
  lines.push('', 'Suspects (ranked by lift):');
  if (!report.suspects.length) {
    lines.push(
      `  none — no version has ≥ ${criteria.minSessions} sessions, ≥ ${criteria.minOverSessions} high-CPU sessions, ` +
        `lift ≥ ${criteria.minLift}, +${percent(criteria.minRateDifference, 0)} over the rest and a significant ` +
        `difference (BH, α = ${criteria.alpha}).`,
    );
  }
  for (const suspect of report.suspects) {
    const where = [suspect.version, suspect.stage, suspect.os].filter(Boolean).join(' / ');
    lines.push(
      `  ${suspect.rank}. ${where}: ${percent(suspect.overRate)} of ${count(suspect.sessions)} sessions over ` +
        `${thresholdText(report.threshold)} vs ${percent(suspect.baselineRate)} elsewhere — lift ${times(suspect.lift)}, ` +
        `p ${pEquals(suspect.pValue)} (BH-adjusted ${pEquals(suspect.adjustedPValue)})`,
    );
    if (suspect.exampleSessions.length) {
      lines.push(
        `     example sessions: ${suspect.exampleSessions.map((example) => `${example.sessionId} (max ${percent(example.cpu, 0)})`).join(', ')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
