// The same token buckets, kept in Redis so that every gateway replica shares one budget per key.
// One atomic Lua script takes from all of a request's buckets in one round trip; it uses the Redis
// server's clock so replicas with skewed clocks still agree, and expires idle buckets once they
// would have refilled.

import type { Redis } from 'ioredis';
import type { BucketLimits } from './token-bucket.js';

// KEYS: bucket hashes, in order. ARGV: rate/s and burst of each bucket, in the same order.
// Takes one token from each bucket in turn and stops at the first that has none (later buckets are
// not charged). Returns {0, 0} when all allowed, else {1-based index of the refusing bucket, retryAfterMs}.
const TAKE_IN_ORDER_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', KEYS[i], 't', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil or ts == nil then
    tokens = burst
  else
    local elapsed = now - ts
    if elapsed < 0 then elapsed = 0 end
    tokens = math.min(burst, tokens + elapsed * rate / 1000)
  end
  local allowed = tokens >= 1
  if allowed then tokens = tokens - 1 end
  redis.call('HSET', KEYS[i], 't', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil(burst * 1000 / rate) + 1000)
  if not allowed then return {i, math.ceil((1 - tokens) * 1000 / rate)} end
end
return {0, 0}
`;

/** One bucket a request must take a token from: its key (without prefix) and its limits. */
export interface BucketTake {
  key: string;
  limits: BucketLimits;
}

/** undefined: every bucket gave a token; else the index (0-based) of the first that refused. */
export type TakeInOrderResult = { refusedIndex: number; retryAfterMs: number } | undefined;

type TakeInOrderCommand = (numberOfKeys: number, ...args: string[]) => Promise<unknown>;

export class RedisTokenBuckets {
  private readonly takeInOrderCommand: TakeInOrderCommand;

  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
  ) {
    // defineCommand sends EVALSHA (the script body once, then only its hash).
    if (!('filesfuTakeTokens' in redis))
      redis.defineCommand('filesfuTakeTokens', { lua: TAKE_IN_ORDER_SCRIPT });
    const command = (redis as unknown as Record<string, TakeInOrderCommand>)['filesfuTakeTokens'];
    if (!command) throw new Error('redis script filesfuTakeTokens not defined');
    this.takeInOrderCommand = command.bind(redis);
  }

  async takeInOrder(takes: readonly BucketTake[]): Promise<TakeInOrderResult> {
    const keys = takes.map((take) => this.keyPrefix + take.key);
    const limits = takes.flatMap((take) => [String(take.limits.ratePerSecond), String(take.limits.burst)]);
    const reply = await this.takeInOrderCommand(keys.length, ...keys, ...limits);
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new Error('unexpected reply from the rate-limit script');
    }
    const refused = Number(reply[0]);
    return refused === 0 ? undefined : { refusedIndex: refused - 1, retryAfterMs: Number(reply[1]) };
  }
}
