-- Send slots under every limit at once, decided atomically for every process, for one
-- or several messages (each to its own chat) asked for together, in the order given.
--
-- KEYS[1] the global schedule (string: the next free slot, Redis clock, microseconds)
-- KEYS[2] the flood pause (string with expiry, set after a 429)
-- KEYS[2+i] the pace of message i's chat (string: earliest instant its next message may go)
-- ARGV[1] microseconds between two sends overall (1e6 / rate)
-- ARGV[2] how far ahead a slot may be reserved, microseconds
-- ARGV[2+i] microseconds between two sends to message i's chat (1 s private, 3 s group)
--
-- Returns {verdict, wait_us} per message, flattened into one list:
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
local horizon = tonumber(ARGV[2])
local count = #KEYS - 2
local out = {}

local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  for i = 1, count do
    out[2 * i - 1], out[2 * i] = 1, paused * 1000
  end
  return out
end

local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then
  slot = now
end
local taken = false
for i = 1, count do
  local pace_key = KEYS[2 + i]
  local ready = tonumber(redis.call('GET', pace_key) or '0')
  if ready > now then
    out[2 * i - 1], out[2 * i] = 2, ready - now
  elseif slot - now > horizon then
    out[2 * i - 1], out[2 * i] = 3, slot - now - horizon
  else
    local pace = tonumber(ARGV[2 + i])
    local pace_ms = math.floor((slot - now + pace) / 1000) + 1
    redis.call('SET', pace_key, string.format('%.0f', slot + pace), 'PX', pace_ms)
    out[2 * i - 1], out[2 * i] = 0, slot - now
    slot = slot + interval
    taken = true
  end
end
if taken then
  local keep_ms = math.floor((slot - now) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.0f', slot), 'PX', keep_ms)
end
return out
