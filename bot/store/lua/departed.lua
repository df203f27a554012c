-- Sends the receiver may have counted later than their slot (the request left late, or
-- its answer came late) are reported as counted then, so the slots a second later keep
-- every one-second window at the rate (bucket.lua reads the sends).
-- KEYS[1] the sends of the last seconds (sorted set: slot instant -> when it was counted)
-- ARGV pairs: the slot's instant (the member bucket.lua wrote), when it may have been
-- counted (µs, Redis clock). A slot no longer in the set (older than its window) is left out.
for i = 1, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'XX', 'GT', ARGV[i + 1], ARGV[i])
end
return #ARGV / 2
