"""What the ops endpoint reads from Redis for ``/healthz`` and ``/metrics``: a timed ping,
the age of the oldest task in the outbox, the newest digest and when it was stored, and
the streams' lengths. Read-only, a few commands per scrape, never a scan (the subscriber
counts come from ``SubscriberStore.count_by_status``, which the endpoint caches)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.keys import Keys
from bot.store.errors import StoreUnavailable, translate_errors
from bot.store.redis_types import text_list


@dataclass(frozen=True)
class LatestDigest:
    date: str
    saved_at: float  # epoch seconds


class OpsReadings:
    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    async def ping_seconds(self, limit_seconds: float) -> float:
        """How long a PING took; ``StoreUnavailable`` when Redis did not answer within
        ``limit_seconds`` (shorter than the client's own retries, so /healthz answers quickly)."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(limit_seconds):
                await self._client.ping()
        except (TimeoutError, RedisError, OSError) as error:
            raise StoreUnavailable(f"Redis did not answer a PING: {error or 'timeout'}") from error
        return time.perf_counter() - started

    @translate_errors
    async def outbox_oldest_seconds(self, now: float) -> float | None:
        """Age of the oldest entry still in the outbox (entries are deleted when done), from
        its stream id's millisecond stamp; None when the outbox is empty."""
        oldest = await self._client.xrange(self._keys.outbox(), count=1)
        if not oldest:
            return None
        stamp_ms = int(str(oldest[0][0]).split("-", 1)[0])
        return max(0.0, now - stamp_ms / 1000)

    @translate_errors
    async def stream_lengths(self) -> tuple[int, int]:
        """(outbox entries, dead letters)."""
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.xlen(self._keys.outbox())
            pipe.xlen(self._keys.dead_letters())
            outbox, dead = await pipe.execute()
        return int(outbox), int(dead)

    @translate_errors
    async def latest_digest(self) -> LatestDigest | None:
        """The newest stored digest's date and when it was stored, or None."""
        newest = text_list(await self._client.zrevrange(self._keys.digest_dates(), 0, 0))
        if not newest:
            return None
        saved_at = await self._client.hget(self._keys.digest(newest[0]), "saved_at")
        return LatestDigest(newest[0], float(saved_at or 0))
