-- Take a lease if it is free, renew it if it is ours, in one atomic step: after an expiry
-- another process may hold it, and a plain PEXPIRE would extend *their* lease; two jobs
-- of one process asking at once both see it as ours instead of one losing to itself.
-- KEYS[1] = the lease (string: the holder's token, with expiry)
-- ARGV[1] = the holder's token, ARGV[2] = time to live (milliseconds)
-- Returns 1 while the caller holds the lease, else 0.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if not holder then
  return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
end
return 0
