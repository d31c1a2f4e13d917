import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING_CRITERIA, rankGroups } from '../../../../src/report/triage/ranking.js';
import type { GroupCounts } from '../../../../src/report/triage/ranking.js';

interface VersionCounts {
  version: string;
  sessions: number;
  overSessions: number;
}

/** Versions tested against the rest of the fleet, lift against the whole fleet (as the triage does). */
function fleet(versions: VersionCounts[]): GroupCounts<string>[] {
  const sessions = versions.reduce((sum, v) => sum + v.sessions, 0);
  const over = versions.reduce((sum, v) => sum + v.overSessions, 0);
  return versions.map((v) => ({
    key: v.version,
    sessions: v.sessions,
    overSessions: v.overSessions,
    comparison: { sessions: sessions - v.sessions, overSessions: over - v.overSessions },
    referenceRate: over / sessions,
  }));
}

function named(versions: VersionCounts[]): string[] {
  return rankGroups(fleet(versions), DEFAULT_RANKING_CRITERIA)
    .filter((group) => group.verdict === 'suspect')
    .map((group) => group.key);
}

/** Deterministic PRNG (mulberry32) so the healthy-fleet test is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function binomial(trials: number, p: number, next: () => number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (next() < p) successes++;
  return successes;
}

describe('rankGroups', () => {
  it('names no suspect when every version has exactly the fleet rate', () => {
    const versions = ['6.1.0', '6.2.0', '6.3.0', '7.0.0'].map((version, index) => ({
      version,
      sessions: 500 * (index + 1),
      overSessions: 40 * (index + 1),
    }));
    expect(named(versions)).toEqual([]);
  });

  it('rarely names a suspect in random healthy fleets (false-positive rate within alpha)', () => {
    // Every version has the same true over-rate (8%); sessions per version vary from 30 to 3000.
    // BH at alpha bounds the chance of naming anything in such a fleet by alpha; the effect-size
    // floor makes it smaller still.
    const next = random(42);
    const fleets = 400;
    let fleetsWithSuspects = 0;
    for (let trial = 0; trial < fleets; trial++) {
      const versions = ['6.1.0', '6.2.0', '6.3.0', '6.4.0', '6.5.0', '7.0.0', '7.0.1', '7.1.0'].map(
        (version) => {
          const sessions = 30 + Math.floor(next() * 3000);
          return { version, sessions, overSessions: binomial(sessions, 0.08, next) };
        },
      );
      if (named(versions).length) fleetsWithSuspects++;
    }
    expect(fleetsWithSuspects / fleets).toBeLessThanOrEqual(DEFAULT_RANKING_CRITERIA.alpha);
  });

  it('names a big culprit, and only it', () => {
    const suspects = named([
      { version: '6.4.0', sessions: 5000, overSessions: 250 },
      { version: '6.5.0', sessions: 4000, overSessions: 210 },
      { version: '7.0.0', sessions: 1500, overSessions: 600 },
    ]);
    expect(suspects).toEqual(['7.0.0']);
  });

  it('does not name a tiny version even when all of its sessions went over', () => {
    const ranked = rankGroups(
      fleet([
        { version: '6.4.0', sessions: 5000, overSessions: 250 },
        { version: '7.2.0-beta', sessions: 2, overSessions: 2 },
      ]),
      DEFAULT_RANKING_CRITERIA,
    );
    const tiny = ranked.find((group) => group.key === '7.2.0-beta');
    expect(tiny?.lift).toBeGreaterThan(10);
    expect(tiny?.verdict).toBe('too-few-sessions');
  });

  it('names a slightly-worse but large release, and not the same rates on a small sample', () => {
    // 17% vs 10% (fleet 10.6%): lift 1.6, +7 points. Significant on 5000 sessions, not on 60.
    const large = named([
      { version: '6.4.0', sessions: 50000, overSessions: 5000 },
      { version: '7.0.0', sessions: 5000, overSessions: 850 },
    ]);
    expect(large).toEqual(['7.0.0']);
    const ranked = rankGroups(
      fleet([
        { version: '6.4.0', sessions: 50000, overSessions: 5000 },
        { version: '7.0.0', sessions: 60, overSessions: 10 },
      ]),
      DEFAULT_RANKING_CRITERIA,
    );
    expect(ranked.find((group) => group.key === '7.0.0')?.verdict).toBe('not-significant');
  });

  it('does not name a significant but negligible difference (effect-size floor)', () => {
    // 5.5% vs 5% on huge samples: significant, but lift 1.1 and +0.5 points.
    const ranked = rankGroups(
      fleet([
        { version: '6.4.0', sessions: 400000, overSessions: 20000 },
        { version: '7.0.0', sessions: 400000, overSessions: 22000 },
      ]),
      DEFAULT_RANKING_CRITERIA,
    );
    const candidate = ranked.find((group) => group.key === '7.0.0');
    expect(candidate?.pValue).toBeLessThan(1e-6);
    expect(candidate?.verdict).toBe('effect-too-small');
  });

  it('requires a minimum number of high-CPU sessions', () => {
    const ranked = rankGroups(
      fleet([
        { version: '6.4.0', sessions: 100000, overSessions: 10 },
        { version: '7.0.0', sessions: 100, overSessions: 4 },
      ]),
      DEFAULT_RANKING_CRITERIA,
    );
    expect(ranked.find((group) => group.key === '7.0.0')?.verdict).toBe('too-few-over');
  });

  it('ranks suspects first, by lift', () => {
    const ranked = rankGroups(
      fleet([
        { version: '6.4.0', sessions: 10000, overSessions: 300 },
        { version: '7.0.0', sessions: 2000, overSessions: 400 },
        { version: '7.1.0', sessions: 2000, overSessions: 900 },
        { version: '5.0.0', sessions: 3, overSessions: 3 },
      ]),
      DEFAULT_RANKING_CRITERIA,
    );
    expect(ranked.map((group) => [group.key, group.verdict])).toEqual([
      ['7.1.0', 'suspect'],
      ['7.0.0', 'suspect'],
      ['5.0.0', 'too-few-sessions'],
      ['6.4.0', 'effect-too-small'],
    ]);
  });
});
