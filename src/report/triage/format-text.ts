// The triage as readable text: the drill-down sentence, the culprits with their evidence, the
// dispersion the tests allowed for, and the strongest tests (the full list is in --json).
import type { Cell } from './cells.js';
import { count, pValue, percent, points, thresholdText, times } from './format.js';
import type { TestRow, TriageReport } from './report.js';

/** How many tests the text lists (all of them are in --json). */
export const TEXT_TESTS_SHOWN = 15;

export function cellText(cell: Cell): string {
  const parts = [
    cell.version === undefined ? undefined : `version ${cell.version}`,
    cell.stage === undefined ? undefined : cell.stage,
    cell.os,
    cell.cpu_cores === undefined ? undefined : `${cell.cpu_cores} CPUs`,
    cell.detail_bucket === undefined ? undefined : `${cell.detail} ${cell.detail_bucket}`,
  ].filter((part): part is string => part !== undefined);
  const text = parts.join(' / ') || 'whole fleet';
  return cell.version === undefined ? `${text} (all versions)` : text;
}

function interval([low, high]: [number, number], format: (v: number) => string): string {
  return `[${format(low)}, ${format(high)}]`;
}

function testLine(test: TestRow): string {
  return (
    `${cellText(test.cell)} vs other ${test.dimension} values: ${percent(test.rate)} of ${count(test.n)} vs ` +
    `${percent(test.complement.rate)} of ${count(test.complement.n)}, ${points(test.riskDifference)} pts, ` +
    `p ${pValue(test.p)}, q ${pValue(test.q)} — ${test.verdict}`
  );
}

export function formatTriageText(report: TriageReport): string {
  const level = Math.round(report.settings.confidenceLevel * 100);
  const lines = [
    `FilesFU CPU triage — last ${report.range}, threshold ${thresholdText(report.threshold)}, at ${report.generatedAt}`,
    `(Prometheus ${report.prometheusUrl}; unit: ${report.unit})`,
    '',
    report.summary,
    '',
  ];
  if (!report.culprits.length) {
    lines.push(
      `Culprits: none — no cell is higher than its complement by ≥ ${points(report.settings.minRiskDifference)} points ` +
        `with q ≤ ${report.settings.alpha} (Benjamini–Hochberg over all ${count(report.search.tests)} tests).`,
    );
  } else lines.push('Culprits (strongest first; each later one after removing those before it):');
  for (const culprit of report.culprits) {
    lines.push(
      `  ${culprit.rank}. ${cellText(culprit.cell)}: ${percent(culprit.rate)} of ${count(culprit.n)} windows high vs ` +
        `${percent(culprit.baselineRate)} in its complement; ${points(culprit.riskDifference)} points ` +
        `${interval(culprit.riskDifferenceInterval, points)}, RR ${times(culprit.relativeRisk)} ` +
        `${interval(culprit.relativeRiskInterval, (v) => times(v))} (${level}% CI); p ${pValue(culprit.p)}, q ${pValue(culprit.q)}; ` +
        `${count(culprit.excessWindows)} excess high windows`,
    );
    for (const contrast of culprit.contrasts) lines.push(`       ${testLine(contrast)}`);
    if (culprit.exampleSessions.length) {
      lines.push(
        `     example sessions: ${culprit.exampleSessions
          .map((e) => `${e.sessionId} (${e.exemplarsAboveThreshold}× over, max ${percent(e.maxCpu, 0)})`)
          .join(', ')}`,
      );
    }
  }
  lines.push(
    '',
    `Searched ${count(report.search.cells)} cells with ${count(report.search.tests)} tests in ${count(report.search.milliseconds)} ms.`,
    `Overdispersion allowed for (phi: window clustering; tau2: healthy spread between siblings, logit²): ${
      report.dispersion
        .map((d) => `${d.family}/${d.dimension} phi ${d.phi.toFixed(2)} tau2 ${d.tau2.toFixed(3)}`)
        .join('; ') || 'none estimable'
    }.`,
    '',
    `Strongest tests (all ${count(report.tests.length)} in --json):`,
    ...report.tests.slice(0, TEXT_TESTS_SHOWN).map((test) => `  ${testLine(test)}`),
  );
  return `${lines.join('\n')}\n`;
}
