// npm run triage:power — the power table of docs/report.md: for a faulty version of a given size
// (session windows) and baseline over-rate, the smallest excess (points of over-rate, session level,
// spread over every stage) that the search names, exactly that version, in ≥ 90% of random fleets.
import { searchCauses } from './explain.js';
import { parseSearchSettings } from './options.js';
import { syntheticFleet, versionName, type FleetSpec } from './synthetic-fleet.js';

const SEEDS = Number(process.env.POWER_SEEDS ?? 40);
const TARGET = 0.9;
const SIZES = [40, 100, 300, 1000, 3000];
const BASELINES: Array<{ label: string; noise: number }> = [
  { label: '≈3%', noise: 1 },
  { label: '≈10%', noise: 3.5 },
  { label: '≈25%', noise: 9 },
];
const EFFECTS = [0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];
const settings = parseSearchSettings();

/** Eight versions of equal share; the faulty one (the third) holds `size` of the 8 × size windows. */
function spec(seed: number, size: number, noise: number, add: number): FleetSpec {
  return {
    seed,
    windows: 8 * size,
    versions: 8,
    skew: 0,
    noise,
    heterogeneity: 0.03,
    cluster: 1,
    faults: [{ cell: { version: versionName(2) }, add }],
  };
}

function detectionRate(size: number, noise: number, add: number): number {
  let hits = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { causes } = searchCauses(syntheticFleet(spec(seed, size, noise, add)), settings);
    const top = causes[0]?.cell;
    if (top && top.version === versionName(2) && Object.keys(top).length === 1) hits++;
  }
  return hits / SEEDS;
}

const rows = [
  `| faulty version's session windows | ${BASELINES.map((b) => `baseline ${b.label}`).join(' | ')} |`,
];
rows.push(`|---|${BASELINES.map(() => '---').join('|')}|`);
for (const size of SIZES) {
  const cells = BASELINES.map(({ noise }) => {
    const found = EFFECTS.find((add) => detectionRate(size, noise, add) >= TARGET);
    return found === undefined ? `> +${EFFECTS[EFFECTS.length - 1]! * 100}` : `+${found * 100}`;
  });
  rows.push(`| ${size} | ${cells.join(' | ')} |`);
}
console.log(
  `Smallest session-level excess (points of over-rate) named ≥ ${TARGET * 100}% of ${SEEDS} seeds:`,
);
console.log(rows.join('\n'));
