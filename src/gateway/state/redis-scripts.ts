// Lua scripts of the Redis state store. Each runs atomically in Redis, which is what makes
// deduplication, session counting and the series budget exact with several replicas and no sticky
// routing. Timestamps arrive as fixed-width decimal strings and are compared as strings.

/** KEYS: session hash, sessions zset. ARGV: sessionId, nowMs, ttlMs, minSamples, thresholds JSON, intervals JSON. */
export const COMMIT_SESSION_LUA = `
local thresholds = cjson.decode(ARGV[5])
local intervals = cjson.decode(ARGV[6])
local minSamples = tonumber(ARGV[4])
local wmBefore = redis.call('HGET', KEYS[1], 'wm')
local wm = wmBefore
local dup, newStages, newOver, newStageOver = {}, {}, {}, {}
local seen = 0
local function crosses(field, add)
  if add <= 0 then return false end
  local total = redis.call('HINCRBY', KEYS[1], 'a:' .. field, add)
  if total < minSamples then return false end
  return redis.call('HSETNX', KEYS[1], 'c:' .. field, '1') == 1
end
for i, iv in ipairs(intervals) do
  local s, t, stage, above = iv[1], iv[2], iv[3], iv[4]
  if wmBefore and s < wmBefore then
    dup[i] = 1
  else
    dup[i] = 0
    if (not wm) or t > wm then wm = t end
    if redis.call('HSETNX', KEYS[1], 'seen', '1') == 1 then seen = 1 end
    if redis.call('HSETNX', KEYS[1], 'st:' .. stage, '1') == 1 then newStages[#newStages + 1] = stage end
    for j, th in ipairs(thresholds) do
      local a = tonumber(above[j]) or 0
      if crosses(th, a) then newOver[#newOver + 1] = th end
      if crosses(stage .. '|' .. th, a) then newStageOver[#newStageOver + 1] = stage .. '|' .. th end
    end
  end
end
if wm then redis.call('HSET', KEYS[1], 'wm', wm) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return cjson.encode({ dup = dup, seen = seen, stages = newStages, over = newOver, stageOver = newStageOver })
`;

/** KEYS: series zset. ARGV: nowMs, maxSeries, key... → 1 admitted / 0 overflow per key. */
export const ADMIT_SERIES_LUA = `
local res = {}
local card = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[2])
for i = 3, #ARGV do
  local k = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], k) then
    redis.call('ZADD', KEYS[1], 'GT', ARGV[1], k)
    res[#res + 1] = 1
  elseif card < max then
    redis.call('ZADD', KEYS[1], ARGV[1], k)
    card = card + 1
    res[#res + 1] = 1
  else
    res[#res + 1] = 0
  end
end
return res
`;

/** KEYS: active versions set. ARGV: maxVersions, version... → 1 active / 0 not per version. */
export const ADMIT_VERSIONS_LUA = `
local res = {}
local max = tonumber(ARGV[1])
for i = 2, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then
    res[#res + 1] = 1
  elseif redis.call('SCARD', KEYS[1]) < max then
    redis.call('SADD', KEYS[1], ARGV[i])
    res[#res + 1] = 1
  else
    res[#res + 1] = 0
  end
end
return res
`;

/**
 * KEYS: series zset, sessions zset. ARGV: seriesCutoffMs, sessionCutoffMs, maxTrackedSessions,
 * sessionKeyPrefix, maxEvictionsPerRun → { activeSeries, trackedSessions }.
 */
export const HOUSEKEEPING_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local budget = tonumber(ARGV[5])
-- Session hashes also carry a TTL; deleting them here keeps the store consistent with the clock
-- the gateway uses (and frees memory sooner).
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2], 'LIMIT', 0, budget)
for _, sid in ipairs(expired) do
  redis.call('DEL', ARGV[4] .. sid)
  redis.call('ZREM', KEYS[2], sid)
end
budget = budget - #expired
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess > budget then excess = budget end
if excess > 0 then
  local victims = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  for _, sid in ipairs(victims) do redis.call('DEL', ARGV[4] .. sid) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
return { redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]) }
`;

/**
 * KEYS: active versions set, scratch zset, window bucket zsets... ARGV: maxVersions, maxTrackedVersions
 * → the new active versions. Active := top maxVersions by usage; ties keep the currently active.
 */
export const RERANK_VERSIONS_LUA = `
local maxTracked = tonumber(ARGV[2])
local buckets = {}
for i = 3, #KEYS do
  local n = redis.call('ZCARD', KEYS[i])
  if n > maxTracked then redis.call('ZREMRANGEBYRANK', KEYS[i], 0, n - maxTracked - 1) end
  buckets[#buckets + 1] = KEYS[i]
end
redis.call('ZUNIONSTORE', KEYS[2], #buckets, unpack(buckets))
for _, v in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('ZSCORE', KEYS[2], v) then redis.call('ZINCRBY', KEYS[2], 0.5, v) end
end
local top = redis.call('ZREVRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)
redis.call('DEL', KEYS[2])
redis.call('DEL', KEYS[1])
if #top > 0 then redis.call('SADD', KEYS[1], unpack(top)) end
return top
`;
