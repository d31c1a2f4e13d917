import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/simulator/random.js';
import { parseScenario } from '../../../src/simulator/scenario-loader.js';
import { drawVersion, versionSharesAt } from '../../../src/simulator/version-schedule.js';

const fleet = (versions: string) =>
  parseScenario(`
name: rollout
fleet:
  versions: ${versions}
  os: [{ value: linux, weight: 1 }]
expect: { culprits: [] }
`).fleet.versions;

const share = (versions: ReturnType<typeof fleet>, at: number) =>
  Object.fromEntries(versionSharesAt(versions, at).map((s) => [s.value, s.weight]));

describe('version shares over the run', () => {
  const rollout = fleet(`[{ value: old, weight: 1 }, { value: new, rollout: { from: 0, to: 0.7 } }]`);

  it('moves a rollout linearly from `from` to `to`; the weighted versions share the rest', () => {
    expect(share(rollout, 0)).toEqual({ old: 1, new: 0 });
    expect(share(rollout, 0.5)['new']).toBeCloseTo(0.35, 12);
    expect(share(rollout, 0.5)['old']).toBeCloseTo(0.65, 12);
    expect(share(rollout, 1)['new']).toBeCloseTo(0.7, 12);
    expect(share(rollout, 2)['new']).toBeCloseTo(0.7, 12);
  });

  it('holds a rollout before `start` and after `end`, and splits the rest by weight', () => {
    const versions = fleet(
      `[{ value: a, weight: 1 }, { value: b, weight: 3 }, { value: c, rollout: { from: 0.2, to: 0.6, start: 0.25, end: 0.75 } }]`,
    );
    expect(share(versions, 0.1)).toEqual({ a: 0.2, b: 0.6000000000000001, c: 0.2 });
    expect(share(versions, 0.5)['c']).toBeCloseTo(0.4, 12);
    expect(share(versions, 0.9)['a']).toBeCloseTo(0.1, 12);
    expect(share(versions, 0.9)['b']).toBeCloseTo(0.3, 12);
    for (const at of [0, 0.3, 0.6, 1]) {
      expect(versionSharesAt(versions, at).reduce((sum, s) => sum + s.weight, 0)).toBeCloseTo(1, 12);
    }
  });

  it('draws versions with those shares (many draws, within four standard errors)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = createRandom(seed);
      for (const at of [0, 0.25, 0.5, 1]) {
        const n = 4000;
        let hits = 0;
        for (let i = 0; i < n; i++) if (drawVersion(rollout, at, random) === 'new') hits += 1;
        const p = 0.7 * at;
        const se = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(hits / n - p)).toBeLessThanOrEqual(4 * se + 1e-9);
      }
    }
  });
});
