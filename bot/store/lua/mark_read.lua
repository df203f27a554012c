-- Mark items read for one reader; each item's reader count grows only the first time.
-- KEYS[1] = read:{chat}:{date} (set), KEYS[2] = readcount:{date} (hash)
-- ARGV[1] = retention (seconds), ARGV[2..] = item numbers
-- Returns how many of the items were not read before.
local added = 0
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
    added = added + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return added
