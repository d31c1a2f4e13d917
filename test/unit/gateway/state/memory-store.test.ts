import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/gateway/state/memory-store.js';
import { sessionCommit } from '../../../../src/gateway/state/index.js';

const HOUR = 3_600_000;
const options = {
  thresholds: ['0.3', '0.8'],
  overThresholdMinSamples: 5,
  maxTrackedSessions: 50_000,
  maxZeroWidthStreams: 32,
  dedupWindowMs: HOUR,
  seriesBudget: 100,
  seriesIdleTimeoutMs: HOUR,
  maxVersions: 5,
  versionWindowMs: HOUR,
  versionWindowBuckets: 6,
  maxTrackedVersions: 100,
};

describe('MemoryStateStore', () => {
  it('forgets a fleet that went quiet all at once over several housekeeping runs, not in one', async () => {
    const store = new MemoryStateStore(options);
    const sessions = 25_000;
    for (let i = 0; i < sessions; i++) {
      await store.commitSession(
        sessionCommit(`session-${i}`, [
          { startTimeUnixNano: 1n, timeUnixNano: 2n, stage: 'idle', samplesAbove: [0, 0] },
        ]),
        0,
      );
    }
    const later = HOUR + 1;
    const tracked: number[] = [];
    for (let run = 0; run < 4; run++) tracked.push((await store.housekeeping(later)).trackedSessions);
    expect(tracked[0]).toBeGreaterThan(0);
    expect(tracked[0]).toBeLessThan(sessions);
    expect(tracked.at(-1)).toBe(0);
    // Non-increasing: every run forgets more, none brings anything back.
    expect([...tracked].sort((a, b) => b - a)).toEqual(tracked);
  });
});
