-- Claim deliveries, one or many at once, each in turn, by the ledger's claim rule.
-- KEYS[i] = sent:{date} of item i (the same key may repeat)
-- ARGV[1..4] = claimer, now (epoch seconds), stale after (seconds), retention (seconds)
-- ARGV[4+i] = the chat of item i
-- Returns one {1 or 0, the entry now stored} per item, in order.
--#include claim_rule
local claimer, now = ARGV[1], tonumber(ARGV[2])
local stale_after, retention = tonumber(ARGV[3]), ARGV[4]
local results = {}
local touched = {}
for i, key in ipairs(KEYS) do
  local granted, entry = claim_delivery(key, ARGV[4 + i], claimer, now, stale_after)
  if granted == 1 then
    touched[key] = true
  end
  results[i] = {granted, entry}
end
for key in pairs(touched) do
  redis.call('EXPIRE', key, retention)
end
return results
