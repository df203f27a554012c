"""The outbox as producers see it: batches of tasks (a push, later a broadcast or a
correction) put into the outbox stream.

Producers (``briefbot push``, the scheduler; pushes through
``bot.delivery.kinds.push.enqueue_push``) ``enqueue`` in pipelined batches, never
holding the whole audience in memory; the senders read the same stream
(``bot.store.outbox.OutboxStream``). A batch's progress counts what was enqueued only
after the entries exist, so a sender can never finish more tasks than were counted.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Final, TypeVar

from bot.delivery.queue.batch_summary import summarise_if_finished
from bot.delivery.queue.tasks import Task, encode
from bot.store.outbox import OutboxStream
from bot.store.progress import ProgressStore
from bot.store.stores import Stores

BATCH: Final = 500
T = TypeVar("T")


async def _batches(items: AsyncIterable[T] | Iterable[T]) -> AsyncIterator[list[T]]:
    """``items`` in lists of at most ``BATCH``, from a plain or an async iterable."""
    if isinstance(items, AsyncIterable):
        batch: list[T] = []
        async for item in items:
            batch.append(item)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


class Outbox:
    """Enqueues delivery tasks into one bot's outbox stream and counts them."""

    def __init__(self, stream: OutboxStream, progress: ProgressStore) -> None:
        self.stream = stream
        self.progress = progress

    @classmethod
    def of(cls, stores: Stores) -> Outbox:
        """The outbox over ``stores``."""
        return cls(stores.outbox, stores.progress)

    async def enqueue(
        self,
        batch_id: str,
        tasks: AsyncIterable[Task] | Iterable[Task],
        *,
        finish: bool = True,
    ) -> int:
        """Add ``tasks`` (of any registered kind) to batch ``batch_id``; returns how many.
        With ``finish`` (the default) the batch is marked fully enqueued afterwards; pass
        False to add more tasks to the same batch with further calls."""
        await self.stream.ensure_group()
        await self.progress.start(batch_id)
        total = 0
        kind: str | None = None
        async for batch in _batches(tasks):
            kind = batch[0].kind
            await self.stream.add([encode(task) for task in batch])
            # Counted after the entries exist: a sender can never finish more tasks of a
            # batch than its counter says were enqueued.
            await self.progress.add_enqueued(batch_id, len(batch))
            total += len(batch)
        if finish:
            await self.progress.enqueue_finished(batch_id)
            # The senders may have finished every task before enqueueing was marked done
            # (or there were none): then the summary is this call's to log.
            await summarise_if_finished(self.progress, batch_id, kind)
        return total
