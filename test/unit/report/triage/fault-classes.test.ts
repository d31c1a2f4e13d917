// The fault classes of issue #19 on synthetic count tables, each over many random seeds: the search
// must name the injected cell first (and every one of several), at the right generality, and the
// controls must name nothing. Matching follows DESIGN §5: every key the expectation names is equal,
// and the culprit names no other key.
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../../../src/report/triage/cells.js';
import { searchCauses } from '../../../../src/report/triage/explain.js';
import { parseSearchSettings } from '../../../../src/report/triage/options.js';
import {
  syntheticFleet,
  versionName,
  type FleetSpec,
} from '../../../../src/report/triage/synthetic-fleet.js';

const SETTINGS = parseSearchSettings();
const SEEDS = 20;
/** Share of seeds in which the class must be localised exactly. */
const REQUIRED = 0.9;
/** Misses allowed: 2 of 20 (rounded, so that 20 · 0.1 in floating point does not allow only 1). */
const MAX_MISSES = Math.round(SEEDS * (1 - REQUIRED));

function matches(found: Cell, expected: Cell): boolean {
  const keys = new Set([...Object.keys(found), ...Object.keys(expected)]) as Set<keyof Cell>;
  return [...keys].every((key) => found[key] === expected[key]);
}

function fleet(seed: number, overrides: Partial<FleetSpec>): FleetSpec {
  return {
    seed,
    windows: 8000,
    versions: 8,
    skew: 1,
    noise: 3,
    heterogeneity: 0.03,
    cluster: 1,
    faults: [],
    ...overrides,
  };
}

interface FaultClass {
  name: string;
  spec: (seed: number) => FleetSpec;
  expected: Cell[];
  /**
   * A class the search does not yet localise often enough (docs/report.md "Known gaps"): its check
   * is an expected failure, unchanged, so the suite fails the day it passes.
   */
  knownGap?: string;
}

const DETAIL = { detail: 'file_name_length', detail_bucket: '>42' };

const CLASSES: FaultClass[] = [
  {
    name: 'small release (≤ 40 session windows), 28% baseline',
    spec: (seed) =>
      fleet(seed, {
        versions: 20,
        skew: 0.5,
        windows: 1300,
        noise: 10,
        faults: [{ cell: { version: versionName(17) }, add: 0.35 }],
      }),
    expected: [{ version: versionName(17) }],
    knownGap:
      'about 16 of 20 seeds: at an FDR of 1% over thousands of cells, about 40 windows reach it only when the excess is drawn near its mean',
  },
  {
    name: 'mild regression: +8 points, RR ≈ 1.4',
    spec: (seed) =>
      fleet(seed, { windows: 20_000, noise: 7, faults: [{ cell: { version: versionName(1) }, add: 0.08 }] }),
    expected: [{ version: versionName(1) }],
  },
  {
    name: 'dominant release (70% of windows)',
    spec: (seed) =>
      fleet(seed, { firstShare: 0.7, faults: [{ cell: { version: versionName(0) }, add: 0.1 }] }),
    expected: [{ version: versionName(0) }],
  },
  {
    name: 'two simultaneous faults in different versions, stages and OSes',
    spec: (seed) =>
      fleet(seed, {
        faults: [
          { cell: { version: versionName(1), stage: 'login', os: 'windows' }, add: 0.6 },
          { cell: { version: versionName(3), stage: 'indexing', os: 'linux' }, add: 0.4 },
        ],
      }),
    expected: [
      { version: versionName(1), stage: 'login', os: 'windows' },
      { version: versionName(3), stage: 'indexing', os: 'linux' },
    ],
  },
  {
    name: 'one OS within one version and stage',
    spec: (seed) =>
      fleet(seed, {
        faults: [{ cell: { version: versionName(2), stage: 'login', os: 'windows' }, add: 0.6 }],
      }),
    expected: [{ version: versionName(2), stage: 'login', os: 'windows' }],
  },
  {
    name: 'one version in one stage on every OS → version / stage, no OS',
    spec: (seed) =>
      fleet(seed, { faults: [{ cell: { version: versionName(2), stage: 'login' }, add: 0.5 }] }),
    expected: [{ version: versionName(2), stage: 'login' }],
  },
  {
    name: 'one OS across all versions',
    spec: (seed) => fleet(seed, { faults: [{ cell: { stage: 'receiving', os: 'darwin' }, add: 0.3 }] }),
    expected: [{ stage: 'receiving', os: 'darwin' }],
  },
  {
    name: 'a fault conditioned on an event detail (file name longer than 42)',
    spec: (seed) =>
      fleet(seed, {
        faults: [{ cell: { version: versionName(1), stage: 'receiving', detail_bucket: '>42' }, add: 0.6 }],
      }),
    expected: [{ version: versionName(1), stage: 'receiving', ...DETAIL }],
  },
];

/**
 * The same classes on other fleets: other version counts, shares, stages, OSes, noise and
 * clustering, so that the search is held to the class and not to one fleet.
 */
const VARIANTS: FaultClass[] = [
  {
    name: 'variant: small release among 12 versions, 10% baseline, windows clustered by two',
    spec: (seed) =>
      fleet(seed, {
        versions: 12,
        skew: 0.3,
        windows: 600,
        cluster: 2,
        faults: [{ cell: { version: versionName(11) }, add: 0.4 }],
      }),
    expected: [{ version: versionName(11) }],
    knownGap: "about 13 of 20 seeds, for the small release's reasons, with half the evidence per window",
  },
  {
    name: 'variant: mild regression among 15 versions, windows clustered by two',
    spec: (seed) =>
      fleet(seed, {
        versions: 15,
        skew: 0.8,
        windows: 30_000,
        noise: 6,
        cluster: 2,
        heterogeneity: 0.05,
        faults: [{ cell: { version: versionName(2) }, add: 0.08 }],
      }),
    expected: [{ version: versionName(2) }],
    knownGap: 'about 16 of 20 seeds: clustered windows halve the evidence of an 8-point excess',
  },
  {
    name: 'variant: dominant release with 80% of windows among 5 versions',
    spec: (seed) =>
      fleet(seed, {
        versions: 5,
        firstShare: 0.8,
        windows: 10_000,
        noise: 4,
        faults: [{ cell: { version: versionName(0) }, add: 0.1 }],
      }),
    expected: [{ version: versionName(0) }],
  },
  {
    name: 'variant: dominant release with 70% of windows among 3 versions',
    spec: (seed) =>
      fleet(seed, {
        versions: 3,
        firstShare: 0.7,
        windows: 6000,
        noise: 4,
        faults: [{ cell: { version: versionName(0) }, add: 0.1 }],
      }),
    expected: [{ version: versionName(0) }],
  },
  {
    name: 'variant: mild regression among 3 versions (+8 points over a ≈ 20% baseline)',
    spec: (seed) =>
      fleet(seed, {
        versions: 3,
        windows: 20_000,
        noise: 7,
        faults: [{ cell: { version: versionName(1) }, add: 0.08 }],
      }),
    expected: [{ version: versionName(1) }],
  },
  {
    name: 'variant: small release beside two large ones, hot while indexing',
    spec: (seed) =>
      fleet(seed, {
        versions: 3,
        firstShare: 0.48,
        skew: 0,
        windows: 900,
        faults: [{ cell: { version: versionName(2), stage: 'indexing' }, add: 0.6 }],
      }),
    expected: [{ version: versionName(2), stage: 'indexing' }],
  },
  {
    name: 'variant: two faults in other stages and OSes among 20 versions',
    spec: (seed) =>
      fleet(seed, {
        versions: 20,
        skew: 0.7,
        windows: 15_000,
        faults: [
          { cell: { version: versionName(0), stage: 'sending', os: 'darwin' }, add: 0.5 },
          { cell: { version: versionName(4), stage: 'starting', os: 'windows' }, add: 0.5 },
        ],
      }),
    expected: [
      { version: versionName(0), stage: 'sending', os: 'darwin' },
      { version: versionName(4), stage: 'starting', os: 'windows' },
    ],
  },
  {
    name: 'variant: one OS across 30 versions in indexing, noisy fleet with healthy spread',
    spec: (seed) =>
      fleet(seed, {
        versions: 30,
        skew: 1.2,
        windows: 12_000,
        noise: 6,
        heterogeneity: 0.1,
        faults: [{ cell: { stage: 'indexing', os: 'linux' }, add: 0.25 }],
      }),
    expected: [{ stage: 'indexing', os: 'linux' }],
    knownGap:
      'about 9 of 20 seeds: with three OSes the spread between OSes rests on the pair left and on the spread borrowed from versions',
  },
  {
    name: 'variant: a detail fault on the longest names (>80) while sending',
    spec: (seed) =>
      fleet(seed, {
        versions: 10,
        windows: 12_000,
        faults: [{ cell: { version: versionName(3), stage: 'sending', detail_bucket: '>80' }, add: 0.7 }],
      }),
    expected: [{ version: versionName(3), stage: 'sending', ...DETAIL, detail_bucket: '>80' }],
  },
];

const CONTROLS: Array<{ name: string; spec: (seed: number) => FleetSpec; knownGap?: string }> = [
  { name: 'tiny versions', spec: (seed) => fleet(seed, { versions: 40, skew: 0.3, windows: 1500 }) },
  {
    name: 'heavy noise (≈ 40% baseline) with healthy spread',
    spec: (seed) => fleet(seed, { noise: 20, heterogeneity: 0.1 }),
  },
  {
    name: 'long sessions (windows clustered by session)',
    spec: (seed) => fleet(seed, { cluster: 2, windows: 30_000 }),
  },
  {
    name: 'variant: 50 versions, heavy noise, healthy spread, windows clustered by two',
    spec: (seed) =>
      fleet(seed, { versions: 50, skew: 1.5, windows: 40_000, noise: 12, heterogeneity: 0.15, cluster: 2 }),
    knownGap: 'names a version in about 1 of 20 seeds (2 of 20 on other seeds)',
  },
];

describe('fault classes on synthetic count tables (many seeds each)', () => {
  for (const faultClass of [...CLASSES, ...VARIANTS]) {
    const gap = faultClass.knownGap;
    (gap === undefined ? it : it.fails)(
      `${faultClass.name}${gap ? ` — known gap: ${gap}` : ''}`,
      () => {
        const misses: string[] = [];
        for (let seed = 1; seed <= SEEDS; seed++) {
          const { causes } = searchCauses(syntheticFleet(faultClass.spec(seed)), SETTINGS);
          const top = causes.slice(0, faultClass.expected.length).map((c) => c.cell);
          const ok = faultClass.expected.every((expected) => top.some((found) => matches(found, expected)));
          if (!ok) misses.push(`seed ${seed}: ${JSON.stringify(causes.map((c) => c.cell))}`);
        }
        console.log(
          `fault class "${faultClass.name}": localised in ${SEEDS - misses.length} of ${SEEDS} seeds`,
        );
        expect(misses.length, misses.join('\n')).toBeLessThanOrEqual(MAX_MISSES);
      },
      300_000,
    );
  }

  for (const control of CONTROLS) {
    const gap = control.knownGap;
    (gap === undefined ? it : it.fails)(
      `control names nothing: ${control.name}${gap ? ` — known gap: ${gap}` : ''}`,
      () => {
        const named: string[] = [];
        for (let seed = 1; seed <= SEEDS; seed++) {
          const { causes } = searchCauses(syntheticFleet(control.spec(seed)), SETTINGS);
          if (causes.length) named.push(`seed ${seed}: ${JSON.stringify(causes.map((c) => c.cell))}`);
        }
        console.log(`control "${control.name}": names nothing in ${SEEDS - named.length} of ${SEEDS} seeds`);
        expect(named, named.join('\n')).toEqual([]);
      },
      300_000,
    );
  }
});
