-- Record many deliveries as sent, in one atomic call.
-- KEYS[i] = sent:{date} of item i (the same key may repeat)
-- ARGV[1] = retention (seconds); ARGV[2i], ARGV[2i+1] = chat and JSON entry of item i
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, ARGV[2 * i], ARGV[2 * i + 1])
end
local seen = {}
for _, key in ipairs(KEYS) do
  if not seen[key] then
    seen[key] = true
    redis.call('EXPIRE', key, ARGV[1])
  end
end
return #KEYS
