-- Claim deliveries (the exactly-once primitive), one or many at once, each in turn:
-- granted when there is no entry, the entry is this claimer's own claim, or another
-- claimer's claim older than "stale after" (its sender died); refused when sent, or
-- freshly claimed by another.
-- KEYS[i] = sent:{date} of item i (the same key may repeat)
-- ARGV[1..4] = claimer, now (epoch seconds), stale after (seconds), retention (seconds)
-- ARGV[4+i] = the chat of item i
-- Returns one {1 or 0, the entry now stored} per item, in order.
local claimer, now = ARGV[1], tonumber(ARGV[2])
local stale_after, retention = tonumber(ARGV[3]), ARGV[4]
local results = {}
local touched = {}
for i, key in ipairs(KEYS) do
  local chat = ARGV[4 + i]
  local raw = redis.call('HGET', key, chat)
  local granted = true
  if raw then
    local entry = cjson.decode(raw)
    if entry.state ~= 'claimed' then
      granted = false
    elseif entry.claimer ~= claimer and now - tonumber(entry.at) < stale_after then
      granted = false
    end
  end
  if granted then
    local mine = cjson.encode({state = 'claimed', claimer = claimer, at = now})
    redis.call('HSET', key, chat, mine)
    touched[key] = true
    results[i] = {1, mine}
  else
    results[i] = {0, raw}
  end
end
for key in pairs(touched) do
  redis.call('EXPIRE', key, retention)
end
return results
