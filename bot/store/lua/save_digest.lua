-- Store a digest version; a no-op when the date already holds this content hash.
-- KEYS[1] = digest:{date} (hash), KEYS[2] = its versions (hash), KEYS[3] = dates (zset),
-- KEYS[4] = removed digests (hash: date -> JSON {hash, ...}): the very version an admin
-- removed is 'unchanged' (not stored again: its file may still be in the folder).
-- Offered by a source (the poller, the folder at start), two more keys: KEYS[5] =
-- sent:{date} (the delivery ledger), KEYS[6] = digest:{date}:corrections (hash). Then a
-- changed version of a date already delivered (or being pushed) is only kept among the
-- versions and marked pending for an admin (held): it never replaces what readers see
-- on its own.
-- ARGV = json, content hash, date, day number (zset score), saved at (epoch seconds)
-- Returns {status, previous hash or '', version}; status is new, unchanged, changed,
-- held (pending an admin), ignored (an admin ignored this version before) or superseded
-- (a version that was current once and was corrected since).
local removed = redis.call('HGET', KEYS[4], ARGV[3])
if removed and cjson.decode(removed).hash == ARGV[2] then
  return {'unchanged', ARGV[2], 0}
end
local previous = redis.call('HGET', KEYS[1], 'hash')
if previous == ARGV[2] then
  return {'unchanged', previous, tonumber(redis.call('HGET', KEYS[1], 'version'))}
end
if KEYS[6] and previous and redis.call('EXISTS', KEYS[5]) == 1 then
  local version = tonumber(redis.call('HGET', KEYS[1], 'version'))
  local state = redis.call('HGET', KEYS[6], ARGV[2])
  if state == 'ignored' then
    return {'ignored', previous, version}
  end
  if state ~= 'pending' and redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[1]) == 0 then
    -- Current once and replaced since (by an applied correction, a /correct fix): the
    -- source still holding it is not news. Reverting is an admin's briefbot correct.
    return {'superseded', previous, version}
  end
  redis.call('HSET', KEYS[6], ARGV[2], 'pending')
  return {'held', previous, version}
end
redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'hash', ARGV[2], 'saved_at', ARGV[5])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
if previous then
  return {'changed', previous, version}
end
return {'new', '', version}
