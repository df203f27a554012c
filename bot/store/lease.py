"""A Redis lease with expiry: at most one process holds it, and it frees itself when the
holder stops renewing it (a crash, a lost connection), so another process takes over.
The scheduler runs only in the holder (``bot.scheduler.jobs``)."""

from __future__ import annotations

import logging
import uuid

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script

logger = logging.getLogger(__name__)


class Lease:
    """One process's claim on the scheduler lease; call ``acquire_or_renew`` more often
    than ``ttl_seconds``."""

    def __init__(
        self, client: Redis, keys: Keys, ttl_seconds: float, holder: str | None = None
    ) -> None:
        self._client = client
        self._key = keys.scheduler_lease()
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self.holder = holder or uuid.uuid4().hex
        self._acquire = load_script(client, "lease_acquire")
        self._release = load_script(client, "lease_release")
        self.held = False

    @translate_errors
    async def acquire_or_renew(self) -> bool:
        """Take the lease if it is free, keep it if it is ours; True while we hold it."""
        held = bool(await self._acquire(keys=[self._key], args=[self.holder, self._ttl_ms]))
        if held != self.held:
            logger.info("scheduler lease %s by %s", "taken" if held else "lost", self.holder)
        self.held = held
        return held

    @translate_errors
    async def release(self) -> None:
        """Give the lease up now (a clean shutdown), so another process need not wait."""
        await self._release(keys=[self._key], args=[self.holder])
        self.held = False

    @translate_errors
    async def current_holder(self) -> str | None:
        """Whoever holds the lease now, or None."""
        value: str | bytes | None = await self._client.get(self._key)
        return value.decode() if isinstance(value, bytes) else value
