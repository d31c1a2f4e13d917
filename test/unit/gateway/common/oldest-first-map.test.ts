import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OldestFirstMap } from '../../../../src/gateway/common/oldest-first-map.js';

describe('OldestFirstMap', () => {
  it('deletes in insertion order; a re-inserted key becomes the newest', () => {
    const map = new OldestFirstMap<string, number>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    map.delete('a');
    map.set('a', 4);
    expect(map.deleteOldest()).toBe('b');
    map.set('d', 5);
    expect([map.deleteOldest(), map.deleteOldest(), map.deleteOldest()]).toEqual(['c', 'a', 'd']);
    expect(map.deleteOldest()).toBeUndefined();
    map.set('e', 6);
    expect(map.deleteOldest()).toBe('e');
    map.set('f', 7);
    map.clear();
    map.set('g', 8);
    expect(map.deleteOldest()).toBe('g');
    expect(map.size).toBe(0);
  });

  it('agrees with a plain Map evicted from a fresh iterator, for any mix of operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('touch' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('evict' as const) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const subject = new OldestFirstMap<number, number>();
        const reference = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            subject.set(o.key, o.key);
            reference.set(o.key, o.key);
          } else if (o.kind === 'touch') {
            for (const m of [subject, reference]) {
              m.delete(o.key);
              m.set(o.key, o.key);
            }
          } else if (o.kind === 'delete') {
            subject.delete(o.key);
            reference.delete(o.key);
          } else if (o.kind === 'clear') {
            subject.clear();
            reference.clear();
          } else {
            const first = reference.keys().next();
            if (first.done !== true) reference.delete(first.value);
            expect(subject.deleteOldest()).toBe(first.done === true ? undefined : first.value);
          }
          expect([...subject.keys()]).toEqual([...reference.keys()]);
        }
      }),
    );
  });
});
