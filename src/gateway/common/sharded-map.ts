/** Keys one shard holds at most when the map is full: its rebuild stays well under a millisecond. */
const MAX_KEYS_PER_SHARD = 4096;
/** Characters from the end of a key that pick its shard. */
const HASHED_CHARS = 12;
/** Shard numbers fit a Uint16Array column (KeyedRows keeps one per row). */
const MAX_SHARDS = 1 << 16;

/**
 * A string-keyed Map split into shards by a hash of the key, for tables of up to hundreds of
 * thousands of keys that churn (one insert and one delete per new key, as an LRU kept full does).
 * V8 rebuilds a Map's whole hash table when deleted entries fill it up; at 200k string keys that held
 * the event loop for ~32 ms, every 60k to 300k inserts (measured, Node 20), and every request behind
 * it waited: a p99 outlier. A shard holds a few thousand keys, so each rebuild is small.
 *
 * The shard is a pure function of the key; callers that keep it (`shardOf`) pass it back to skip
 * hashing the key again.
 */
export class ShardedMap<V> {
  private readonly shards: Array<Map<string, V>>;
  private readonly mask: number;
  private count = 0;

  constructor(maxKeys: number) {
    let shards = 1;
    while (shards * MAX_KEYS_PER_SHARD < maxKeys && shards < MAX_SHARDS) shards *= 2;
    this.shards = Array.from({ length: shards }, () => new Map<string, V>());
    this.mask = shards - 1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * The key's shard: FNV-1a over its length and its last HASHED_CHARS UTF-16 code units, where keys
   * of random ids differ (a whole 73-character session key cost ~0.3 µs). Keys made to collide only
   * fill one shard: one big Map, as before sharding, never worse.
   */
  shardOf(key: string): number {
    if (this.mask === 0) return 0;
    let hash = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
    for (let i = Math.max(0, key.length - HASHED_CHARS); i < key.length; i++) {
      hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    }
    return (hash ^ (hash >>> 16)) & this.mask;
  }

  get(key: string, shard = this.shardOf(key)): V | undefined {
    return this.shards[shard]!.get(key);
  }

  set(key: string, value: V, shard = this.shardOf(key)): void {
    const map = this.shards[shard]!;
    const before = map.size;
    map.set(key, value);
    this.count += map.size - before;
  }

  delete(key: string, shard = this.shardOf(key)): boolean {
    const deleted = this.shards[shard]!.delete(key);
    if (deleted) this.count--;
    return deleted;
  }
}
