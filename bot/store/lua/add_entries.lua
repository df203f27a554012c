-- Append many entries to the outbox stream in one call (one command for the client to
-- encode and one reply to parse, instead of a pipeline of XADDs).
-- KEYS[1] the stream
-- ARGV: per entry, its number of fields, then its field/value pairs
-- Returns how many entries were added.
local i, added = 1, 0
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 1, i + 2 * n))
  i = i + 1 + 2 * n
  added = added + 1
end
return added
