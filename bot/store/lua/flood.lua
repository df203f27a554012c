-- A 429: pause every sender for retry_after and lower the shared rate, atomically, once
-- per flood: the 429s of messages that were already in flight when the first one came
-- (they arrive while its pause runs) extend the pause but do not lower the rate again.
--
-- KEYS[1] the flood pause (string with expiry), KEYS[2] the adaptive rate (bucket.lua)
-- ARGV[1] the pause, milliseconds; ARGV[2] the configured rate; ARGV[3] the decrease
-- factor (the new rate is the rate times it); ARGV[4] the lowest rate it may reach;
-- ARGV[5] the knee factor (fast climbing back stops at the rate of the 429 times it) for
-- a 429 at or above the knee, ARGV[6] for one while climbing to it (the knee is too high)
-- or within ARGV[7] seconds of reaching it
-- Returns {1 if the rate was lowered else 0, the effective rate in thousandths}.
if redis.replicate_commands then redis.replicate_commands() end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local configured = tonumber(ARGV[2])
local stored = redis.call('HMGET', KEYS[2], 'rate', 'knee', 'above')
local rate = math.min(configured, tonumber(stored[1] or configured))
local remaining = redis.call('PTTL', KEYS[1])
local millis = tonumber(ARGV[1])
if remaining > 0 then
  if remaining < millis then
    redis.call('SET', KEYS[1], '1', 'PX', millis)
  end
  return {0, math.floor(rate * 1000)}
end
redis.call('SET', KEYS[1], '1', 'PX', millis)
local lowered = math.max(tonumber(ARGV[4]), rate * tonumber(ARGV[3]))
-- The knee: the rate that drew the 429, less a little, is where fast climbing stops. A
-- 429 on the way up to the old knee says the real limit is well below it: a lower knee.
-- So is one soon after reaching it (the probe above it found the limit at once); one after
-- a long probe (or at the configured rate, where the rate has been all along) means the
-- limit is about where the rate is now.
local early = false
if stored[1] then
  early = not stored[3] or now - tonumber(stored[3]) < tonumber(ARGV[7]) * 1000000
end
local knee = math.max(lowered, rate * tonumber(early and ARGV[6] or ARGV[5]))
redis.call('HDEL', KEYS[2], 'above')
redis.call('HSET', KEYS[2], 'rate', tostring(lowered), 'knee', tostring(knee),
  'at', string.format('%.0f', now + millis * 1000))
redis.call('PEXPIRE', KEYS[2], 3600000)
return {1, math.floor(lowered * 1000)}
