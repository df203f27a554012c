-- Write whole subscriber records (import) with their index and due entries, atomically.
-- KEYS[1] = subs index, KEYS[2] = due index, KEYS[2 + i] = subscriber hash i
-- ARGV[1] = now (epoch seconds, the subscribed_at of a new record without one)
-- ARGV[2] = JSON list, record i = [chat, next instant ('' when not active), status, tz,
-- time, format, categories (JSON), language, subscribed_at ('' keeps the stored one),
-- keywords (JSON), forum topic ('' for the chat itself)],
-- every value a string (a JSON number would lose the digits of a 64-bit chat id). One
-- JSON argument instead of eleven per record: packing arguments is the client's main cost.
local records = cjson.decode(ARGV[2])
for i, r in ipairs(records) do
  local key = KEYS[i + 2]
  redis.call('HSET', key, 'status', r[3], 'tz', r[4], 'time', r[5], 'format', r[6],
    'categories', r[7], 'language', r[8], 'keywords', r[10], 'thread', r[11])
  if r[9] == '' then
    redis.call('HSETNX', key, 'subscribed_at', ARGV[1])
  else
    redis.call('HSET', key, 'subscribed_at', r[9])
  end
  redis.call('ZADD', KEYS[1], 0, r[1])
  if r[2] == '' then
    redis.call('ZREM', KEYS[2], r[1])
  else
    redis.call('ZADD', KEYS[2], r[2], r[1])
  end
end
return #records
