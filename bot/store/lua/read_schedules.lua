-- Read the status, time zone and push time of a batch of subscribers in one call (a
-- pipeline of HMGETs costs the client far more to pack and parse than the answer).
-- KEYS = subscriber hashes.
-- Returns {status1, tz1, time1, status2, ...}, '' for a missing field.
local out = {}
for i = 1, #KEYS do
  local fields = redis.call('HMGET', KEYS[i], 'status', 'tz', 'time')
  out[#out + 1] = fields[1] or ''
  out[#out + 1] = fields[2] or ''
  out[#out + 1] = fields[3] or ''
end
return out
