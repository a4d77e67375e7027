"""The Lua scripts of the Redis backend: each queue and lock operation runs as one script, so it is atomic
against every other instance sharing the server.

Why sorted sets rather than Redis Streams: the backend contract keeps time in the caller's hands (leases,
delays and retries are wall-clock seconds passed in, never read by the store, so tests drive time and a
restart means the same thing), while a stream's pending-entry idle times are the server's clock. A sorted
set per subscriber scored by `visible_at` expresses claim, lease, retry and delay directly, and a list per
FIFO group keeps its order; only a group's head is in the subscriber's set, so the rest wait without being
looked at, on any instance.

Every key a script touches is named by the Python side (stored in the message's hash where a later script
needs it), so the scripts build no key names; they assume one Redis server, not a cluster.

A message's hash: `payload`, `trace`, `enq`, `gid`, `fifo` (the `g`/`f` flags say whether the last two are
set, since "" is a valid FIFO group), `attempts`, `receipt` ("" when not claimed), `visible_at`, and the
keys of its `ready` set, its consumer's `ids` set and its FIFO `line`. Sorted-set members are ids padded to
20 digits so that equal scores come out oldest first.
"""

from __future__ import annotations

# Shared helpers, prepended to the scripts that need them.
_PRELUDE = """
local function pad(id) return string.format('%020d', tonumber(id)) end

-- Tell the instances waiting on a subscriber (the tokens in its idle set, see CLAIM) that it has a new
-- message, once each: they register again when a pass finds nothing. `origin` is skipped, having woken its
-- own consumers already; `wakes` collects channel → topic, published when the script ends.
local function wake(prefix, idle, topic, origin, wakes)
  local waiting = redis.call('SMEMBERS', idle)
  if #waiting == 0 then return end
  redis.call('DEL', idle)
  for _, token in ipairs(waiting) do
    if token ~= origin then wakes[prefix .. 'queue-events:' .. token] = topic end
  end
end

local function publish(wakes)
  for channel, topic in pairs(wakes) do redis.call('PUBLISH', channel, topic) end
end

-- The fields of one message, from ARGV[i] on (`FIELDS` of them): topic, subscriber, payload (JSON text),
-- trace, visible_at, enqueued_at (both as exact decimal text: a Lua number would round them), gid and fifo
-- ('' for none, else '=' and the value: '' is a valid group), ready key, ids key, line key ('' for none),
-- consumer ('' when the instance registered it already), idle key, claim_until ('' for none: else claim
-- it for the enqueuing instance). Flat arguments rather than a JSON array: decoding costs the server more
-- than the rest of a small message's script.
local FIELDS = 14

local function store(prefix, a, i, origin, wakes)
  -- Returns the id, and the receipt when it was claimed here.
  local id = tostring(redis.call('INCR', prefix .. 'q:seq'))
  local key = prefix .. 'q:msg:' .. id
  local line = a[i + 10]
  local ready = line == ''
  if not ready then
    ready = redis.call('RPUSH', line, id) == 1
  end
  local visible, attempts, receipt = a[i + 4], 0, ''
  if ready and a[i + 13] ~= '' and tonumber(a[i + 4]) <= tonumber(a[i + 5]) then
    -- The first claim of a message can only be this one: its receipt needs no counter.
    visible, attempts, receipt = a[i + 13], 1, 'h' .. id
  end
  local gid, fifo = a[i + 6], a[i + 7]
  redis.call('HSET', key, 'topic', a[i], 'subscriber', a[i + 1], 'payload', a[i + 2], 'trace', a[i + 3],
    'visible_at', visible, 'enq', a[i + 5], 'attempts', attempts, 'receipt', receipt, 'ready', a[i + 8],
    'ids', a[i + 9], 'g', gid == '' and 0 or 1, 'gid', gid:sub(2), 'f', fifo == '' and 0 or 1,
    'fifo', fifo:sub(2), 'line', line)
  redis.call('SADD', a[i + 9], id)
  if a[i + 11] ~= '' then redis.call('SADD', prefix .. 'q:consumers', a[i + 11]) end
  if not ready then return id, false end
  redis.call('ZADD', a[i + 8], visible, pad(id))
  if receipt ~= '' then return id, receipt end
  wake(prefix, a[i + 12], a[i], origin, wakes)
  return id, false
end

local function held(prefix, id, receipt)
  local key = prefix .. 'q:msg:' .. id
  local current = redis.call('HGET', key, 'receipt')
  if current == false or current == '' or current ~= receipt then return nil end
  return key
end

local function remove(prefix, id, key, ready, ids, line)
  if ready == nil then
    ready, ids, line = unpack(redis.call('HMGET', key, 'ready', 'ids', 'line'))
  end
  redis.call('ZREM', ready, pad(id))
  redis.call('SREM', ids, id)
  redis.call('DEL', key)
  if line ~= '' then
    redis.call('LREM', line, 1, id)
    local head = redis.call('LINDEX', line, 0)
    if head then
      local visible = redis.call('HGET', prefix .. 'q:msg:' .. head, 'visible_at')
      redis.call('ZADD', ready, visible, pad(head))
    end
  end
end

-- Remove a message if `receipt` still holds it (`held` and `remove` in one read, the ack's hot path).
local function acked(prefix, id, receipt)
  local key = prefix .. 'q:msg:' .. id
  local current, ready, ids, line = unpack(redis.call('HMGET', key, 'receipt', 'ready', 'ids', 'line'))
  if current == false or current == '' or current ~= receipt then return false end
  remove(prefix, id, key, ready, ids, line)
  return true
end
"""

# ARGV: prefix, the enqueuing instance's token, then per message its fields (see `store`). Returns
# {id, receipt|false} per message. Instances waiting on a subscriber of a message are told on their own
# channel (`wake`), unless it was claimed here for the enqueuing instance.
ENQUEUE = (
    _PRELUDE
    + """
local out, wakes = {}, {}
for i = 3, #ARGV, FIELDS do
  local id, receipt = store(ARGV[1], ARGV, i, ARGV[2], wakes)
  out[#out + 1] = {id, receipt}
end
publish(wakes)
return out
"""
)

# KEYS: the ready set, its idle set. ARGV: prefix, now, lease_until, limit, the instance's token, then id,
# receipt pairs to ack first. Returns the claimed rows and the earliest score later than `now` once they
# are claimed (the consumer's next look), or false. When nothing claimable is left, the instance's token
# goes into the idle set: the next message for this subscriber wakes it (`wake`), whoever enqueues it.
CLAIM = (
    _PRELUDE
    + """
local prefix = ARGV[1]
for i = 6, #ARGV, 2 do
  local key = held(prefix, ARGV[i], ARGV[i + 1])
  if key then remove(prefix, ARGV[i], key) end
end
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, member in ipairs(members) do
  local id = tostring(tonumber(member))
  local key = prefix .. 'q:msg:' .. id
  local attempts = redis.call('HINCRBY', key, 'attempts', 1)
  local receipt = tostring(redis.call('INCR', prefix .. 'q:receipts'))
  redis.call('HSET', key, 'receipt', receipt, 'visible_at', ARGV[3])
  redis.call('ZADD', KEYS[1], ARGV[3], member)
  local fields = redis.call('HMGET', key, 'payload', 'trace', 'enq', 'g', 'gid', 'f', 'fifo')
  out[#out + 1] = {id, attempts, receipt, fields[1], fields[2], fields[3], fields[4], fields[5],
    fields[6], fields[7]}
end
if #redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, 1) == 0 then
  redis.call('SADD', KEYS[2], ARGV[5])
end
local after = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {out, after[2] or false}
"""
)

# ARGV: prefix, then id, receipt pairs. Returns how many were held.
ACK = (
    _PRELUDE
    + """
local count = 0
for i = 2, #ARGV, 2 do
  if acked(ARGV[1], ARGV[i], ARGV[i + 1]) then count = count + 1 end
end
return count
"""
)

# ARGV: prefix, id, receipt, visible_at, attempts to add back (1 for a release, 0 for a retry).
RETRY = (
    _PRELUDE
    + """
local key = held(ARGV[1], ARGV[2], ARGV[3])
if not key then return 0 end
redis.call('HSET', key, 'receipt', '', 'visible_at', ARGV[4])
if ARGV[5] == '1' then redis.call('HINCRBY', key, 'attempts', -1) end
redis.call('ZADD', redis.call('HGET', key, 'ready'), ARGV[4], pad(ARGV[2]))
return 1
"""
)

# ARGV: prefix, id, receipt, reason, now. Returns the dead letter's id, or false.
DEAD_LETTER = (
    _PRELUDE
    + """
local prefix, id = ARGV[1], ARGV[2]
local key = held(prefix, id, ARGV[3])
if not key then return false end
local f = redis.call('HMGET', key, 'topic', 'subscriber', 'payload', 'trace', 'attempts', 'enq', 'g',
  'gid', 'f', 'fifo')
remove(prefix, id, key)
redis.call('HSET', prefix .. 'dlq:' .. id, 'topic', f[1], 'subscriber', f[2], 'payload', f[3],
  'trace', f[4], 'reason', ARGV[4], 'attempts', f[5], 'failed_at', ARGV[5], 'enq', f[6], 'g', f[7],
  'gid', f[8], 'f', f[9], 'fifo', f[10])
redis.call('ZADD', prefix .. 'dlq', ARGV[5], pad(id))
return id
"""
)

# ARGV: prefix, dead letter id, the caller's token, the message to store in its place (its fields, see
# `store`).
# Returns the new id, or false when the dead letter is gone (replayed by another instance meanwhile).
REPLAY = (
    _PRELUDE
    + """
local key = ARGV[1] .. 'dlq:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return false end
redis.call('DEL', key)
redis.call('ZREM', ARGV[1] .. 'dlq', pad(ARGV[2]))
local wakes = {}
local id = store(ARGV[1], ARGV, 4, ARGV[3], wakes)
publish(wakes)
return id
"""
)

# KEYS: the lock. ARGV: owner, until, now, milliseconds to keep the key.
LOCK = """
local current = redis.call('HMGET', KEYS[1], 'owner', 'until')
if current[1] and current[1] ~= ARGV[1] and tonumber(current[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'until', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS: the records hash, the namespace's group set. ARGV: field, group. Returns the old value or false.
DELETE_RECORD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return old
"""
