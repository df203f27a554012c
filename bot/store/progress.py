"""Counters of one push in Redis, so any process (``briefbot push --wait``, the admin's
statistics) can tell how far it got: enqueued, sent, failed, blocked, skipped."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, Literal

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors

Outcome = Literal["sent", "failed", "blocked", "skipped"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("sent", "failed", "blocked", "skipped")
KEEP_SECONDS: Final = 7 * 24 * 3600  # a push's counters outlive it by a week, then go


@dataclass(frozen=True)
class PushProgress:
    """A snapshot of one push's counters."""

    push_id: str
    enqueued: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    enqueue_done: bool = False
    started_at: float = 0.0

    @property
    def handled(self) -> int:
        """Tasks with a final outcome."""
        return self.sent + self.failed + self.blocked + self.skipped

    @property
    def finished(self) -> bool:
        """Every task of the push has an outcome (and no more will be enqueued)."""
        return self.enqueue_done and self.handled >= self.enqueued


class ProgressStore:
    """Reads and updates push counters (one hash per push)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    @translate_errors
    async def start(self, push_id: str) -> None:
        """Note when the push began (kept if it already began)."""
        key = self._keys.push_progress(push_id)
        await self._client.hsetnx(key, "started_at", f"{time.time():.3f}")
        await self._client.expire(key, KEEP_SECONDS)

    @translate_errors
    async def add_enqueued(self, push_id: str, count: int) -> None:
        """``count`` more tasks are in the outbox."""
        await self._client.hincrby(self._keys.push_progress(push_id), "enqueued", count)

    @translate_errors
    async def enqueue_finished(self, push_id: str) -> None:
        """Every task of the push is enqueued; ``finished`` may now become true."""
        await self._client.hset(self._keys.push_progress(push_id), "enqueue_done", "1")

    @translate_errors
    async def count(self, push_id: str, outcome: Outcome, amount: int = 1) -> None:
        """One more task of the push ended with ``outcome``."""
        await self._client.hincrby(self._keys.push_progress(push_id), outcome, amount)

    @translate_errors
    async def get(self, push_id: str) -> PushProgress:
        """The counters now (all zero for an unknown push)."""
        raw = await self._client.hgetall(self._keys.push_progress(push_id))
        numbers = {name: int(raw.get(name, 0)) for name in ("enqueued", *OUTCOMES)}
        return PushProgress(
            push_id,
            enqueue_done=raw.get("enqueue_done") == "1",
            started_at=float(raw.get("started_at", 0)),
            **numbers,
        )

    async def watch(self, push_id: str, every: float = 0.5) -> AsyncIterator[PushProgress]:
        """Snapshots of the push every ``every`` seconds, the last one ``finished``."""
        while True:
            snapshot = await self.get(push_id)
            yield snapshot
            if snapshot.finished:
                return
            await asyncio.sleep(every)
