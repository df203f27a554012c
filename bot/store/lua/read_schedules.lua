-- Read the time zone and push time of a batch of subscribers in one call (a pipeline of
-- HMGETs costs the client far more to pack and parse).
-- KEYS = subscriber hashes. Returns {tz1, time1, tz2, time2, ...}, '' for a missing field.
local out = {}
for i = 1, #KEYS do
  local fields = redis.call('HMGET', KEYS[i], 'tz', 'time')
  out[#out + 1] = fields[1] or ''
  out[#out + 1] = fields[2] or ''
end
return out
