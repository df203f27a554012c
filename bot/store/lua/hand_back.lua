-- Hand a stopping sender's unfinished tasks back at once: each entry still pending for
-- this consumer is appended again as a new entry with the same fields, and the old one is
-- acknowledged and deleted, so any live sender reads it on its next read instead of
-- reclaiming it after the reclaim timeout. An entry that is no longer this consumer's
-- (another sender reclaimed it meanwhile) is left alone. The ledger keeps a task that
-- runs twice from sending twice.
-- KEYS[1] the outbox stream; ARGV[1] the consumer group, ARGV[2] the consumer, then the
-- entry ids. Returns how many entries were handed back.
local handed = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  if #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1, ARGV[2]) == 1 then
    local rows = redis.call('XRANGE', KEYS[1], id, id)
    if #rows == 1 then
      redis.call('XADD', KEYS[1], '*', unpack(rows[1][2]))
      handed = handed + 1
    end
    redis.call('XACK', KEYS[1], ARGV[1], id)
    redis.call('XDEL', KEYS[1], id)
  end
end
return handed
