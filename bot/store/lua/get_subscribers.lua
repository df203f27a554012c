-- Read many subscriber records in one call (cheaper for the client than a pipeline of
-- HGETALLs: one command to encode and one reply to parse).
-- KEYS[i] = sub:{chat i}
-- Returns one flat field/value list per key, in order (empty when there is no record).
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('HGETALL', key)
end
return out
