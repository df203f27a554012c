-- Send slots under every limit at once, decided atomically for every process, for one
-- or several messages (each to its own chat) asked for together, in the order given; for
-- a message that needs it, first the ledger claim of its delivery and the reader's record,
-- so one round trip does what three did, and a slot goes only to a granted claim of an
-- active reader.
--
-- KEYS[1] the global schedule (string: the next free slot, Redis clock, microseconds)
-- KEYS[2] the flood pause (string with expiry, set after a 429)
-- KEYS[3] the adaptive rate (hash: rate, knee, at, above: when the rate reached the knee;
--         absent while at the configured rate)
-- KEYS[4] the sends of the last seconds (sorted set: slot instant -> when the receiver
--         may have counted it, the slot's instant unless a sender reported it later)
-- KEYS[4+3i-2] the pace of message i's chat (string: earliest instant its next message may
--         go); KEYS[4+3i-1] its ledger hash (sent:{date}) and KEYS[4+3i] its reader's
--         record (sub:{chat}), both unused (any key) for a message that claims nothing
-- ARGV[1] the configured rate (messages per second)
-- ARGV[2] how far ahead a slot may be reserved, microseconds
-- ARGV[3] the safety margin (a fraction: slots are 1 / (rate * (1 - margin)) apart)
-- ARGV[4] how fast the rate climbs back below the knee, and ARGV[5] above it at first
--         (both a fraction of the configured rate per second); ARGV[6] the seconds in
--         which the climb above the knee doubles its speed
-- ARGV[7] at most this many sends in any second, as counted (the configured rate; 0: off)
-- ARGV[8] microseconds added to that second (room for the receiver's own jitter)
-- ARGV[9..12] the claimer, now (epoch seconds), a claim older than this is stale (s),
--         the ledger's retention (s): the claim rule's arguments
-- ARGV[12+3i-2] microseconds between two sends to message i's chat (1 s private, 3 s
--         group); ARGV[12+3i-1] the chat; ARGV[12+3i] what to do first: 0 nothing,
--         1 claim, 2 claim and read the reader's record
--
-- Returns {verdict, wait_us, claimed, entry, record} per message, flattened into one list
-- (claimed: 1 granted, 0 refused, -1 not asked; entry: the ledger entry now stored, or '';
-- record: the reader's fields as a flat list, or empty), then the effective rate in
-- thousandths of a message per second, then Redis's clock (microseconds) when it decided,
-- so a granted slot's instant is that clock plus wait_us:
--   0 granted: send after wait_us (the reserved slot; the schedule moved past it)
--   1 flood pause: nothing may be sent for wait_us
--   2 chat not ready: this chat may not get a message for wait_us (defer the task)
--   3 busy: every slot within the horizon is taken; ask again after wait_us
--   4 not claimed: another sender holds the delivery, or it was sent (see entry)
--   5 not active: the reader has no record or is not active (no slot taken)
-- Slots are GCRA (a token bucket with a burst of one, as a schedule) at the effective
-- rate less the margin: any rate+1 consecutive slots span 1 / (1 - margin) seconds, so a
-- message may leave up to margin seconds late (or the next one early) and still no
-- one-second window on the receiver's clock holds more than the rate.
-- The effective rate is the configured one until a 429 lowers it (flood.lua); then it
-- climbs back while no 429 comes: quickly up to the knee (just under the rate at which the
-- 429 came), then slowly, faster and faster, probing for the real limit without hitting
-- it every second.
if redis.replicate_commands then redis.replicate_commands() end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local configured = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local margin = tonumber(ARGV[3])
local count = (#KEYS - 4) / 3
local out = {}

local rate = configured
local adapted = redis.call('HMGET', KEYS[3], 'rate', 'knee', 'at', 'above')
if adapted[1] then
  rate = math.min(configured, tonumber(adapted[1]))
  local knee = math.min(configured, tonumber(adapted[2]))
  local at, above = tonumber(adapted[3]), tonumber(adapted[4])
  if redis.call('PTTL', KEYS[2]) <= 0 and now > at then
    if not above then
      -- Quickly back up to the knee: the rate that drew the last 429, less a little.
      local fast = configured * tonumber(ARGV[4])
      local reach = at + (knee - rate) / fast * 1000000
      if now < reach then
        rate = rate + fast * (now - at) / 1000000
      else
        rate, above = knee, reach
      end
    end
    if above then
      -- Above the knee, probe for more: slowly at first, twice as fast every ARGV[6]
      -- seconds without a 429 (a real limit that went back up is found again).
      local probe = tonumber(ARGV[6])
      local grown = (2 ^ ((now - above) / 1000000 / probe) - 1) * probe / math.log(2)
      rate = math.min(configured, knee + configured * tonumber(ARGV[5]) * grown)
    end
  end
  if rate >= configured then
    redis.call('DEL', KEYS[3])
  else
    redis.call('HSET', KEYS[3], 'rate', tostring(rate), 'at', string.format('%.0f', now))
    if above then
      redis.call('HSET', KEYS[3], 'above', string.format('%.0f', above))
    end
    redis.call('PEXPIRE', KEYS[3], 3600000)
  end
end
local scaled = math.floor(rate * 1000)

local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  for i = 1, count do
    out[5 * i - 4], out[5 * i - 3] = 1, paused * 1000
    out[5 * i - 2], out[5 * i - 1], out[5 * i] = -1, '', {}
  end
  out[5 * count + 1], out[5 * count + 2] = scaled, now
  return out
end

local interval = 1000000 / (rate * (1 - margin))
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then
  slot = now
end
-- Whatever the schedule says, a slot is never earlier than one second (plus the guard)
-- after the window-th latest send, as counted: a send the receiver may have counted late
-- (it left late, or its answer came late) is reported (departed.lua), and the slots a
-- second after it move back accordingly.
local window, guard = tonumber(ARGV[7]), tonumber(ARGV[8])
local function after_window(at)
  if window < 1 then
    return at
  end
  local nth = redis.call('ZREVRANGE', KEYS[4], window - 1, window - 1, 'WITHSCORES')
  if nth[2] then
    return math.max(at, tonumber(nth[2]) + 1000000 + guard)
  end
  return at
end

-- The ledger's claim rule (shared/claim_rule.lua), with this script's arguments.
--#include claim_rule
local claimer, claimed_at = ARGV[9], tonumber(ARGV[10])
local stale_after, retention = tonumber(ARGV[11]), ARGV[12]
local function claim(key, chat)
  local granted, entry = claim_delivery(key, chat, claimer, claimed_at, stale_after)
  if granted == 1 then
    redis.call('EXPIRE', key, retention)
  end
  return granted, entry
end

local taken = false
for i = 1, count do
  local pace_key, ledger_key, record_key = KEYS[2 + 3 * i], KEYS[3 + 3 * i], KEYS[4 + 3 * i]
  local pace, chat, mode = tonumber(ARGV[10 + 3 * i]), ARGV[11 + 3 * i], tonumber(ARGV[12 + 3 * i])
  local claimed, entry, record = -1, '', {}
  local verdict, wait = nil, 0
  if mode >= 1 then
    claimed, entry = claim(ledger_key, chat)
    if claimed == 0 then
      verdict = 4
    elseif mode == 2 then
      record = redis.call('HGETALL', record_key)
      local active = false
      for f = 1, #record, 2 do
        if record[f] == 'status' then
          active = record[f + 1] == 'active'
        end
      end
      if not active then
        verdict = 5
      end
    end
  end
  if verdict == nil then
    local ready = tonumber(redis.call('GET', pace_key) or '0')
    if ready > now then
      verdict, wait = 2, ready - now
    else
      slot = after_window(slot)
      if slot - now > horizon then
        verdict, wait = 3, math.floor(slot - now - horizon)
      else
        local at = math.floor(slot)
        local pace_ms = math.floor((at - now + pace) / 1000) + 1
        redis.call('SET', pace_key, string.format('%.0f', at + pace), 'PX', pace_ms)
        redis.call('ZADD', KEYS[4], at, string.format('%.0f', at))
        verdict, wait = 0, at - now
        slot = slot + interval
        taken = true
      end
    end
  end
  out[5 * i - 4], out[5 * i - 3] = verdict, wait
  out[5 * i - 2], out[5 * i - 1], out[5 * i] = claimed, entry, record
end
if taken then
  local keep_ms = math.floor((slot - now) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.0f', slot), 'PX', keep_ms)
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 2000000)
  redis.call('PEXPIRE', KEYS[4], keep_ms + 2000)
end
out[5 * count + 1], out[5 * count + 2] = scaled, now
return out
