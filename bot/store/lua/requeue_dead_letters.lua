-- Put dead letters back into the outbox, each at most once (two retries at the same time
-- re-enqueue it once), and take back the "failed" its batch counted for it, so the
-- batch counts the new outcome in its place.
-- KEYS[1] the dead-letter stream, KEYS[2] the outbox stream,
-- KEYS[2 + i] the progress hash of item i's batch
-- ARGV[i] the dead-letter entry id of item i
-- Returns the ids of the dead letters re-enqueued (and removed from the dead letters).
local requeued = {}
for i, entry_id in ipairs(ARGV) do
  local found = redis.call('XRANGE', KEYS[1], entry_id, entry_id)
  if #found == 1 then
    local fields = found[1][2]
    local task = nil
    for j = 1, #fields, 2 do
      if fields[j] == 'task' then
        task = fields[j + 1]
      end
    end
    if task then
      redis.call('XADD', KEYS[2], '*', 'task', task)
      redis.call('XDEL', KEYS[1], entry_id)
      local progress = KEYS[2 + i]
      if tonumber(redis.call('HGET', progress, 'failed') or '0') > 0 then
        redis.call('HINCRBY', progress, 'failed', -1)
      end
      requeued[#requeued + 1] = entry_id
    end
  end
end
return requeued
