-- Reschedule a batch of subscribers in the due index, each only if it is still active
-- with the settings the caller computed its instant from (a concurrent /settings change
-- has already rescheduled it, and must win).
-- KEYS[1] = due index; KEYS[1 + i] = subscriber hash i
-- ARGV[1] = JSON list, entry i = [chat id, next instant, tz, time it was computed from],
-- every value a string (a JSON number would lose the digits of a 64-bit chat id).
-- Returns the number of entries written.
local entries = cjson.decode(ARGV[1])
local written = 0
for i, e in ipairs(entries) do
  local current = redis.call('HMGET', KEYS[i + 1], 'status', 'tz', 'time')
  if current[1] ~= 'active' then
    redis.call('ZREM', KEYS[1], e[1])
  elseif current[2] == e[3] and current[3] == e[4] then
    redis.call('ZADD', KEYS[1], e[2], e[1])
    written = written + 1
  end
end
return written
