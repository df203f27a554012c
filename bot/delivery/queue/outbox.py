"""The outbox as producers see it: pushes turned into tasks in the outbox stream.

Producers (``briefbot push``, the scheduler) ``enqueue_push`` in pipelined batches, never
holding the whole audience in memory; the senders read the same stream
(``bot.store.outbox.OutboxStream``). A push's progress counts what was enqueued only
after the entries exist, so a sender can never finish more tasks than were counted.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from datetime import datetime
from typing import Final

from bot.delivery.queue.audience import undelivered_active
from bot.delivery.queue.tasks import PushTask, encode
from bot.store.ledger import DeliveryLedger
from bot.store.outbox import OutboxStream
from bot.store.progress import ProgressStore
from bot.store.stores import Stores
from bot.store.subscribers import SubscriberStore

BATCH: Final = 500


async def _batches(chat_ids: AsyncIterable[int] | Iterable[int]) -> AsyncIterator[list[int]]:
    """``chat_ids`` in lists of at most ``BATCH``, from a plain or an async iterable."""
    if isinstance(chat_ids, AsyncIterable):
        batch: list[int] = []
        async for chat_id in chat_ids:
            batch.append(chat_id)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    iterator = iter(chat_ids)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


class Outbox:
    """Enqueues delivery tasks into one bot's outbox stream and counts them."""

    def __init__(
        self,
        stream: OutboxStream,
        progress: ProgressStore,
        subscribers: SubscriberStore,
        ledger: DeliveryLedger,
    ) -> None:
        self.stream = stream
        self.progress = progress
        self._subscribers = subscribers
        self._ledger = ledger

    @classmethod
    def of(cls, stores: Stores) -> Outbox:
        """The outbox over ``stores``."""
        return cls(stores.outbox, stores.progress, stores.subscribers, stores.ledger)

    async def enqueue_push(
        self,
        date: str,
        chat_ids: AsyncIterable[int] | Iterable[int],
        push_id: str,
        *,
        finish: bool = True,
    ) -> int:
        """Add one push task per chat for the digest of ``date``; returns how many. With
        ``finish`` (the default) the push is marked fully enqueued afterwards; pass False
        to add more chats to the same push with further calls."""
        await self.stream.ensure_group()
        await self.progress.start(push_id)
        total = 0
        async for batch in _batches(chat_ids):
            await self.stream.add([encode(PushTask(date, chat, push_id)) for chat in batch])
            # Counted after the entries exist: a sender can never finish more tasks of a
            # push than its counter says were enqueued.
            await self.progress.add_enqueued(push_id, len(batch))
            total += len(batch)
        if finish:
            await self.progress.enqueue_finished(push_id)
        return total

    async def enqueue_push_for_active(
        self, date: str, push_id: str, due_by: datetime | None = None
    ) -> int:
        """Enqueue ``date``'s push for every active subscriber without it (only those whose
        push time that day is at or before ``due_by``, when given); returns how many."""
        chats = undelivered_active(self._subscribers, self._ledger, date, due_by)
        return await self.enqueue_push(date, chats, push_id)
