-- The ledger's claim rule, the exactly-once primitive, written once for every script that
-- claims (claim_many.lua, bucket.lua paste it where they say "--#include claim_rule"):
-- a delivery is granted to claimer when it has no entry, the entry is claimer's own claim,
-- or another claimer's claim older than stale_after seconds (its sender died); refused
-- when sent, or freshly claimed by another. The caller sets the hash's expiry.
-- Returns 1 and the entry now stored, or 0 and the entry found.
local function claim_delivery(key, chat, claimer, now, stale_after)
  local raw = redis.call('HGET', key, chat)
  if raw then
    local entry = cjson.decode(raw)
    if entry.state ~= 'claimed' then
      return 0, raw
    elseif entry.claimer ~= claimer and now - tonumber(entry.at) < stale_after then
      return 0, raw
    end
  end
  local mine = cjson.encode({state = 'claimed', claimer = claimer, at = now})
  redis.call('HSET', key, chat, mine)
  return 1, mine
end
