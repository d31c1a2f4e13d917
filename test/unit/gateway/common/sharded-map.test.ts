import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ShardedMap } from '../../../../src/gateway/common/sharded-map.js';

describe('ShardedMap', () => {
  it('behaves as a Map: get, set (insert and overwrite), delete and size', () => {
    const map = new ShardedMap<number>(100_000);
    const keys = Array.from({ length: 5_000 }, () => randomUUID());
    keys.forEach((key, i) => map.set(key, i));
    expect(map.size).toBe(keys.length);
    map.set(keys[0]!, -1);
    expect(map.size).toBe(keys.length);
    expect(map.get(keys[0]!)).toBe(-1);
    expect(map.get(keys[1]!)).toBe(1);
    expect(map.delete(keys[1]!)).toBe(true);
    expect(map.delete(keys[1]!)).toBe(false);
    expect(map.get(keys[1]!)).toBeUndefined();
    expect(map.size).toBe(keys.length - 1);
    expect(map.get('never set')).toBeUndefined();
  });

  it('takes the shard a caller kept, and spreads random keys over all shards', () => {
    const map = new ShardedMap<string>(200_000);
    const perShard = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const key = `${randomUUID()}/${randomUUID()}`;
      const shard = map.shardOf(key);
      expect(map.shardOf(key)).toBe(shard);
      map.set(key, key, shard);
      expect(map.get(key, shard)).toBe(key);
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }
    // 200k keys at most 4096 per shard: 64 shards, ~312 keys each here.
    expect(perShard.size).toBe(64);
    expect(Math.max(...perShard.values())).toBeLessThan(2 * (20_000 / 64));
  });

  it('keys differing only before the hashed tail still work (they share a shard)', () => {
    const map = new ShardedMap<number>(200_000);
    const tail = '-same-tail-of-the-key';
    map.set(`a${tail}`, 1);
    map.set(`b${tail}`, 2);
    expect(map.shardOf(`a${tail}`)).toBe(map.shardOf(`b${tail}`));
    expect([map.get(`a${tail}`), map.get(`b${tail}`), map.size]).toEqual([1, 2, 2]);
  });

  it('is a single Map when small', () => {
    const map = new ShardedMap<number>(1000);
    expect(map.shardOf('anything')).toBe(0);
  });
});
