import { describe, expect, it } from 'vitest';
import { TreeCpuAccount, type ProcessReading } from '../../../../src/watchdog/cpu/index.js';

// A simulated process tree: processes burn ticks, fork, exit (zombie) and get reaped by their parent,
// whose reaped-children time then grows by the child's whole lifetime, as the kernel does.
interface SimProcess {
  key: string;
  parent: SimProcess | undefined;
  own: number;
  reaped: number;
  zombie: boolean;
  reapedAway: boolean;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function simulate(seed: number, steps: number, missRate: number) {
  const random = mulberry32(seed);
  let next = 0;
  const root: SimProcess = {
    key: 'root',
    parent: undefined,
    own: 50,
    reaped: 7,
    zombie: false,
    reapedAway: false,
  };
  const all: SimProcess[] = [root];
  let consumed = 0; // ticks burnt by the tree since the first reading
  const account = new TreeCpuAccount();
  const snapshot = (miss: boolean): ProcessReading[] =>
    all
      .filter((p) => !p.reapedAway && !(miss && p !== root && random() < 0.3))
      .map((p) => ({ key: p.key, parentKey: p.parent?.key, ownTicks: p.own, reapedTicks: p.reaped }));
  account.update(snapshot(false));
  const totals: number[] = [];
  const truths: number[] = [];
  for (let step = 0; step < steps; step += 1) {
    // Several events between two readings.
    for (let event = 0; event < 6; event += 1) {
      const live = all.filter((p) => !p.zombie && !p.reapedAway);
      const p = live[Math.floor(random() * live.length)];
      if (!p) break;
      const roll = random();
      if (roll < 0.5) {
        const ticks = Math.floor(random() * 20);
        p.own += ticks;
        consumed += ticks;
      } else if (roll < 0.7 && all.length < 200) {
        const child: SimProcess = {
          key: `p${(next += 1)}`,
          parent: p,
          own: 0,
          reaped: 0,
          zombie: false,
          reapedAway: false,
        };
        all.push(child);
      } else if (roll < 0.85 && p !== root && !all.some((c) => c.parent === p && !c.reapedAway)) {
        // Only childless processes exit here: an orphan is re-parented out of the tree (see below).
        p.zombie = true;
      }
      // Parents reap their zombie children (sometimes only later), adding their whole lifetime.
      for (const zombie of all.filter((z) => z.zombie && !z.reapedAway)) {
        if (zombie.parent && !zombie.parent.reapedAway && !zombie.parent.zombie && random() < 0.6) {
          zombie.parent.reaped += zombie.own + zombie.reaped;
          zombie.reapedAway = true;
        }
      }
    }
    const miss = random() < missRate;
    totals.push(account.update(snapshot(miss)));
    truths.push(consumed);
  }
  return { totals, truths };
}

describe('TreeCpuAccount', () => {
  it('counts exactly the ticks the tree burnt, across forks, exits and reaps, over many random trees', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const { totals, truths } = simulate(seed, 60, 0);
      expect(totals, `seed ${seed}`).toEqual(truths);
    }
  });

  it('never decreases and never exceeds the truth when a reading misses live children', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const { totals, truths } = simulate(seed, 60, 0.3);
      for (let i = 0; i < totals.length; i += 1) {
        expect(totals[i] ?? 0, `seed ${seed} reading ${i}`).toBeLessThanOrEqual(truths[i] ?? 0);
        if (i > 0) expect(totals[i] ?? 0).toBeGreaterThanOrEqual(totals[i - 1] ?? 0);
      }
    }
  });

  it('starts at zero: time burnt before the first reading is not counted', () => {
    const account = new TreeCpuAccount();
    expect(account.update([{ key: 'a', parentKey: undefined, ownTicks: 900, reapedTicks: 40 }])).toBe(0);
    expect(account.update([{ key: 'a', parentKey: undefined, ownTicks: 910, reapedTicks: 40 }])).toBe(10);
  });
});
