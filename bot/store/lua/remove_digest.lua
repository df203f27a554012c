-- Remove a date's digest from what readers see, keeping every version for the audit.
-- KEYS[1] = digest:{date} (hash), KEYS[2] = dates (zset), KEYS[3] = removed digests (hash)
-- ARGV = date, who, at (epoch seconds)
-- Returns the removed version's content hash, or '' when the date has no current digest.
local hash = redis.call('HGET', KEYS[1], 'hash')
if not hash then
  return ''
end
local entry = {hash = hash, who = ARGV[2], at = tonumber(ARGV[3])}
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode(entry))
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return hash
