import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/simulator/random.js';
import { parseScenario } from '../../../src/simulator/scenario-loader.js';
import type { Scenario } from '../../../src/simulator/scenario-schema.js';
import {
  SimulatedSession,
  drawInstall,
  drawSessionSeconds,
  type CpuSample,
} from '../../../src/simulator/simulated-session.js';
import { APP_STAGES } from '../../../src/simulator/stages.js';

const scenario = parseScenario(`
name: unit
fleet:
  versions: [{ value: '1.0.0', weight: 1 }, { value: '2.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }, { value: darwin, weight: 1 }]
  cpuCores: [{ value: 2, weight: 1 }, { value: 8, weight: 1 }]
stages:
  receiving: { details: { fileNameLength: [1, 100] } }
faults:
  - { name: login-hot, match: { version: '2.0.0', stage: login }, probability: 1, cpu: [0.85, 1] }
  - name: darwin-long-names
    match: { os: darwin, stage: receiving }
    condition: fileNameLength > 50
    probability: 1
    cpu: [0.5, 0.6]
  - { name: small-machines, match: { cpuCores: '<=2', stage: indexing }, probability: 1, cpu: [0.7, 0.7] }
noise: { spikeProbability: 0.01, spikeSamples: [1, 2], cpu: [0.4, 0.9] }
expect: { culprits: [{ version: '2.0.0', stage: login }] }
`);

function runToEnd(session: SimulatedSession, limit = 1_000_000): CpuSample[] {
  const samples: CpuSample[] = [];
  for (let i = 0; i < limit; i++) {
    const sample = session.nextSample();
    if (!sample) return samples;
    samples.push({ ...sample });
  }
  throw new Error('session never ended');
}

function sessions(count: number, seed = 1, of: Scenario = scenario): SimulatedSession[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const r = random.fork(i);
    const version = i % 2 === 0 ? '1.0.0' : '2.0.0';
    return new SimulatedSession(of, drawInstall(of, r), r, version, drawSessionSeconds(of, r));
  });
}

describe('SimulatedSession', () => {
  it('is deterministic for a seed', () => {
    const [a] = sessions(1, 99);
    const [b] = sessions(1, 99);
    expect(a?.identity).toEqual(b?.identity);
    expect(runToEnd(a!)).toEqual(runToEnd(b!));
  });

  it('starts in "starting", only uses contract stages, keeps samples in [0, 1] and ends', () => {
    for (const session of sessions(20)) {
      const samples = runToEnd(session);
      expect(samples[0]?.stage).toBe('starting');
      expect(samples.at(-1)?.stage).toBe('shutdown');
      for (const sample of samples) {
        expect(APP_STAGES).toContain(sample.stage);
        expect(sample.utilization).toBeGreaterThanOrEqual(0);
        expect(sample.utilization).toBeLessThanOrEqual(1);
      }
      expect(session.isEnded).toBe(true);
      expect(session.nextSample()).toBeUndefined();
    }
  });

  it('applies a fault only to matching sessions and only in the matching stage', () => {
    for (const session of sessions(60)) {
      const samples = runToEnd(session);
      const hotLogin = session.identity.appVersion === '2.0.0';
      expect(session.faults.some((f) => f.name === 'login-hot')).toBe(hotLogin);
      for (const sample of samples.filter((s) => s.stage === 'login')) {
        expect(sample.faulty).toBe(hotLogin);
        if (hotLogin) expect(sample.utilization).toBeGreaterThanOrEqual(0.85);
      }
      for (const sample of samples.filter((s) => s.faulty)) {
        expect(['login', 'receiving', 'indexing']).toContain(sample.stage);
      }
    }
  });

  it('matches faults on the cpu_cores label of the install', () => {
    for (const session of sessions(60)) {
      const small = session.identity.cpuLogicalCount <= 2;
      expect(session.faults.some((f) => f.name === 'small-machines')).toBe(small);
      for (const sample of runToEnd(session).filter((s) => s.stage === 'indexing')) {
        expect(sample.faulty).toBe(small);
      }
    }
  });

  it('draws event details once per stage visit and conditions faults on them, visit by visit', () => {
    let longVisits = 0;
    let shortVisits = 0;
    const wrong: string[] = [];
    for (const session of sessions(60)) {
      let previous: CpuSample | undefined;
      for (const sample of runToEnd(session)) {
        const length = sample.details['fileNameLength'];
        if (sample.stage === 'receiving') {
          const faulty = session.identity.osType === 'darwin' && (length ?? 0) > 50;
          if (length === undefined || length < 1 || length > 100) wrong.push(`length ${length}`);
          if (sample.stream !== `receiving|fileNameLength=${length}`) wrong.push(`stream ${sample.stream}`);
          if (sample.faulty !== faulty) wrong.push(`faulty ${sample.faulty} at length ${length}`);
          if (previous?.stage !== 'receiving') {
            if ((length ?? 0) > 50) longVisits += 1;
            else shortVisits += 1;
          } else if (previous.details['fileNameLength'] !== length)
            wrong.push('detail changed inside a visit');
        } else if (length !== undefined || sample.stream !== sample.stage) {
          wrong.push(`${sample.stage} carries ${sample.stream}`);
        }
        previous = sample;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Both sides of the condition occur (the draw is per visit, uniform over [1, 100]).
    expect(longVisits).toBeGreaterThan(20);
    expect(shortVisits).toBeGreaterThan(20);
  });

  it('runs for the drawn session length, then shuts down', () => {
    const timed = parseScenario(`
name: timed
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
sessionLength: { min: 10m, max: 2h, distribution: log-uniform }
expect: { culprits: [] }
`);
    const random = createRandom(5);
    for (let i = 0; i < 30; i++) {
      const r = random.fork(i);
      const seconds = drawSessionSeconds(timed, r)!;
      expect(seconds).toBeGreaterThanOrEqual(600);
      expect(seconds).toBeLessThanOrEqual(7200);
      const session = new SimulatedSession(timed, drawInstall(timed, r), r, '1.0.0', seconds);
      const samples = runToEnd(session);
      const shutdown = samples.filter((s) => s.stage === 'shutdown').length;
      // Up to the length the machine never takes its exit; then one shutdown visit (2–4 s).
      expect(samples.length - shutdown).toBe(seconds);
      expect(shutdown).toBeGreaterThanOrEqual(2);
      expect(shutdown).toBeLessThanOrEqual(4);
      expect(samples.at(-1)?.stage).toBe('shutdown');
    }
  });

  it('noise spikes are short: healthy samples above 0.3 never come in runs longer than the spike bound', () => {
    for (const session of sessions(40)) {
      let run = 0;
      for (const sample of runToEnd(session)) {
        run = !sample.faulty && sample.utilization > 0.3 ? run + 1 : 0;
        // Two spikes can touch back to back (one ends, the next starts on the following sample).
        expect(run).toBeLessThanOrEqual(2 * scenario.noise.spikeSamples[1]);
      }
    }
  });

  it('longer bursts, when configured, last their drawn length', () => {
    const bursty = parseScenario(`
name: bursty
fleet:
  versions: [{ value: '1.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
sessionLength: { min: 1h, max: 1h }
baseline: { idle: { mean: 0, sd: 0 }, syncing: { mean: 0, sd: 0 }, indexing: { mean: 0, sd: 0 }, sending: { mean: 0, sd: 0 }, receiving: { mean: 0, sd: 0 }, login: { mean: 0, sd: 0 }, starting: { mean: 0, sd: 0 }, shutdown: { mean: 0, sd: 0 } }
noise: { spikeProbability: 0, bursts: { probability: 0.002, samples: [20, 30], cpu: [0.5, 0.6] } }
expect: { culprits: [] }
`);
    const runs: number[] = [];
    for (const session of sessions(10, 3, bursty)) {
      let run = 0;
      for (const sample of runToEnd(session)) {
        if (sample.utilization >= 0.5) run += 1;
        else if (run > 0) {
          runs.push(run);
          run = 0;
        }
      }
    }
    expect(runs.length).toBeGreaterThan(10);
    // A burst lasts 20–30 samples; two may touch back to back.
    for (const run of runs) {
      expect(run).toBeGreaterThanOrEqual(20);
      expect(run % 1).toBe(0);
    }
    expect(runs.filter((r) => r <= 30).length / runs.length).toBeGreaterThan(0.9);
  });
});
