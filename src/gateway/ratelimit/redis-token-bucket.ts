// The same token bucket, kept in Redis so that every gateway replica shares one budget per key.
// One atomic Lua script per take; it uses the Redis server's clock so replicas with skewed clocks
// still agree, and expires idle buckets once they would have refilled.

import type { Redis } from 'ioredis';
import type { BucketLimits, TakeResult } from './token-bucket.js';

// KEYS[1] bucket hash; ARGV: rate/s, burst. Returns {allowed (0/1), retryAfterMs}.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
else
  local elapsed = now - ts
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(burst, tokens + elapsed * rate / 1000)
end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
`;

export class RedisTokenBuckets {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limits: BucketLimits,
  ) {}

  async take(key: string): Promise<TakeResult> {
    const reply = (await this.redis.eval(
      TAKE_SCRIPT,
      1,
      this.keyPrefix + key,
      String(this.limits.ratePerSecond),
      String(this.limits.burst),
    )) as unknown;
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new Error('unexpected reply from the rate-limit script');
    }
    return { allowed: Number(reply[0]) === 1, retryAfterMs: Number(reply[1]) };
  }
}
