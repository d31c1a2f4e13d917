// Lua scripts of the Redis state store. Each runs atomically in Redis, which is what makes session
// commits (a compare-and-set of the session record), window closing and the series budget exact with
// several replicas and no sticky routing.

// A replica's journal (see JournaledStore): a LIST of `<seq>|<entry JSON>` in seq order and the
// counter that numbers them; both share one TTL, refreshed by every append.
const JOURNAL_PRELUDE = `
local function journal(list, counter, entry, ttl)
  local seq = redis.call('INCR', counter)
  redis.call('RPUSH', list, seq .. '|' .. entry)
  redis.call('PEXPIRE', list, ttl)
  redis.call('PEXPIRE', counter, ttl)
  return seq
end
`;

/**
 * The compare-and-set of a session record (the session logic runs in TypeScript, session-record.ts,
 * between a read and this write). KEYS: session hash, sessions zset, open-windows zset, journal
 * list, journal counter. ARGV: expected version ('' = no record), new version (unique per write),
 * record JSON, id field, reply field, change id, reply JSON, last-seen ms ('' = not seen now), ttlMs,
 * session key, close ms of its open window ('' = none), journal entry ('' = none), journal-seq field
 * → {0} the record changed since it was read / {1, seq} written (seq 0 = not journaled). The change's
 * id, reply and journal seq stay with the record: a change retried after a command timeout finds
 * them there instead of being decided again.
 */
export const CAS_SESSION_LUA = `${JOURNAL_PRELUDE}
if (redis.call('HGET', KEYS[1], 'v') or '') ~= ARGV[1] then return {0} end
local seq = 0
if ARGV[12] ~= '' then seq = journal(KEYS[4], KEYS[5], ARGV[12], ARGV[9]) end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'rec', ARGV[3], ARGV[4], ARGV[6], ARGV[5], ARGV[7], ARGV[13], seq)
redis.call('PEXPIRE', KEYS[1], ARGV[9])
if ARGV[8] ~= '' then redis.call('ZADD', KEYS[2], ARGV[8], ARGV[10]) end
if ARGV[11] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[11], ARGV[10])
else
  redis.call('ZREM', KEYS[3], ARGV[10])
end
return {1, seq}
`;

/**
 * KEYS: forgotten-records list, journal list, journal counter. ARGV: max records, journal ttlMs ('' =
 * no journal) → {seq of the last, records...}: pops the records of forgotten sessions (their open
 * windows to close) and journals each in the same step (seq 0 = not journaled).
 */
export const POP_FORGOTTEN_LUA = `${JOURNAL_PRELUDE}
local records = redis.call('LPOP', KEYS[1], ARGV[1])
if not records then return {0} end
local seq = 0
if ARGV[2] ~= '' then
  for _, record in ipairs(records) do
    seq = journal(KEYS[2], KEYS[3], '{"k":"f","rec":' .. record .. '}', ARGV[2])
  end
end
return {seq, unpack(records)}
`;

/** KEYS: journal list. ARGV: seq → entries dropped: every entry numbered up to seq. */
export const TRIM_JOURNAL_LUA = `
local through = tonumber(ARGV[1])
local dropped = 0
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head or tonumber(string.match(head, '^(%d+)|')) > through then return dropped end
  redis.call('LPOP', KEYS[1])
  dropped = dropped + 1
end
`;

/** KEYS: session hash, open-windows zset. ARGV: session key. Drops the entry of a record that expired. */
export const DROP_MISSING_WINDOW_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1
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
 * KEYS: series zset, used-cost counter, sessions zset, open-windows zset, forgotten-records list.
 * ARGV: seriesCutoffMs, sessionCutoffMs, maxTrackedSessions, sessionKeyPrefix, maxEvictionsPerRun
 * → { usedSeries, trackedSessions, openWindows }. Idle series are removed and their costs subtracted
 * in the same atomic step. A forgotten session with an open window leaves its record on the list,
 * where closeDueWindows closes that window (LPOP: once across replicas).
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
local function forget(sid)
  local hash = ARGV[4] .. sid
  if redis.call('ZREM', KEYS[4], sid) == 1 then
    local rec = redis.call('HGET', hash, 'rec')
    if rec then redis.call('RPUSH', KEYS[5], rec) end
  end
  redis.call('DEL', hash)
end
-- Session hashes also carry a TTL; deleting them here keeps the store consistent with the clock
-- the gateway uses (and frees memory sooner).
local expired = {}
if budget > 0 then
  expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2], 'LIMIT', 0, budget)
end
for _, sid in ipairs(expired) do
  forget(sid)
  redis.call('ZREM', KEYS[3], sid)
end
budget = budget - #expired
local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[3])
if excess > budget then excess = budget end
if excess > 0 then
  local victims = redis.call('ZRANGE', KEYS[3], 0, excess - 1)
  for _, sid in ipairs(victims) do forget(sid) end
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1)
end
if redis.call('EXISTS', KEYS[1]) == 0 then used = 0 end
return { used, redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[4]) }
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
