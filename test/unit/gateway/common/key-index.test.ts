import { describe, expect, it } from 'vitest';
import { KeyIndex, MAX_SLOT_LENGTH } from '../../../../src/gateway/common/key-index.js';

/** Random operations on a KeyIndex and a Map side by side; the index's rows are handed out like KeyedRows'. */
function runAgainstMap(maxRows: number, maxInlineLength: number, universe: string[], steps: number): void {
  let seed = 11;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  // A fixed hash key: the probe runs (collisions, wrap-around) are the same on every run.
  const index = new KeyIndex(maxRows, maxInlineLength, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  index.grow(maxRows);
  const model = new Map<string, number>();
  const freeRows = Array.from({ length: maxRows }, (_, row) => maxRows - 1 - row);
  for (let step = 0; step < steps; step++) {
    const key = universe[random(universe.length)]!;
    const row = index.get(key);
    expect(row).toBe(model.get(key));
    if (row === undefined && freeRows.length > 0) {
      const added = freeRows.pop()!;
      index.set(key, added, index.hashOf(key));
      model.set(key, added);
    } else if (row !== undefined && random(2) === 0) {
      index.delete(row);
      model.delete(key);
      freeRows.push(row);
    }
    if (step % 97 === 0) {
      expect(index.size).toBe(model.size);
      for (const [k, r] of model) {
        expect(index.get(k)).toBe(r);
        expect(index.keyAt(r)).toBe(k);
      }
    }
  }
}

describe('KeyIndex', () => {
  it('answers like a Map under random adds and deletes in a table kept half full (long probe runs, wrap-around)', () => {
    const universe = Array.from({ length: 40 }, (_, i) => `k${i}`);
    runAgainstMap(8, 16, universe, 50_000);
    runAgainstMap(64, 16, universe, 50_000);
  });

  it('keeps long and non-Latin-1 keys on the heap, and answers for them like the rest', () => {
    const universe = [
      'short',
      'x'.repeat(16),
      'x'.repeat(17),
      'é-latin1',
      'ſession-not-latin1',
      '😀',
      '',
      'y'.repeat(300),
      '\x01',
      'ā', // low byte 0x01, like '\x01'
      'ȁ',
      'Ŀ',
      '\xff',
    ];
    runAgainstMap(6, 16, universe, 20_000);
  });

  it('tells keys of the same length and hash-table run apart byte by byte', () => {
    const index = new KeyIndex(1000, 64);
    index.grow(1000);
    const keys = Array.from({ length: 1000 }, (_, i) => `install/${String(i).padStart(8, '0')}`);
    keys.forEach((key, row) => index.set(key, row));
    keys.forEach((key, row) => expect(index.get(key)).toBe(row));
    expect(index.get('install/00001000')).toBeUndefined();
    for (let row = 0; row < 1000; row += 2) index.delete(row);
    keys.forEach((key, row) => expect(index.get(key)).toBe(row % 2 === 0 ? undefined : row));
    expect(index.size).toBe(500);
  });

  it('refuses to free a row that holds no key (a row released twice)', () => {
    const index = new KeyIndex(10, 16);
    index.grow(10);
    index.set('a', 0);
    index.set('b'.repeat(20), 1); // on the heap
    index.delete(0);
    index.delete(1);
    expect(() => index.delete(0)).toThrow(/row 0 holds no key/);
    expect(() => index.delete(1)).toThrow(/row 1 holds no key/);
    expect(index.size).toBe(0);
  });

  it('takes a hash given unsigned as the same hash', () => {
    const index = new KeyIndex(10, 16);
    index.grow(10);
    const key = Array.from({ length: 64 }, (_, i) => `k${i}`).find((k) => index.hashOf(k) < 0)!;
    index.set(key, 3, index.hashOf(key) >>> 0);
    expect(index.get(key)).toBe(3);
    expect(index.get(key, index.hashOf(key) >>> 0)).toBe(3);
  });

  it('refuses an inline length that is not a positive integer', () => {
    expect(() => new KeyIndex(10, 0)).toThrow(/maxInlineLength/);
    expect(() => new KeyIndex(10, 1.5)).toThrow(/maxInlineLength/);
  });

  it('caps the slot width, keeping longer keys on the heap (a huge configured id length)', () => {
    const index = new KeyIndex(4, 100_000);
    index.grow(4);
    const long = 'x'.repeat(MAX_SLOT_LENGTH + 1);
    const fits = 'y'.repeat(MAX_SLOT_LENGTH);
    index.set(long, 0);
    index.set(fits, 1);
    expect([index.get(long), index.get(fits), index.keyAt(0), index.keyAt(1)]).toEqual([0, 1, long, fits]);
  });
});
