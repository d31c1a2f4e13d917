// Lua scripts of the Redis state store. Each runs atomically in Redis, which is what makes
// deduplication, session counting and the series budget exact with several replicas and no sticky
// routing. Timestamps arrive as fixed-width decimal strings and are compared as strings.

/**
 * KEYS: session hash, sessions zset. ARGV: sessionId, nowMs, ttlMs, minSamples, thresholds JSON,
 * intervals JSON, commitId, maxZeroWidthStreams. A commit whose id is the session's last one is a
 * replay of a commit whose reply was lost (a command timeout): it gets that reply again instead of
 * all-duplicates.
 */
export const COMMIT_SESSION_LUA = `
if redis.call('HGET', KEYS[1], 'lc') == ARGV[7] then return redis.call('HGET', KEYS[1], 'lr') end
local thresholds = cjson.decode(ARGV[5])
local intervals = cjson.decode(ARGV[6])
local minSamples = tonumber(ARGV[4])
local wmBefore = redis.call('HGET', KEYS[1], 'wm')
local wm = wmBefore
-- Streams whose zero-width interval at the watermark was counted ('zs', a JSON list, valid at time
-- 'zt'): a retry of such an interval starts at the watermark, not before it.
local maxZeroWidth = tonumber(ARGV[8])
local zeroWidthAt = redis.call('HGET', KEYS[1], 'zt')
local zeroWidthBefore, zeroWidthCount = {}, 0
if wmBefore and zeroWidthAt == wmBefore then
  for _, stream in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'zs'))) do
    zeroWidthBefore[stream] = true
    zeroWidthCount = zeroWidthCount + 1
  end
end
local zeroWidthAccepted = {}
local dup, newStages, newOver, newStageOver = {}, {}, {}, {}
local seen = 0
local inCommit = {}
local function crosses(field, add)
  if add <= 0 then return false end
  local total = redis.call('HINCRBY', KEYS[1], 'a:' .. field, add)
  if total < minSamples then return false end
  return redis.call('HSETNX', KEYS[1], 'c:' .. field, '1') == 1
end
for i, iv in ipairs(intervals) do
  local s, t, stage, above = iv[1], iv[2], iv[3], iv[4]
  -- A repeat of an interval within this commit (same stream, start and end) is a duplicate too.
  local identity = iv[5] .. '|' .. s .. '|' .. t
  if (wmBefore and s < wmBefore) or inCommit[identity]
    or (s == wmBefore and t == s and (zeroWidthCount >= maxZeroWidth or zeroWidthBefore[iv[5]])) then
    dup[i] = 1
  else
    inCommit[identity] = true
    dup[i] = 0
    if (not wm) or t > wm then wm = t end
    if s == t then zeroWidthAccepted[#zeroWidthAccepted + 1] = iv end
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
local zeroWidth, listed = {}, {}
if wm == wmBefore then
  for stream in pairs(zeroWidthBefore) do zeroWidth[#zeroWidth + 1] = stream; listed[stream] = true end
end
for _, iv in ipairs(zeroWidthAccepted) do
  if #zeroWidth >= maxZeroWidth then break end
  if iv[2] == wm and not listed[iv[5]] then zeroWidth[#zeroWidth + 1] = iv[5]; listed[iv[5]] = true end
end
if #zeroWidth > 0 then
  redis.call('HSET', KEYS[1], 'zt', wm, 'zs', cjson.encode(zeroWidth))
elseif zeroWidthAt then
  redis.call('HDEL', KEYS[1], 'zt', 'zs')
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
local reply = cjson.encode({ dup = dup, seen = seen, stages = newStages, over = newOver, stageOver = newStageOver })
redis.call('HSET', KEYS[1], 'lc', ARGV[7], 'lr', reply)
return reply
`;

// The series budget: a ZSET of `<cost>|<series key>` members scored by last use (the cost lives in
// the member so that expiry knows what it frees) and a counter of the summed costs, so admission
// is O(1) per key. Both keys share one TTL (seriesIdleTimeoutMs, refreshed by every admission):
// when nothing asked for that long every member is idle anyway. The prelude below recounts the
// total from the members if the counter alone was lost (evicted, deleted), so the two cannot drift.
const SERIES_COST_PRELUDE = `
local function memberCost(member)
  -- Members without a cost prefix (written before costs existed) never entered the counter.
  return tonumber(string.match(member, '^(%d+)|')) or 0
end
local function usedCost(zset, counter)
  if redis.call('EXISTS', zset) == 0 then return 0 end
  local stored = redis.call('GET', counter)
  if stored then return tonumber(stored) end
  local total = 0
  for _, member in ipairs(redis.call('ZRANGE', zset, 0, -1)) do total = total + memberCost(member) end
  return total
end
local function storeUsed(zset, counter, used)
  local ttl = redis.call('PTTL', zset)
  if ttl == -2 then
    redis.call('DEL', counter)
  elseif ttl > 0 then
    redis.call('SET', counter, used, 'PX', ttl)
  else
    redis.call('SET', counter, used)
  end
end
`;

/**
 * KEYS: series zset, used-cost counter. ARGV: nowMs, seriesBudget, ttlMs, then (cost, key) pairs
 * → 1 admitted / 0 overflow per pair. Known → touch; new → admitted while used + cost <= budget.
 */
export const ADMIT_SERIES_LUA = `${SERIES_COST_PRELUDE}
local used = usedCost(KEYS[1], KEYS[2])
local budget = tonumber(ARGV[2])
local res = {}
for i = 4, #ARGV, 2 do
  local cost = tonumber(ARGV[i])
  local member = ARGV[i] .. '|' .. ARGV[i + 1]
  if redis.call('ZSCORE', KEYS[1], member) then
    redis.call('ZADD', KEYS[1], 'GT', ARGV[1], member)
    res[#res + 1] = 1
  elseif used + cost <= budget then
    redis.call('ZADD', KEYS[1], ARGV[1], member)
    used = used + cost
    res[#res + 1] = 1
  else
    res[#res + 1] = 0
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
storeUsed(KEYS[1], KEYS[2], used)
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
 * KEYS: series zset, used-cost counter, sessions zset. ARGV: seriesCutoffMs, sessionCutoffMs,
 * maxTrackedSessions, sessionKeyPrefix, maxEvictionsPerRun → { usedSeries, trackedSessions }.
 * Idle series are removed and their costs subtracted in the same atomic step.
 */
export const HOUSEKEEPING_LUA = `${SERIES_COST_PRELUDE}
local budget = tonumber(ARGV[5])
local used = usedCost(KEYS[1], KEYS[2])
local idle = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, budget)
for _, member in ipairs(idle) do
  used = used - memberCost(member)
  redis.call('ZREM', KEYS[1], member)
end
if used < 0 then used = 0 end
storeUsed(KEYS[1], KEYS[2], used)
budget = budget - #idle
-- Session hashes also carry a TTL; deleting them here keeps the store consistent with the clock
-- the gateway uses (and frees memory sooner).
local expired = {}
if budget > 0 then
  expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2], 'LIMIT', 0, budget)
end
for _, sid in ipairs(expired) do
  redis.call('DEL', ARGV[4] .. sid)
  redis.call('ZREM', KEYS[3], sid)
end
budget = budget - #expired
local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[3])
if excess > budget then excess = budget end
if excess > 0 then
  local victims = redis.call('ZRANGE', KEYS[3], 0, excess - 1)
  for _, sid in ipairs(victims) do redis.call('DEL', ARGV[4] .. sid) end
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1)
end
if redis.call('EXISTS', KEYS[1]) == 0 then used = 0 end
return { used, redis.call('ZCARD', KEYS[3]) }
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
