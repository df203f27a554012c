"""Readers whose push time came before their digest did.

Per date, a sorted set of chat id -> give-up instant (push instant + ``PUSH_CUTOFF_HOURS``),
and one index of the dates that have waiters. When the digest of a date is stored the
waiters are enqueued at once; a waiter whose give-up instant passed is dropped for that day.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import cast

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors

BATCH = 2000


class WaitingReaders:
    """The waiting sets in Redis; every change is idempotent, so a retried tick is safe."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    @translate_errors
    async def add(self, date: str, give_up_at: Mapping[int, float]) -> None:
        """Make each chat wait for ``date`` until its give-up instant (epoch seconds)."""
        if not give_up_at:
            return
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.zadd(self._keys.waiting(date), {str(c): s for c, s in give_up_at.items()})
            # GT: the index keeps the latest give-up instant of the date's waiters.
            pipe.zadd(self._keys.waiting_dates(), {date: max(give_up_at.values())}, gt=True)
            await pipe.execute()

    @translate_errors
    async def dates(self) -> list[str]:
        """Every date someone is waiting for, oldest first."""
        return [str(d) for d in await self._client.zrange(self._keys.waiting_dates(), 0, -1)]

    async def waiters(self, date: str, now: datetime) -> AsyncIterator[list[int]]:
        """Batches of chats still waiting for ``date`` (give-up instant not passed yet).
        The caller enqueues a batch, then ``remove``s it; a crash in between re-enqueues
        the batch on the next tick, which the delivery ledger makes harmless."""
        start = 0
        while True:
            batch = await self._range(date, now.timestamp(), start)
            if not batch:
                return
            yield batch
            start += len(batch)

    @translate_errors
    async def _range(self, date: str, minimum: float, start: int) -> list[int]:
        members = await self._client.zrangebyscore(
            self._keys.waiting(date), minimum, "+inf", start=start, num=BATCH
        )
        return [int(m) for m in cast(list[str], members)]

    @translate_errors
    async def finish(self, date: str) -> None:
        """Nobody waits for ``date`` any more (its digest was enqueued for all of them)."""
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.waiting(date))
            pipe.zrem(self._keys.waiting_dates(), date)
            await pipe.execute()

    @translate_errors
    async def give_up(self, now: datetime) -> int:
        """Drop every waiter whose give-up instant has passed; returns how many."""
        dropped = 0
        stamp = now.timestamp()
        for date in await self.dates():
            key = self._keys.waiting(date)
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(key, "-inf", f"({stamp}")
                pipe.zcard(key)
                removed, left = await pipe.execute()
            dropped += int(removed)
            if not left:
                await self._client.zrem(self._keys.waiting_dates(), date)
        return dropped

    @translate_errors
    async def count(self, date: str) -> int:
        """How many readers wait for ``date``."""
        return int(await self._client.zcard(self._keys.waiting(date)))
