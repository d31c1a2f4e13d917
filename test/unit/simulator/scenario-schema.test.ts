import { describe, expect, it } from 'vitest';
import { ScenarioError, parseScenario } from '../../../src/simulator/scenario-loader.js';

const base = (extra: string, versions = `[{ value: '1.0.0', weight: 1 }, { value: '2.0.0', weight: 1 }]`) => `
name: schema
fleet:
  versions: ${versions}
  os: [{ value: linux, weight: 1 }, { value: darwin, weight: 1 }]
${extra}
`;

function problemsOf(text: string): string {
  try {
    parseScenario(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems.join('\n');
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario schema v2', () => {
  it('fills the model with the gateway defaults and merges a stage given in part with the default machine', () => {
    const scenario = parseScenario(
      base(`stages: { receiving: { details: { fileNameLength: [5, 80] } } }
expect: { culprits: [] }`),
    );
    expect(scenario.model).toEqual({
      thresholds: [0.3, 0.8],
      episodeMinSamples: 5,
      details: [{ attribute: 'filesfu.file.name.length', label: 'file_name_length', bounds: [20, 42, 80] }],
    });
    expect(scenario.stages.receiving.duration).toEqual([10, 40]);
    expect(scenario.stages.receiving.next).toEqual({ idle: 2, syncing: 1 });
    expect(scenario.stages.receiving.details['fileNameLength']).toEqual({
      min: 5,
      max: 80,
      distribution: 'uniform',
    });
    expect(scenario.run.clock).toBe('simulated');
    expect(scenario.run.interval).toBe(10_000);
    expect(scenario.noise.spikeProbability).toBe(0.001);
    expect(scenario.noise.spikeSamples).toEqual([1, 4]);
  });

  it('accepts several culprits, culprits without a version, and detail cells', () => {
    const scenario = parseScenario(
      base(`stages: { receiving: { details: { fileNameLength: { min: 4, max: 200, distribution: log-uniform } } } }
faults:
  - { name: a, match: { os: linux, stage: syncing }, probability: 1, cpu: [0.5, 0.9] }
  - { name: b, match: { version: '2.0.0', stage: receiving }, condition: 'fileNameLength > 80', probability: 1, cpu: [0.5, 0.9] }
expect:
  culprits:
    - { os: linux, stage: syncing }
    - { version: '2.0.0', stage: receiving, detail: file_name_length, detail_bucket: '>80' }`),
    );
    expect(scenario.expect.culprits).toHaveLength(2);
    expect(scenario.expect.culprits[0]?.allowMoreSpecific).toBe(false);
  });

  it('rejects culprit cells that cannot exist', () => {
    const text = problemsOf(
      base(`expect:
  culprits:
    - { version: '9.9.9' }
    - { cpu_cores: '7' }
    - { detail: file_name_length, detail_bucket: '40-50' }
    - { detail: name_size, detail_bucket: '<=20' }`),
    );
    expect(text).toMatch(/expect\.culprits\.0\.version: version "9\.9\.9" is not in fleet\.versions/);
    expect(text).toMatch(/expect\.culprits\.1\.cpu_cores: must be one of <=2, 3-4, 5-8, 9-16, >16, unknown/);
    expect(text).toMatch(/expect\.culprits\.2\.detail_bucket: must be one of <=20, 21-42, 43-80, >80/);
    expect(text).toMatch(/expect\.culprits\.3\.detail: "name_size" is not a label of model\.details/);
    // Field rules come first: the cross-references are checked once every field is valid.
    expect(problemsOf(base(`expect: { culprits: [{ detail: file_name_length }] }`))).toMatch(
      /expect\.culprits\.0: detail and detail_bucket go together/,
    );
  });

  it('rejects the old single `culprit` with a pointer to the list', () => {
    expect(problemsOf(base(`expect: { culprit: null }`))).toMatch(/expect/);
  });

  it('checks versions: weight or rollout, distinct, shares never above 1, one weighted version', () => {
    expect(
      problemsOf(
        base(
          `expect: { culprits: [] }`,
          `[{ value: a, weight: 1, rollout: { from: 0, to: 1 } }, { value: b }]`,
        ),
      ),
    ).toMatch(
      /fleet\.versions\.0: give exactly one of weight or rollout[\s\S]*fleet\.versions\.1: give exactly one/,
    );
    expect(
      problemsOf(
        base(
          `expect: { culprits: [] }`,
          `[{ value: a, weight: 1 }, { value: b, rollout: { from: 0, to: 0.7 } }, { value: c, rollout: { from: 0.5, to: 0.5 } }]`,
        ),
      ),
    ).toMatch(/fleet\.versions: rollout shares add up to more than 1/);
    expect(
      problemsOf(base(`expect: { culprits: [] }`, `[{ value: a, rollout: { from: 0, to: 1 } }]`)),
    ).toMatch(/needs at least one version with a weight/);
    expect(
      problemsOf(base(`expect: { culprits: [] }`, `[{ value: a, weight: 1 }, { value: a, weight: 2 }]`)),
    ).toMatch(/versions must be distinct/);
    expect(
      problemsOf(
        base(
          `expect: { culprits: [] }`,
          `[{ value: a, weight: 1 }, { value: b, rollout: { from: 0, to: 0.5, start: 0.6, end: 0.4 } }]`,
        ),
      ),
    ).toMatch(/rollout: needs start < end/);
  });

  it('checks session lengths, detail draws, fault cores and the over-rate ceiling', () => {
    const text = problemsOf(
      base(`sessionLength: { min: 2h, max: 1h }
stages: { receiving: { details: { fileNameLength: { min: 0, max: 9, distribution: log-uniform }, pathDepth: [1, 2] } } }
expect: { culprits: [], fleetOverRateBelow: { threshold: 0.25, rate: 0.02 } }`),
    );
    expect(text).toMatch(/sessionLength: needs 1s <= min <= max/);
    expect(text).toMatch(/log-uniform needs min >= 1/);
    expect(text).toMatch(/pathDepth/);
    expect(text).toMatch(/expect\.fleetOverRateBelow\.threshold: must be one of CPU_BUCKETS/);
    expect(
      problemsOf(
        base(`faults: [{ name: f, match: { cpuCores: '8' }, probability: 1, cpu: [0.5, 0.9] }]
model: { thresholds: [0.3] }
expect: { culprits: [], fleetOverRateBelow: { threshold: 0.8, rate: 0.02 } }`),
      ),
    ).toMatch(
      /faults\.0\.match\.cpuCores: must be one of[\s\S]*expect\.fleetOverRateBelow\.threshold: must be one of model\.thresholds/,
    );
  });
});
