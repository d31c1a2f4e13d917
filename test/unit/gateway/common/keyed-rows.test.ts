import { describe, expect, it } from 'vitest';
import { KeyedRows, grownColumn } from '../../../../src/gateway/common/keyed-rows.js';

describe('KeyedRows', () => {
  it('hands out rows in ascending order, growing the columns up to the maximum', () => {
    const grown: number[] = [];
    const rows = new KeyedRows<string>(1500, (n) => grown.push(n));
    expect([rows.add('a'), rows.add('b')]).toEqual([0, 1]);
    expect(grown).toEqual([1024]);
    for (let i = 2; i < 1500; i++) rows.add(`k${i}`);
    expect(grown).toEqual([1024, 1500]);
    expect(rows.capacity).toBe(1500);
    expect(rows.get('a')).toBe(0);
  });

  it("gives a new key the oldest key's row when all are taken, and reuses removed rows", () => {
    const rows = new KeyedRows<string>(3, () => {});
    for (const key of ['a', 'b', 'c']) rows.add(key);
    rows.touch('a', 0); // a is now the youngest: b is the oldest
    expect(rows.add('d')).toBe(1);
    expect(rows.get('b')).toBeUndefined();
    rows.remove('c', 2);
    expect(rows.add('e')).toBe(2);
    expect([...rows.entries()]).toEqual([
      ['a', 0],
      ['d', 1],
      ['e', 2],
    ]);
    expect(rows.size).toBe(3);
  });

  it('grows a column with its values kept and the rest zero', () => {
    expect([...grownColumn(new Uint32Array([7, 9]), 4)]).toEqual([7, 9, 0, 0]);
    expect([...grownColumn(new BigUint64Array([5n]), 2)]).toEqual([5n, 0n]);
  });
});
