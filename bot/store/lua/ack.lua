-- Acknowledge finished tasks of one push and count their outcomes, exactly once each.
-- KEYS[1] the outbox stream, KEYS[2] the push's progress hash
-- ARGV[1] the consumer group, ARGV[2] how long the counters are kept (seconds),
-- then pairs: entry id, outcome (sent/failed/blocked/skipped)
-- An entry already acknowledged (by a sender that reclaimed it too) is not counted again.
-- Returns how many entries were acknowledged by this call.
local acked = 0
for i = 3, #ARGV, 2 do
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    redis.call('XDEL', KEYS[1], ARGV[i])
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    acked = acked + 1
  end
end
if acked > 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return acked
