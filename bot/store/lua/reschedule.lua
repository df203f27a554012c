-- Reschedule a batch of subscribers in the due index, each only if it is still active
-- with the settings the caller computed its instant from (a concurrent /settings change
-- has already rescheduled it, and must win).
-- KEYS[1] = due index; KEYS[1 + i] = subscriber hash i
-- ARGV[4i-3 .. 4i] = chat id, next instant (epoch seconds), tz, time it was computed from
-- Returns the number of entries written.
local written = 0
for i = 2, #KEYS do
  local base = (i - 2) * 4
  local chat, score, tz, at = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  local current = redis.call('HMGET', KEYS[i], 'status', 'tz', 'time')
  if current[1] ~= 'active' then
    redis.call('ZREM', KEYS[1], chat)
  elseif current[2] == tz and current[3] == at then
    redis.call('ZADD', KEYS[1], score, chat)
    written = written + 1
  end
end
return written
