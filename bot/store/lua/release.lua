-- Give a claim back (the send failed), only if it is still this claimer's claim.
-- KEYS[1] = sent:{date}; ARGV = chat, claimer. Returns 1 when released.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return 0
end
local entry = cjson.decode(raw)
if entry.state == 'claimed' and entry.claimer == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
