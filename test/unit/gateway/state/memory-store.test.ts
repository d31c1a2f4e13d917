import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/gateway/state/memory-store.js';
import { HOUR, commitOf, options, point } from './fixtures.js';

describe('MemoryStateStore', () => {
  it('forgets a fleet that went quiet all at once over several housekeeping runs, not in one', async () => {
    const store = new MemoryStateStore(options);
    const sessions = 25_000;
    for (let i = 0; i < sessions; i++) {
      await store.commitSession(commitOf(`session-${i}`, [point(1, 2)]), 0);
    }
    const later = HOUR + 1;
    const tracked: number[] = [];
    for (let run = 0; run < 4; run++) tracked.push((await store.housekeeping(later)).trackedSessions);
    expect(tracked[0]).toBeGreaterThan(0);
    expect(tracked[0]).toBeLessThan(sessions);
    expect(tracked.at(-1)).toBe(0);
    // Non-increasing: every run forgets more, none brings anything back.
    expect([...tracked].sort((a, b) => b - a)).toEqual(tracked);
    // Every forgotten session's open window is closed, once.
    expect((await store.closeDueWindows(later)).length).toBe(sessions);
    expect(await store.closeDueWindows(later)).toEqual([]);
  });

  it('closes the open window of a session evicted beyond maxTrackedSessions at the next closeDueWindows', async () => {
    const store = new MemoryStateStore({ ...options, maxTrackedSessions: 2 });
    for (const key of ['a', 'b', 'c']) await store.commitSession(commitOf(key, [point(1, 2)]), 0);
    const closed = await store.closeDueWindows(0);
    expect(closed).toHaveLength(1);
    expect((await store.housekeeping(0)).trackedSessions).toBe(2);
    // The evicted session starts over: a new session whose window is open again.
    const again = await store.commitSession(commitOf('a', [point(1, 2)]), 0);
    expect(again.newSession).toBe(true);
    expect(again.duplicate).toEqual([false]);
  });

  it('closes every window once when most of the due queue went stale through evictions', async () => {
    const store = new MemoryStateStore({ ...options, maxTrackedSessions: 100 });
    const sessions = 20_000;
    for (let i = 0; i < sessions; i++) {
      await store.commitSession(commitOf(`session-${i}`, [point(1, 2)]), 0);
    }
    const later = HOUR + 1;
    expect((await store.closeDueWindows(later)).length).toBe(sessions);
    expect(await store.closeDueWindows(later)).toEqual([]);
  });

  it('evicts the least recently seen session, over many random commits, evictions and restores', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seeded(seed);
      const max = 1 + Math.floor(random() * 8);
      let store = new MemoryStateStore({ ...options, maxTrackedSessions: max });
      // The reference: keys least recently seen first.
      const lru: string[] = [];
      for (let i = 0; i < 3_000; i++) {
        if (random() < 0.002) {
          const restored = new MemoryStateStore({ ...options, maxTrackedSessions: max });
          restored.restore(store.checkpoint());
          store = restored;
        }
        const key = `s${Math.floor(random() * (max * 3))}`;
        const known = lru.indexOf(key);
        if (known >= 0) lru.splice(known, 1);
        lru.push(key);
        if (lru.length > max) lru.shift();
        const result = await store.commitSession(commitOf(key, [point(1, 2)]), 0);
        expect(result.newSession, `seed ${seed}, commit ${i}`).toBe(known < 0);
      }
    }
  });
});

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
