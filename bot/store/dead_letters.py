"""Tasks that could not be delivered, kept in a stream for the admins to inspect and
retry (``briefbot deadletters list`` / ``retry``)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final, cast

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script
from bot.store.outbox import Entry, entries_of
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
        self._requeue = load_script(client, "requeue_dead_letters")

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
            page = await self._range(start, "+", 500)
            for letter in page:
                yield letter
            if len(page) < 500:
                return
            start = "(" + page[-1].entry_id

    async def get(self, entry_id: str) -> DeadLetter | None:
        """The dead letter ``entry_id``, or None (never was one, or retried since)."""
        found = await self._range(entry_id, entry_id, 1)
        return found[0] if found else None

    @translate_errors
    async def _range(self, start: str, end: str, count: int) -> list[DeadLetter]:
        reply = await self._client.xrange(self._keys.dead_letters(), start, end, count=count)
        return [_letter(entry) for entry in entries_of(reply)]

    @translate_errors
    async def requeue(self, letters: Sequence[tuple[str, str]]) -> list[str]:
        """Put each (dead-letter id, its task's batch id) back into the outbox and out of
        the dead letters, atomically and at most once each, taking back the "failed" its
        batch counted; returns the ids re-enqueued (the others were not, or no longer,
        dead letters)."""
        if not letters:
            return []
        keys = [self._keys.dead_letters(), self._keys.outbox()]
        keys += [self._keys.push_progress(batch_id) for _, batch_id in letters]
        requeued = await self._requeue(keys=keys, args=[entry_id for entry_id, _ in letters])
        return [str(entry_id) for entry_id in requeued]

    @translate_errors
    async def count(self) -> int:
        """How many dead letters are kept."""
        return int(await self._client.xlen(self._keys.dead_letters()))


def _letter(entry: Entry) -> DeadLetter:
    fields = entry.fields
    return DeadLetter(
        entry.entry_id,
        fields.get("task", ""),
        fields.get("reason", ""),
        int(fields.get("attempts", 0)),
        float(fields.get("failed_at", 0)),
        fields.get("consumer", ""),
    )
