-- The content hash of the current version of many digests in one call (cheaper for the
-- client than a pipeline of HGETs: one command to encode and one reply to parse).
-- KEYS[i] = digest:{date i}
-- Returns one hash per key, in order ('' when that date has no digest).
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('HGET', key, 'hash') or ''
end
return out
