// Every scenario file, built in and the variants in test/fixtures/scenario-variants (other version
// counts, shares, stages, OSes and noise), through the real simulator over many seeds: sessions,
// noise, faults and window counting are the simulator's, and the window counts are its ground truth,
// which is exactly what Prometheus holds (scenarios.test.ts proves that through the real pipeline
// for one seed each). The search must name the expected culprits first in most seeds, and the
// controls nothing in every seed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CountRow, CountTables } from '../../../../src/report/triage/cells.js';
import { searchCauses } from '../../../../src/report/triage/explain.js';
import { parseSearchSettings } from '../../../../src/report/triage/options.js';
import {
  acceptAll,
  listBuiltInScenarios,
  loadScenario,
  parseScenario,
  runSimulatedClock,
  type Scenario,
} from '../../../../src/simulator/index.js';
import type { GroundTruth, TruthCell } from '../../../../src/simulator/ground-truth.js';
import { culpritProblems } from '../../../integration/scenario-triage.js';

const SEEDS = 10;
/** Seeds in which a fault scenario must be localised exactly (controls: every seed names nothing). */
const REQUIRED = 9;
/** The window settings of the pipeline scenarios (scenarios.test.ts). */
const WINDOWS = { windowSeconds: 60, windowGraceSeconds: 5 };
const THRESHOLD = '0.3';
const SETTINGS = parseSearchSettings();
const VARIANTS_DIR = join(import.meta.dirname, '../../../fixtures/scenario-variants');

function countTables(truth: GroundTruth): CountTables {
  if (!truth.thresholds.includes(THRESHOLD))
    throw new Error(`the scenario counts no threshold ${THRESHOLD}: ${truth.thresholds.join(', ')}`);
  const rows = (cells: TruthCell[]): CountRow[] =>
    cells.map((cell) => ({ labels: cell.labels, n: cell.active, k: cell.high[THRESHOLD] ?? 0 }));
  return { session: rows(truth.session), stage: rows(truth.stage), detail: rows(truth.detail) };
}

const scenarios: Array<[string, () => Scenario]> = [
  ...listBuiltInScenarios().map((name): [string, () => Scenario] => [name, () => loadScenario(name)]),
  ...readdirSync(VARIANTS_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .map((file): [string, () => Scenario] => {
      const path = join(VARIANTS_DIR, file);
      return [
        `variant ${file.replace(/\.yaml$/, '')}`,
        () => parseScenario(readFileSync(path, 'utf8'), path),
      ];
    }),
];

describe(`scenario files through the simulator, ${SEEDS} seeds each`, () => {
  it.each(scenarios)('%s: the triage names the expected culprits first', async (name, load) => {
    const scenario = load();
    const misses: string[] = [];
    for (let index = 0; index < SEEDS; index++) {
      const seed = scenario.seed + index * 1009;
      const result = await runSimulatedClock({
        scenario,
        send: acceptAll,
        tokenFor: () => 'unused',
        seed,
        ...WINDOWS,
      });
      const { causes } = searchCauses(countTables(result.truth), SETTINGS);
      const problems = culpritProblems(
        causes.map((cause) => cause.cell),
        scenario.expect.culprits,
      );
      if (problems.length) misses.push(`seed ${seed}: ${problems.join('; ')}`);
    }
    const required = scenario.expect.culprits.length === 0 ? SEEDS : REQUIRED;
    console.log(`scenario "${name}": as expected in ${SEEDS - misses.length} of ${SEEDS} seeds`);
    expect(SEEDS - misses.length, misses.join('\n')).toBeGreaterThanOrEqual(required);
  });
});
