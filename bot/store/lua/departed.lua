-- Senders that left later than their slot report when they really did, so the slots a
-- second later keep every one-second window at the rate (bucket.lua reads the sends).
-- KEYS[1] the sends of the last seconds (sorted set: slot instant -> when it was sent)
-- ARGV pairs: the slot's instant (the member bucket.lua wrote), when it was sent (µs,
-- Redis clock). A slot no longer in the set (older than its window) is left out.
for i = 1, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'XX', 'GT', ARGV[i + 1], ARGV[i])
end
return #ARGV / 2
