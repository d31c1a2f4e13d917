import { describe, expect, it } from 'vitest';
import { DueQueue, type DueWindow } from '../../../../src/gateway/state/due-queue.js';

describe('DueQueue', () => {
  it('pops exactly the entries retain kept, due first, over many random queues', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seeded(seed);
      const queue = new DueQueue();
      const entries: DueWindow[] = [];
      const count = Math.floor(random() * 200);
      for (let i = 0; i < count; i++) {
        const entry = { dueMs: Math.floor(random() * 50), sessionKey: `s${i}`, window: i };
        entries.push(entry);
        queue.push(entry);
      }
      const kept = new Set(entries.filter(() => random() < 0.4));
      queue.retain((entry) => kept.has(entry));
      expect(queue.size).toBe(kept.size);
      const popped: DueWindow[] = [];
      for (let e = queue.popDue(Infinity); e; e = queue.popDue(Infinity)) popped.push(e);
      expect(new Set(popped)).toEqual(kept);
      const due = popped.map((e) => e.dueMs);
      expect(due).toEqual([...due].sort((a, b) => a - b));
    }
  });

  it('pops nothing before it is due', () => {
    const queue = new DueQueue();
    queue.push({ dueMs: 10, sessionKey: 'a', window: 1 });
    expect(queue.popDue(9)).toBeUndefined();
    expect(queue.popDue(10)?.sessionKey).toBe('a');
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
