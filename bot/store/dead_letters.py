"""Tasks that could not be delivered, kept in a stream for the admins to inspect."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, cast

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.outbox import entries_of
from bot.store.redis_types import HashFields

MAX_ENTRIES: Final = 100_000  # roughly; the oldest go first


@dataclass(frozen=True)
class DeadLetter:
    """One undeliverable task: its stream fields, why it failed and after how many tries."""

    entry_id: str
    task: str
    reason: str
    attempts: int
    failed_at: float
    consumer: str


class DeadLetters:
    """The dead-letter stream of one bot."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    @translate_errors
    async def add(self, task: str, reason: str, attempts: int, consumer: str) -> str:
        """Keep ``task`` (its raw stream field) with the reason it failed; returns its id."""
        fields = {
            "task": task,
            "reason": reason[:1000],
            "attempts": str(attempts),
            "failed_at": f"{time.time():.3f}",
            "consumer": consumer,
        }
        entry_id = await self._client.xadd(
            self._keys.dead_letters(),
            cast(HashFields, fields),
            maxlen=MAX_ENTRIES,
            approximate=True,
        )
        return str(entry_id)

    async def __aiter__(self) -> AsyncIterator[DeadLetter]:
        """Every dead letter, oldest first, read in pages."""
        start = "-"
        while True:
            page = entries_of(
                await self._client.xrange(self._keys.dead_letters(), start, "+", count=500)
            )
            for entry in page:
                fields = entry.fields
                yield DeadLetter(
                    entry.entry_id,
                    fields.get("task", ""),
                    fields.get("reason", ""),
                    int(fields.get("attempts", 0)),
                    float(fields.get("failed_at", 0)),
                    fields.get("consumer", ""),
                )
            if len(page) < 500:
                return
            start = "(" + page[-1].entry_id

    @translate_errors
    async def count(self) -> int:
        """How many dead letters are kept."""
        return int(await self._client.xlen(self._keys.dead_letters()))
