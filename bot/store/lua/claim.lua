-- Claim the delivery of one date's digest to one chat (the exactly-once primitive).
-- KEYS[1] = sent:{date} (hash chat -> JSON entry)
-- ARGV = chat, claimer, now (epoch seconds), stale after (seconds), retention (seconds)
-- Granted when there is no entry, the entry is this claimer's own claim, or another
-- claimer's claim older than "stale after" (its sender died). Refused when sent, or
-- freshly claimed by another. Returns {1 or 0, the entry now stored}.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local entry = cjson.decode(raw)
  if entry.state ~= 'claimed' then
    return {0, raw}
  end
  local age = tonumber(ARGV[3]) - tonumber(entry.at)
  if entry.claimer ~= ARGV[2] and age < tonumber(ARGV[4]) then
    return {0, raw}
  end
end
local mine = cjson.encode({state = 'claimed', claimer = ARGV[2], at = tonumber(ARGV[3])})
redis.call('HSET', KEYS[1], ARGV[1], mine)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {1, mine}
