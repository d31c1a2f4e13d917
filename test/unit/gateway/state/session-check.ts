import fc from 'fast-check';
import { expect } from 'vitest';
import type { StateStore, StateStoreOptions } from '../../../../src/gateway/state/index.js';
import { options as baseOptions } from './fixtures.js';
import { canonical, drive, referenceWindows } from './session-reference.js';
import { GRACE_MS, THRESHOLDS, WINDOW_MS, prng, simulateSession } from './session-simulation.js';

// The session-window property, for any store: see checkSessionWindows.

export const simulationOptions: StateStoreOptions = {
  ...baseOptions,
  thresholds: THRESHOLDS.map(String),
  windowMs: WINDOW_MS,
  windowGraceMs: GRACE_MS,
};

/**
 * The property: whatever the batching, retries, repeats and replays, and whenever closeDueWindows
 * runs, the closed windows are exactly src/model's sessionWindows() of the points each session
 * produced, grouped into cells; each counted once; labels fixed from the first request.
 */
export async function checkSessionWindows(
  specs: Parameters<typeof simulateSession>[1][],
  tickSeed: number,
  openStores: () => Promise<StateStore[]>,
): Promise<void> {
  const sessions = specs.map((spec, i) => simulateSession(i, spec));
  fc.pre(sessions.every((s) => !s.lateRisk));
  const stores = await openStores();
  const tick = prng(tickSeed);
  const outcome = await drive(sessions, stores, () => tick(3) === 0);
  const { episodeMinSamples, windowMs } = simulationOptions;
  const expected = sessions.flatMap((s) =>
    referenceWindows(s, THRESHOLDS.length, episodeMinSamples, windowMs),
  );
  expect(outcome.closed.map(canonical).sort()).toEqual(expected.map(canonical).sort());
  expect(outcome.accepted).toBe(sessions.reduce((n, s) => n + s.points.length, 0));
  expect(outcome.latePoints).toBe(0);
  for (const session of sessions) {
    expect([...outcome.answeredLabels.get(session.sessionKey)!]).toEqual([JSON.stringify(session.labels)]);
  }
  for (const window of outcome.closed) {
    window.high.forEach((high, t) => {
      // The session is high exactly when one of its stage cells is; a detail cell only with its stage.
      expect(window.stages.some((c) => c.high[t])).toBe(high);
      for (const d of window.details) {
        const stage = window.stages.find((c) => c.stage === d.stage);
        expect(stage).toBeDefined();
        if (d.high[t]) expect(stage!.high[t]).toBe(true);
      }
    });
  }
}
