// The triage: counts of the three window families from Prometheus, the search over every cell,
// example sessions of each culprit from exemplars, and the drill-down sentence.
import { SESSION_WINDOWS } from '../../model/index.js';
import { analyzeCounts } from './analyze.js';
import type { CountTables } from './cells.js';
import {
  durationSeconds,
  parseTriageOptions,
  type TriageOptions,
  type TriageOptionsInput,
} from './options.js';
import { PrometheusApi } from './prometheus-api.js';
import type { Culprit, TriageReport } from './report.js';
import { exampleSessions, exemplarSelector } from './session-ids.js';
import { drillDownSentence } from './summary.js';
import { fetchCountTables } from './window-counts.js';

/** The report of count tables already in hand (Prometheus is only asked for example sessions). */
export function reportOf(tables: CountTables, options: TriageOptions, at: number): TriageReport {
  const analysis = analyzeCounts(tables, options);
  return {
    generatedAt: new Date(at * 1000).toISOString(),
    evaluatedAt: at,
    prometheusUrl: options.prometheusUrl,
    range: options.range,
    threshold: options.threshold,
    unit: SESSION_WINDOWS.unit,
    settings: {
      alpha: options.alpha,
      minRiskDifference: options.minRiskDifference,
      confidenceLevel: options.confidenceLevel,
      maxCulprits: options.maxCulprits,
      minExpected: options.minExpected,
      maxTau2: options.maxTau2,
    },
    fleet: analysis.fleet,
    dispersion: analysis.dispersion,
    search: analysis.search,
    culprits: analysis.culprits,
    summary: drillDownSentence(tables, analysis.culprits[0], options.range, options.threshold),
    tests: analysis.tests,
  };
}

async function withExamples(
  api: PrometheusApi,
  options: TriageOptions,
  at: number,
  culprits: Culprit[],
): Promise<Culprit[]> {
  if (options.exampleSessions === 0) return culprits;
  const start = at - durationSeconds(options.range);
  return Promise.all(
    culprits.map(async (culprit) => {
      // Examples are a convenience: a Prometheus without exemplar storage must not fail the triage.
      const series = await api
        .exemplars(exemplarSelector(culprit.cell, options.threshold), start, at)
        .catch(() => []);
      return {
        ...culprit,
        exampleSessions: exampleSessions(series, options.threshold, options.exampleSessions),
      };
    }),
  );
}

export async function runTriage(input: TriageOptionsInput): Promise<TriageReport> {
  const options = parseTriageOptions(input);
  const api = new PrometheusApi(options.prometheusUrl, options.timeoutMs);
  const at = options.at ?? Date.now() / 1000;
  const tables = await fetchCountTables(api, options.range, options.threshold, at);
  const report = reportOf(tables, options, at);
  report.culprits = await withExamples(api, options, at, report.culprits);
  return report;
}
