-- Read some fields of many subscriber records in one call (a push's audience needs only
-- the status and push time of each reader, not the whole record).
-- KEYS[i] = sub:{chat i}; ARGV = the field names
-- Returns, per key in order, 0 when there is no record, else the fields' values (false
-- for a field the record lacks).
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    out[i] = redis.call('HMGET', key, unpack(ARGV))
  else
    out[i] = 0
  end
end
return out
