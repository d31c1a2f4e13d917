import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/simulator/random.js';
import { parseScenario } from '../../../src/simulator/scenario-loader.js';
import { SimulatedSession, drawInstall, type CpuSample } from '../../../src/simulator/simulated-session.js';
import { APP_STAGES } from '../../../src/simulator/stages.js';

const scenario = parseScenario(`
name: unit
fleet:
  versions: [{ value: '1.0.0', weight: 1 }, { value: '2.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }, { value: darwin, weight: 1 }]
facts: { fileNameLength: { min: 1, max: 100 } }
faults:
  - { name: login-hot, match: { version: '2.0.0', stage: login }, probability: 1, cpu: [0.85, 1] }
  - name: darwin-long-names
    match: { os: darwin, stage: receiving }
    condition: fileNameLength > 50
    probability: 1
    cpu: [0.5, 0.6]
noise: { spikeProbability: 0.01, spikeSamples: [1, 2], cpu: [0.4, 0.9] }
expect: { culprit: { version: '2.0.0', stage: login } }
`);

function runToEnd(session: SimulatedSession, limit = 100_000): CpuSample[] {
  const samples: CpuSample[] = [];
  for (let i = 0; i < limit; i++) {
    const sample = session.nextSample();
    if (!sample) return samples;
    samples.push(sample);
  }
  throw new Error('session never ended');
}

function sessions(count: number, seed = 1): SimulatedSession[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const r = random.fork(i);
    return new SimulatedSession(scenario, drawInstall(scenario, r), r);
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
        expect(['login', 'receiving']).toContain(sample.stage);
      }
    }
  });

  it('evaluates conditions on the session facts', () => {
    for (const session of sessions(80)) {
      const expected = session.identity.osType === 'darwin' && (session.facts['fileNameLength'] ?? 0) > 50;
      expect(session.faults.some((f) => f.name === 'darwin-long-names')).toBe(expected);
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
});
