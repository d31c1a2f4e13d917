import { describe, expect, it } from 'vitest';
import { KeyedRows, grownColumn } from '../../../../src/gateway/common/keyed-rows.js';

/** Keys and rows, oldest first. */
const entries = (rows: KeyedRows<string>): Array<[string, number]> =>
  [...rows.rowsOldestFirst()].map((row) => [rows.keyOf(row), row]);

describe('KeyedRows', () => {
  it('hands out rows in ascending order, growing the columns up to the maximum', () => {
    const grown: number[] = [];
    const rows = new KeyedRows<string>(1500, 16, (n) => grown.push(n));
    expect([rows.add('a'), rows.add('b')]).toEqual([0, 1]);
    expect(grown).toEqual([1024]);
    for (let i = 2; i < 1500; i++) rows.add(`k${i}`);
    expect(grown).toEqual([1024, 1500]);
    expect(rows.capacity).toBe(1500);
    expect(rows.get('a')).toBe(0);
  });

  it("gives a new key the oldest key's row when all are taken, and reuses removed rows", () => {
    const rows = new KeyedRows<string>(3, 16, () => {});
    for (const key of ['a', 'b', 'c']) rows.add(key);
    rows.touch(0); // a is now the youngest: b is the oldest
    expect(rows.add('d')).toBe(1);
    expect(rows.get('b')).toBeUndefined();
    rows.release(2);
    expect(rows.add('e')).toBe(2);
    expect(entries(rows)).toEqual([
      ['a', 0],
      ['d', 1],
      ['e', 2],
    ]);
    expect(rows.size).toBe(3);
  });

  it('keeps the same order as re-inserting into a Map on every touch (random operations)', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const max = 50;
    const rows = new KeyedRows<string>(max, 16, () => {});
    const model = new Map<string, number>(); // insertion order = recency order
    for (let step = 0; step < 20_000; step++) {
      const key = `k${random(120)}`;
      const row = rows.get(key);
      expect(row).toBe(model.get(key));
      const op = random(3);
      if (row === undefined) {
        const evicted = model.size >= max ? model.keys().next().value : undefined;
        const expectedRow = evicted === undefined ? undefined : model.get(evicted);
        if (evicted !== undefined) model.delete(evicted);
        const added = rows.add(key);
        if (expectedRow !== undefined) expect(added).toBe(expectedRow);
        model.set(key, added);
      } else if (op === 0) {
        rows.release(row);
        model.delete(key);
      } else {
        rows.touch(row);
        model.delete(key);
        model.set(key, row);
      }
      if (step % 500 === 0) expect(entries(rows)).toEqual([...model.entries()]);
    }
    expect(rows.size).toBe(model.size);
    expect(new Set(rows.rowsOldestFirst()).size).toBe(rows.size);
  });

  it('lets rowsOldestFirst() release the current row while iterating (expiry)', () => {
    const rows = new KeyedRows<string>(10, 16, () => {});
    for (const key of ['a', 'b', 'c', 'd']) rows.add(key);
    for (const row of rows.rowsOldestFirst()) if (rows.keyOf(row) !== 'c') rows.release(row);
    expect(entries(rows)).toEqual([['c', 2]]);
    expect(rows.add('e')).toBe(3); // the last freed row is handed out first
  });

  it('finds a key by the hash hashOf gave, and without one, whichever way it was added', () => {
    const rows = new KeyedRows<string>(100_000, 64, () => {});
    const keys = Array.from({ length: 2000 }, (_, i) => `install-${i}/session-${i * 7919}`);
    keys.forEach((key, i) => (i % 2 === 0 ? rows.add(key, rows.hashOf(key)) : rows.add(key)));
    keys.forEach((key, i) => {
      expect(rows.get(key)).toBe(i);
      expect(rows.get(key, rows.hashOf(key))).toBe(i);
    });
  });

  it('grows a column with its values kept and the rest zero', () => {
    expect([...grownColumn(new Uint32Array([7, 9]), 4)]).toEqual([7, 9, 0, 0]);
    expect([...grownColumn(new BigUint64Array([5n]), 2)]).toEqual([5n, 0n]);
  });
});
