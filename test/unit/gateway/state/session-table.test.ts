import { describe, expect, it } from 'vitest';
import { SessionTable } from '../../../../src/gateway/state/session-table.js';
import { sessionCommit, type SessionInterval } from '../../../../src/gateway/state/index.js';

const HOUR = 3_600_000;
const T0 = 1_764_000_000_000_000_000n;
const S = 10_000_000_000n;

function interval(n: number, stage: string, above: number[] = [0, 0]): SessionInterval {
  return {
    startTimeUnixNano: T0 + BigInt(n) * S,
    timeUnixNano: T0 + BigInt(n + 1) * S,
    stage,
    samplesAbove: above,
  };
}

function table(maxTrackedSessions: number, maxSessionKeyLength?: number): SessionTable {
  return new SessionTable({
    thresholds: ['0.3', '0.8'],
    overThresholdMinSamples: 5,
    maxTrackedSessions,
    maxZeroWidthStreams: 32,
    dedupWindowMs: HOUR,
    maxSessionKeyLength,
  });
}

const commit = (t: SessionTable, key: string, intervals: SessionInterval[], now = 0) =>
  t.commit(sessionCommit(key, intervals), now);

describe('SessionTable', () => {
  it('deduplicates sessions whose keys are longer than the off-heap slots, or not Latin-1, like any other', () => {
    const t = table(3, 8);
    const keys = ['install-0123456789/session-long', 'install/séssion', 'install/ſession'];
    for (const key of keys) expect(commit(t, key, [interval(0, 'idle')]).duplicate).toEqual([false]);
    for (const key of keys) expect(commit(t, key, [interval(0, 'idle')]).duplicate).toEqual([true]);
    commit(t, 'short', [interval(0, 'idle')]); // evicts the oldest, a long key
    expect(commit(t, keys[0]!, [interval(0, 'idle')]).duplicate).toEqual([false]);
    expect(t.size).toBe(3);
  });

  it('hands the row of an evicted session to a new one with nothing of the old left in it', () => {
    const t = table(2);
    commit(t, 'a', [interval(5, 'idle', [5, 5])]);
    commit(t, 'b', [interval(0, 'idle')]);
    commit(t, 'c', [interval(0, 'idle')]); // evicts a, the least recently seen
    expect(t.size).toBe(2);
    const fresh = commit(t, 'd', [interval(0, 'idle', [5, 0])]); // evicts b, may reuse a's row
    expect(fresh).toMatchObject({
      duplicate: [false],
      newlySeen: true,
      newStages: ['idle'],
      newOverThresholds: ['0.3'],
      newStageOverThresholds: [{ stage: 'idle', threshold: '0.3' }],
    });
    // a comes back as a new session: its old watermark is gone with it.
    expect(commit(t, 'a', [interval(0, 'idle')]).duplicate).toEqual([false]);
  });

  it('keeps every session’s per-stage totals when more stage labels appear than a row had room for', () => {
    const t = table(100);
    for (let s = 0; s < 4; s++) commit(t, `s${s}`, [interval(0, 'stage-0', [3, 0])]);
    // 20 labels: the rows are laid out again twice (8 → 16 → 32 stages).
    for (let stage = 1; stage < 20; stage++) commit(t, 's0', [interval(stage, `stage-${stage}`, [1, 0])]);
    // Each of s1..s3 still holds 3 samples of stage-0: 2 more cross, for the stage and overall.
    for (let s = 1; s < 4; s++) {
      expect(commit(t, `s${s}`, [interval(1, 'stage-0', [2, 0])])).toMatchObject({
        newStages: [],
        newOverThresholds: ['0.3'],
        newStageOverThresholds: [{ stage: 'stage-0', threshold: '0.3' }],
      });
    }
    // s0 crossed overall long ago (3 + 19); per stage only stage-0 has 3, the others 1 each.
    const later = commit(t, 's0', [interval(30, 'stage-19', [4, 0]), interval(30, 'stage-0', [2, 0])]);
    expect(later.newOverThresholds).toEqual([]);
    expect(later.newStageOverThresholds).toEqual([
      { stage: 'stage-19', threshold: '0.3' },
      { stage: 'stage-0', threshold: '0.3' },
    ]);
  });

  it('starts a session over after the dedup window, and forgets idle ones oldest first, bounded per call', () => {
    const t = table(10);
    commit(t, 'old', [interval(0, 'idle')], 0);
    commit(t, 'new', [interval(0, 'idle')], HOUR);
    // Replayed after the window: counted again, by design (the window bounds the dedup memory).
    expect(commit(t, 'old', [interval(0, 'idle')], 2 * HOUR + 1)).toMatchObject({
      duplicate: [false],
      newlySeen: true,
    });
    expect(t.forgetIdle(2 * HOUR, 10)).toBe(1); // "new" (seen at HOUR); "old" was just seen
    expect(t.size).toBe(1);
    for (let i = 0; i < 5; i++) commit(t, `idle-${i}`, [interval(0, 'idle')], 3 * HOUR);
    expect(t.forgetIdle(4 * HOUR, 2)).toBe(2);
    expect(t.size).toBe(4);
  });
});
