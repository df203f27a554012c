-- Move a broadcast from one state to another, once: the first caller wins, so a Send
-- button pressed twice (or replayed) starts the broadcast only once.
-- KEYS[1] = broadcast:{id}; ARGV[1] = the state it must be in, ARGV[2] = the new state.
-- Returns the state it was in ("" when there is no such broadcast); changed only when
-- that was ARGV[1].
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return ''
end
if state == ARGV[1] then
  redis.call('HSET', KEYS[1], 'state', ARGV[2])
end
return state
