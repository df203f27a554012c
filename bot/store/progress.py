"""Counters of one batch of delivery tasks in Redis (a push; later a broadcast or a
correction), so any process (``briefbot push --wait``, the admin's statistics) can tell
how far it got: enqueued, sent, failed, blocked, skipped. The key is still named after
pushes (``Keys.push_progress``), the first kind of batch."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, Literal

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script

Outcome = Literal["sent", "failed", "blocked", "skipped"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("sent", "failed", "blocked", "skipped")
KEEP_SECONDS: Final = 7 * 24 * 3600  # a batch's counters outlive it by a week, then go


@dataclass(frozen=True)
class BatchProgress:
    """A snapshot of one batch's counters."""

    batch_id: str
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
        """Every task of the batch has an outcome (and no more will be enqueued)."""
        return self.enqueue_done and self.handled >= self.enqueued


class ProgressStore:
    """Reads and updates batch counters (one hash per batch)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._claim_summary = load_script(client, "claim_summary")

    @translate_errors
    async def start(self, batch_id: str) -> None:
        """Note when the batch began (kept if it already began)."""
        key = self._keys.push_progress(batch_id)
        await self._client.hsetnx(key, "started_at", f"{time.time():.3f}")
        await self._client.expire(key, KEEP_SECONDS)

    @translate_errors
    async def add_enqueued(self, batch_id: str, count: int) -> None:
        """``count`` more tasks of the batch are in the outbox."""
        await self._client.hincrby(self._keys.push_progress(batch_id), "enqueued", count)

    @translate_errors
    async def enqueue_finished(self, batch_id: str) -> None:
        """Every task of the batch is enqueued; ``finished`` may now become true."""
        await self._client.hset(self._keys.push_progress(batch_id), "enqueue_done", "1")

    @translate_errors
    async def count(self, batch_id: str, outcome: Outcome, amount: int = 1) -> None:
        """One more task of the batch ended with ``outcome``."""
        await self._client.hincrby(self._keys.push_progress(batch_id), outcome, amount)

    @translate_errors
    async def claim_summary(self, batch_id: str) -> BatchProgress | None:
        """The batch's counters if it has just finished and nobody has summarised this
        finish yet (then this caller logs it, exactly once across processes), else None."""
        key = self._keys.push_progress(batch_id)
        if not await self._claim_summary(keys=[key]):
            return None
        return await self.get(batch_id)

    @translate_errors
    async def get(self, batch_id: str) -> BatchProgress:
        """The counters now (all zero for an unknown batch)."""
        raw = await self._client.hgetall(self._keys.push_progress(batch_id))
        numbers = {name: int(raw.get(name, 0)) for name in ("enqueued", *OUTCOMES)}
        return BatchProgress(
            batch_id,
            enqueue_done=raw.get("enqueue_done") == "1",
            started_at=float(raw.get("started_at", 0)),
            **numbers,
        )

    async def watch(self, batch_id: str, every: float = 0.5) -> AsyncIterator[BatchProgress]:
        """Snapshots of the batch every ``every`` seconds, the last one ``finished``."""
        while True:
            snapshot = await self.get(batch_id)
            yield snapshot
            if snapshot.finished:
                return
            await asyncio.sleep(every)
