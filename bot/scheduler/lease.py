"""A Redis lease with expiry: at most one process holds it, and it frees itself when the
holder stops renewing it (a crash, a lost connection), so another process takes over."""

from __future__ import annotations

import logging
import uuid

from redis.asyncio import Redis

logger = logging.getLogger(__name__)

# Renew only if the lease still holds our token, else take it only if it is free
# (SET NX PX), in one atomic step: after an expiry another process may hold it, and a plain
# PEXPIRE would extend *their* lease; two jobs of one process asking at once both see it
# as ours instead of one of them losing the race to itself.
_ACQUIRE_OR_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if not holder then
    return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
end
return 0
"""
# Release only our own lease, for the same reason.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """One process's claim on ``key``; call ``acquire_or_renew`` more often than ``ttl``."""

    def __init__(self, redis: Redis, key: str, ttl_seconds: float, holder: str | None = None):
        self._redis = redis
        self._key = key
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self.holder = holder or uuid.uuid4().hex
        self._acquire = redis.register_script(_ACQUIRE_OR_RENEW)
        self._release = redis.register_script(_RELEASE)
        self.held = False

    async def acquire_or_renew(self) -> bool:
        """Take the lease if it is free, keep it if it is ours; True while we hold it."""
        held = bool(await self._acquire(keys=[self._key], args=[self.holder, self._ttl_ms]))
        if held != self.held:
            logger.info("scheduler lease %s by %s", "taken" if held else "lost", self.holder)
        self.held = held
        return held

    async def release(self) -> None:
        """Give the lease up now (a clean shutdown), so another process need not wait."""
        await self._release(keys=[self._key], args=[self.holder])
        self.held = False

    async def current_holder(self) -> str | None:
        """Whoever holds the lease now, or None."""
        value: str | bytes | None = await self._redis.get(self._key)
        return value.decode() if isinstance(value, bytes) else value
