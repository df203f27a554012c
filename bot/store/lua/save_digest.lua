-- Store a digest version; a no-op when the date already holds this content hash.
-- KEYS[1] = digest:{date} (hash), KEYS[2] = its versions (hash), KEYS[3] = dates (zset)
-- ARGV = json, content hash, date, day number (zset score), saved at (epoch seconds)
-- Returns {status, previous hash or '', version}.
local previous = redis.call('HGET', KEYS[1], 'hash')
if previous == ARGV[2] then
  return {'unchanged', previous, tonumber(redis.call('HGET', KEYS[1], 'version'))}
end
redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'hash', ARGV[2], 'saved_at', ARGV[5])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
if previous then
  return {'changed', previous, version}
end
return {'new', '', version}
