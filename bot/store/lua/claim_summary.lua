-- Claim the summary of a finished batch, once per finished state: every enqueued task has
-- an outcome, enqueueing is done, and no summary was claimed at this enqueued count yet
-- (a scheduled push gains tasks as its readers' mornings come, so it finishes again; each
-- time is summarised once, by whichever process sees it first).
-- KEYS[1] the batch's progress hash. Returns 1 when this call claimed the summary.
local h = redis.call('HMGET', KEYS[1], 'enqueued', 'sent', 'failed', 'blocked', 'skipped',
  'enqueue_done', 'summarized')
local enqueued = tonumber(h[1] or '0')
local handled = 0
for i = 2, 5 do
  handled = handled + tonumber(h[i] or '0')
end
if h[6] == '1' and handled >= enqueued and h[7] ~= tostring(enqueued) then
  redis.call('HSET', KEYS[1], 'summarized', tostring(enqueued))
  return 1
end
return 0
