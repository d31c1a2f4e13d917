import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  ScenarioError,
  listBuiltInScenarios,
  loadScenario,
  parseScenario,
} from '../../../src/simulator/scenario-loader.js';

const minimal = `
name: tiny
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
expect: { culprits: [] }
`;

function problemsOf(text: string): string[] {
  try {
    parseScenario(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('built-in scenarios', () => {
  it("include issue #18's and #19's scenarios and the default", () => {
    expect(listBuiltInScenarios()).toEqual(
      expect.arrayContaining([
        'healthy-short-sessions',
        'healthy-long-sessions',
        'healthy-bursts',
        'rollout-hotter',
        'long-file-names',
        'login-hot-release',
        'small-release',
        'mild-regression',
        'dominant-release',
        'two-faults',
        'os-within-version',
        'os-across-versions',
        'detail-huge-names',
        'control-tiny-versions',
      ]),
    );
    expect(listBuiltInScenarios()).toContain(DEFAULT_SCENARIO);
  });

  it.each(listBuiltInScenarios())('%s parses and declares an expectation', (name) => {
    const scenario = loadScenario(name);
    expect(scenario.name).toBe(name);
    expect(Array.isArray(scenario.expect.culprits)).toBe(true);
    if (scenario.expect.culprits.length === 0) expect(scenario.faults).toEqual([]);
  });
});

describe('parseScenario', () => {
  it('fills defaults for run, stages, baseline and noise', () => {
    const scenario = parseScenario(minimal);
    expect(scenario.run.sessions).toBeGreaterThan(0);
    expect(scenario.run.duration).toBeGreaterThan(0);
    expect(Object.keys(scenario.stages)).toEqual(
      expect.arrayContaining(['starting', 'login', 'idle', 'shutdown']),
    );
    expect(scenario.baseline['indexing']).toBeDefined();
    expect(scenario.noise.spikeSamples[0]).toBeGreaterThanOrEqual(1);
  });

  it('accepts JSON too', () => {
    const json = JSON.stringify({
      name: 'json-one',
      run: { duration: '5s' },
      fleet: { versions: [{ value: '1', weight: 1 }], os: [{ value: 'darwin', weight: 1 }] },
      expect: { culprits: [] },
    });
    expect(parseScenario(json).run.duration).toBe(5000);
  });

  it('names the path of every problem', () => {
    const problems = problemsOf(`
name: Bad Name
run: { duration: soon, sessions: 0 }
fleet:
  versions: []
  os: [{ value: beos, weight: 1 }]
faults:
  - { name: f, match: { stage: lunch }, probability: 2, cpu: [0.9, 0.1] }
expect: { culprits: [] }
`);
    const text = problems.join('\n');
    expect(text).toMatch(/^name: /m);
    expect(text).toMatch(/^run\.duration: invalid duration "soon"/m);
    expect(text).toMatch(/^run\.sessions: /m);
    expect(text).toMatch(/^fleet\.versions: /m);
    expect(text).toMatch(/^fleet\.os\.0\.value: /m);
    expect(text).toMatch(/^faults\.0\.match\.stage: /m);
    expect(text).toMatch(/^faults\.0\.probability: /m);
    expect(text).toMatch(/^faults\.0\.cpu: range must be/m);
  });

  it('rejects unknown keys (typos) instead of ignoring them', () => {
    expect(problemsOf(minimal + 'faultz: []\n').join('\n')).toMatch(/faultz/);
  });

  it('rejects a culprit that no fault could produce, and faults on versions not in the fleet', () => {
    const problems = problemsOf(`
name: inconsistent
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
faults:
  - { name: f, match: { version: '9.9.9', stage: login }, probability: 1, cpu: [0.9, 1] }
expect: { culprits: [{ version: '1.0.0', stage: login }] }
`);
    expect(problems.join('\n')).toMatch(
      /faults\.0\.match\.version: version "9\.9\.9" is not in fleet\.versions/,
    );
    expect(problems.join('\n')).toMatch(/expect\.culprits\.0: no fault matches this expected culprit/);
  });

  it("checks fault conditions: syntax, and a detail drawn in the fault's stage", () => {
    const base = (condition: string, stage = 'receiving') => `
name: conditions
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
stages: { receiving: { details: { fileNameLength: [1, 80] } } }
faults:
  - { name: f, match: { stage: ${stage} }, condition: '${condition}', probability: 1, cpu: [0.9, 1] }
expect: { culprits: [] }
`;
    expect(() => parseScenario(base('fileNameLength > 42'))).not.toThrow();
    expect(problemsOf(base('fileNameLength >> 42')).join()).toMatch(
      /faults\.0\.condition: invalid condition/,
    );
    expect(problemsOf(base('pathDepth > 3')).join()).toMatch(
      /detail "pathDepth" is not drawn in stage receiving/,
    );
    expect(problemsOf(base('fileNameLength > 42', 'login')).join()).toMatch(
      /detail "fileNameLength" is not drawn in stage login; declare it under stages.<stage>.details/,
    );
  });

  it('rejects stage machines that point at nothing or never end', () => {
    const problems = problemsOf(`
name: loops
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
stages:
  shutdown: { duration: [1, 1], next: { idle: 1 } }
expect: { culprits: [] }
`);
    expect(problems.join('\n')).toMatch(/stages: needs a terminal stage/);
  });

  it('rejects a terminal stage that sessions can never reach, and a zero export interval', () => {
    const scenario = (run: string) => `
name: stuck
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
run: { ${run} }
stages:
  starting: { duration: [1, 1], next: { idle: 1 } }
  idle: { duration: [20, 90], next: { syncing: 1 } }
  syncing: { duration: [5, 10], next: { idle: 1 } }
  shutdown: { duration: [1, 1], next: {} }
expect: { culprits: [] }
`;
    expect(problemsOf(scenario('exportInterval: 2s')).join('\n')).toMatch(
      /stages: needs a terminal stage \(next: \{\}\) reachable from "starting"/,
    );
    expect(problemsOf(scenario('exportInterval: 0')).join('\n')).toMatch(
      /run\.exportInterval: must be above 0/,
    );
  });

  it('reports YAML syntax errors clearly', () => {
    expect(problemsOf('name: [unclosed').join()).toMatch(/not valid YAML\/JSON/);
  });
});
