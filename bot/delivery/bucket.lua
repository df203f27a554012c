-- One send slot under every limit at once, decided atomically for every process.
--
-- KEYS[1] the global schedule (string: the next free slot, Redis clock, microseconds)
-- KEYS[2] the flood pause (string with expiry, set after a 429)
-- KEYS[3] this chat's pace (string: earliest instant its next message may go)
-- ARGV[1] microseconds between two sends overall (1e6 / rate)
-- ARGV[2] microseconds between two sends to this chat (1 s private, 3 s group)
-- ARGV[3] how far ahead a slot may be reserved, microseconds
--
-- Returns {verdict, wait_us}:
--   0 granted: send after wait_us (the reserved slot; the schedule moved past it)
--   1 flood pause: nothing may be sent for wait_us
--   2 chat not ready: this chat may not get a message for wait_us (defer the task)
--   3 busy: every slot within the horizon is taken; ask again after wait_us
-- This is GCRA (a token bucket with a burst of one, as a schedule): slots are spaced
-- exactly 1/rate apart, so no second ever holds more than the rate.
if redis.replicate_commands then redis.replicate_commands() end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local pace = tonumber(ARGV[2])
local horizon = tonumber(ARGV[3])

local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  return {1, paused * 1000}
end

local ready = tonumber(redis.call('GET', KEYS[3]) or '0')
if ready > now then
  return {2, ready - now}
end

local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then
  slot = now
end
if slot - now > horizon then
  return {3, slot - now - horizon}
end

local keep_ms = math.floor((slot - now + interval) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', keep_ms)
local pace_ms = math.floor((slot - now + pace) / 1000) + 1
redis.call('SET', KEYS[3], string.format('%.0f', slot + pace), 'PX', pace_ms)
return {0, slot - now}
