-- Write whole subscriber records (import) with their index and due entries, atomically.
-- KEYS[1] = subs index, KEYS[2] = due index, KEYS[2 + i] = subscriber hash i
-- ARGV[1] = now (epoch seconds, the subscribed_at of a new record without one), then 9
-- values per record: chat, next instant ('' when not active), status, tz, time, format,
-- categories (JSON), language, subscribed_at ('' keeps the stored one).
local now = ARGV[1]
for i = 3, #KEYS do
  local a = (i - 3) * 9 + 1
  local chat, score = ARGV[a + 1], ARGV[a + 2]
  redis.call('HSET', KEYS[i], 'status', ARGV[a + 3], 'tz', ARGV[a + 4], 'time', ARGV[a + 5],
    'format', ARGV[a + 6], 'categories', ARGV[a + 7], 'language', ARGV[a + 8])
  if ARGV[a + 9] == '' then
    redis.call('HSETNX', KEYS[i], 'subscribed_at', now)
  else
    redis.call('HSET', KEYS[i], 'subscribed_at', ARGV[a + 9])
  end
  redis.call('ZADD', KEYS[1], 0, chat)
  if score == '' then
    redis.call('ZREM', KEYS[2], chat)
  else
    redis.call('ZADD', KEYS[2], score, chat)
  end
end
return #KEYS - 2
