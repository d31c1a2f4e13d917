// The replay: 1000 random HEALTHY fleets (sizes, version counts, share skews, noise levels, healthy
// spread between versions/OSes/stages and window clustering all varied; randomHealthySpec) through
// the search at default settings. The share of fleets in which anything is named must be ≤ 1%.
import { describe, expect, it } from 'vitest';
import { searchCauses } from '../../../../src/report/triage/explain.js';
import { parseSearchSettings } from '../../../../src/report/triage/options.js';
import { randomHealthySpec, syntheticFleet } from '../../../../src/report/triage/synthetic-fleet.js';

const FLEETS = 1000;
const BATCHES = 10;
const MAX_FALSE_POSITIVE_RATE = 0.01;
const SETTINGS = parseSearchSettings();

describe('replay over random healthy fleets', () => {
  const named: string[] = [];
  it.each(Array.from({ length: BATCHES }, (_, b) => b))(
    'batch %i of fleets names (almost) nothing',
    (batch) => {
      const size = FLEETS / BATCHES;
      for (let seed = batch * size + 1; seed <= (batch + 1) * size; seed++) {
        const { causes } = searchCauses(syntheticFleet(randomHealthySpec(seed)), SETTINGS);
        if (causes.length) named.push(`seed ${seed}: ${JSON.stringify(causes.map((c) => c.cell))}`);
      }
      // Each batch may not use more than the whole budget; the total is checked below.
      expect(named.length, named.join('\n')).toBeLessThanOrEqual(FLEETS * MAX_FALSE_POSITIVE_RATE);
    },
    900_000,
  );

  it(`false-positive rate over ${FLEETS} fleets ≤ ${MAX_FALSE_POSITIVE_RATE * 100}%`, () => {
    console.log(`replay: ${named.length} of ${FLEETS} healthy fleets name a culprit`);
    expect(named.length / FLEETS, named.join('\n')).toBeLessThanOrEqual(MAX_FALSE_POSITIVE_RATE);
  });
});
