import type { RedisClient } from './connection';

/** Current Redis server time in ms; scripts use it so node clocks never matter for Redis-side state. */
const NOW = `local __t = redis.call('TIME'); local now = tonumber(__t[1]) * 1000 + math.floor(tonumber(__t[2]) / 1000)`;

/** The cache's epoch (KEYS[4]), created from the candidate `ARGV[n]` when Redis has none (first use, or data lost). */
const epochFrom = (candidate: string) => `local epoch = redis.call('GET', KEYS[4])
if not epoch then epoch = ${candidate}; redis.call('SET', KEYS[4], epoch) end`;

/**
 * Restored entries are ordered by their write time shifted below zero, so they sort before every live
 * write of the epoch (whose order score is its positive seq) and among themselves oldest first.
 */
const RESTORED_ORDER_OFFSET = 1e13;

const SCRIPTS = {
  /** KEYS: members. ARGV: nodeId, memberTimeoutMs, purgeAfterMs. Returns live member ids. */
  aimHeartbeat: {
    numberOfKeys: 1,
    lua: `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[2]), '+inf')`,
  },
  /**
   * KEYS: the channel (not read as a key: it carries the namespace hash tag, so Redis Cluster runs
   * every publish of a namespace on the one master of its slot). ARGV: message. A plain PUBLISH
   * has no key, and ioredis sends it to any master; two publishes from one node could then reach
   * a subscriber out of order through the cluster bus.
   */
  aimPublish: {
    numberOfKeys: 1,
    lua: `return redis.call('PUBLISH', KEYS[1], ARGV[1])`,
  },
  /** KEYS: members. ARGV: nodeId, control channel, message. */
  aimLeave: {
    numberOfKeys: 1,
    lua: `redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`,
  },
  /**
   * KEYS: lease, token counter, quarantine. ARGV: nodeId, leaseMs, highest token this node has seen.
   * Takes a free lease (or replaces one this node gave up) with a new token, which is never
   * below one already seen, even if Redis lost the counter. A counter missing although a token
   * was seen means Redis lost its data: a missing lease then proves nothing, as its last holder
   * may still be senior until its own deadline, so nobody takes it for one lease time (the
   * quarantine). Returns {1, lease value} when taken, else {0, current lease value or nil, ms to wait}.
   */
  aimAcquireLease: {
    numberOfKeys: 3,
    lua: `local current = redis.call('GET', KEYS[1])
if current then
  local holder = cjson.decode(current)
  if holder.node ~= ARGV[1] then return {0, current, redis.call('PTTL', KEYS[1])} end
end
local floor = tonumber(ARGV[3])
if floor > 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], floor)
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[2], 'NX')
end
local quarantineMs = redis.call('PTTL', KEYS[3])
if quarantineMs > 0 then return {0, false, quarantineMs} end
local token = redis.call('INCR', KEYS[2])
if token <= floor then token = floor + 1; redis.call('SET', KEYS[2], token) end
local value = cjson.encode({node = ARGV[1], token = token})
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return {1, value}`,
  },
  /** KEYS: lease. ARGV: own lease value, leaseMs. 1 when renewed, 0 when the lease is not ours any more. */
  aimRenewLease: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
return 0`,
  },
  /** KEYS: lease. ARGV: own lease value, control channel, message. Deletes only our own lease. */
  aimReleaseLease: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1]); redis.call('PUBLISH', ARGV[2], ARGV[3]); return 1
end
return 0`,
  },
  /**
   * KEYS: hash, order (zset key -> seq), seq counter, epoch, seniority lease.
   * ARGV: op, key, valueJson, origin, writeId, maxEntries (0 = none), ttlMs (0 = none), channel, candidate epoch,
   * fence (0 = none). A fenced write lands only while the lease it was made under is the current one: when the
   * lease key is gone (expired, or lost with Redis's data) or holds another token the write is refused, changing
   * nothing, and the script returns {0, ''}.
   * Hash values are {"t": written at (ms), "o": origin node, "v": value}, "v" always last. Expired entries at the head
   * of the order are pruned first, the write applied, then the oldest written entries beyond maxEntries evicted;
   * the change is published with its epoch and sequence number in the same atomic step. Returns {seq, epoch}.
   */
  aimCacheWrite: {
    numberOfKeys: 5,
    lua: `local fence = tonumber(ARGV[10])
if fence > 0 then
  local lease = redis.call('GET', KEYS[5])
  if not lease or tonumber(cjson.decode(lease).token) ~= fence then return {0, ''} end
end
${NOW}
${epochFrom('ARGV[9]')}
local op, key, origin = ARGV[1], ARGV[2], ARGV[4]
local maxEntries, ttl = tonumber(ARGV[6]), tonumber(ARGV[7])
local removed = {}
if ttl > 0 then
  for _ = 1, 100 do
    local head = redis.call('ZRANGE', KEYS[2], 0, 0)
    if #head == 0 then break end
    local stored = redis.call('HGET', KEYS[1], head[1])
    local writtenAt = 0
    if stored then writtenAt = cjson.decode(stored).t end
    if writtenAt + ttl > now then break end
    redis.call('HDEL', KEYS[1], head[1]); redis.call('ZREM', KEYS[2], head[1])
    table.insert(removed, head[1])
  end
end
local seq = redis.call('INCR', KEYS[3])
if op == 'set' then
  redis.call('HSET', KEYS[1], key, '{"t":' .. now .. ',"o":' .. cjson.encode(origin) .. ',"v":' .. ARGV[3] .. '}')
  redis.call('ZADD', KEYS[2], seq, key)
  if maxEntries > 0 then
    local over = redis.call('ZCARD', KEYS[2]) - maxEntries
    if over > 0 then
      for _, victim in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
        redis.call('HDEL', KEYS[1], victim); redis.call('ZREM', KEYS[2], victim)
        table.insert(removed, victim)
      end
    end
  end
elseif op == 'delete' then
  redis.call('HDEL', KEYS[1], key); redis.call('ZREM', KEYS[2], key)
else
  redis.call('DEL', KEYS[1], KEYS[2])
end
local change = {epoch = epoch, seq = seq, origin = origin, writeId = tonumber(ARGV[5]), op = op, removed = removed}
if op ~= 'clear' then change.key = key end
if op == 'set' then change.value = ARGV[3] end
redis.call('PUBLISH', ARGV[8], cjson.encode(change))
return {seq, epoch}`,
  },
  /** KEYS: hash, order, seq, epoch. ARGV: candidate epoch. Returns {seq, now, epoch, {field, value, ...}} in order of writing. */
  aimCacheLoad: {
    numberOfKeys: 4,
    lua: `${NOW}
${epochFrom('ARGV[1]')}
local seq = tonumber(redis.call('GET', KEYS[3]) or '0')
local flat = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local stored = redis.call('HGET', KEYS[1], key)
  if stored then table.insert(flat, key); table.insert(flat, stored) end
end
return {seq, now, epoch, flat}`,
  },
  /**
   * KEYS: hash, order, seq, epoch. ARGV: channel, origin, candidate epoch, maxEntries (0 = none), then
   * key, valueJson, ageMs triples. Merges a node's copy back into a cache Redis lost, deterministically:
   * an entry written live in the current epoch always wins; among restored copies the most recently
   * written value wins, ties broken by the larger JSON text. Restored entries are ordered before live
   * ones (they are older). When anything changed, bumps seq and publishes a resync request.
   * Returns {1|0 changed, epoch}.
   */
  aimCacheReseed: {
    numberOfKeys: 4,
    lua: `${NOW}
${epochFrom('ARGV[3]')}
local maxEntries = tonumber(ARGV[4])
local changed = 0
for i = 5, #ARGV, 3 do
  local key, valueJson, writtenAt = ARGV[i], ARGV[i + 1], now - tonumber(ARGV[i + 2])
  local take = true
  local stored = redis.call('HGET', KEYS[1], key)
  if stored then
    local current = cjson.decode(stored)
    local currentJson = string.match(stored, ',"v":(.*)}$')
    if not current.r or currentJson == valueJson then take = false
    elseif writtenAt < current.t or (writtenAt == current.t and valueJson < currentJson) then take = false end
  end
  if take then
    redis.call('HSET', KEYS[1], key, '{"t":' .. writtenAt .. ',"o":' .. cjson.encode(ARGV[2]) .. ',"r":1,"v":' .. valueJson .. '}')
    redis.call('ZADD', KEYS[2], writtenAt - ${RESTORED_ORDER_OFFSET}, key)
    changed = 1
  end
end
if maxEntries > 0 then
  local over = redis.call('ZCARD', KEYS[2]) - maxEntries
  if over > 0 then
    for _, victim in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
      redis.call('HDEL', KEYS[1], victim); redis.call('ZREM', KEYS[2], victim)
    end
    changed = 1
  end
end
if changed == 1 then
  redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[1], cjson.encode({op = 'resync', epoch = epoch}))
end
return {changed, epoch}`,
  },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Registers the scripts on a client (EVALSHA with automatic EVAL fallback). */
export function defineScripts(client: RedisClient): void {
  for (const [name, script] of Object.entries(SCRIPTS)) client.defineCommand(name, script);
}

/** Runs a script registered by `defineScripts`. */
export function runScript(client: RedisClient, name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown> {
  const command = (client as unknown as Record<ScriptName, (...params: Array<string | number>) => Promise<unknown>>)[name];
  return command.call(client, ...keys, ...args);
}
