"""The outbox: delivery tasks in one Redis Stream read by the consumer group ``senders``.

Producers (``briefbot push``, the scheduler) ``enqueue_push`` in pipelined batches, never
holding the whole audience in memory. Senders ``read`` new tasks, ``ack`` them when they
have an outcome (acked entries are deleted, so the stream holds only work in progress),
``touch`` the tasks they still hold so they are not taken from a live sender, and
``reclaim`` tasks that sat unacknowledged longer than the reclaim timeout: the pending
tasks of a sender that died.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any, Final, cast

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.delivery.queue.audience import undelivered_active
from bot.delivery.queue.progress import KEEP_SECONDS, Outcome, ProgressStore
from bot.delivery.queue.tasks import PushTask, encode
from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.redis_types import HashFields
from bot.store.subscribers import SubscriberStore

GROUP: Final = "senders"
BATCH: Final = 500


@dataclass(frozen=True)
class Entry:
    """One stream entry as read by a sender: its id and raw fields."""

    entry_id: str
    fields: dict[str, str]


def entries_of(reply: object) -> list[Entry]:
    """Stream entries from an XREADGROUP / XAUTOCLAIM / XRANGE reply of a decoding client;
    entries deleted meanwhile (``(None, None)`` on Redis 6.2) are left out."""
    rows = cast(list[tuple[str | None, dict[str, str] | None]], reply or [])
    return [Entry(entry_id, fields) for entry_id, fields in rows if entry_id and fields]


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


def _fields(task: PushTask) -> HashFields:
    return cast(HashFields, encode(task))


class Outbox:
    """The outbox stream of one bot (one key prefix)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._stream = keys.outbox()
        self.progress = ProgressStore(client, keys)
        self._ack_script = client.register_script(
            resources.files("bot.delivery.queue").joinpath("ack.lua").read_text()
        )

    @translate_errors
    async def ensure_group(self) -> None:
        """Create the stream and its consumer group if they do not exist yet. The group
        starts at the stream's beginning, so tasks enqueued before it are not skipped."""
        try:
            await self._client.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    @translate_errors
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
        await self.ensure_group()
        await self.progress.start(push_id)
        total = 0
        async for batch in _batches(chat_ids):
            async with self._client.pipeline(transaction=False) as pipe:
                for chat_id in batch:
                    pipe.xadd(self._stream, _fields(PushTask(date, chat_id, push_id)))
                await pipe.execute()
            # Counted after the entries exist: a sender can never finish more tasks of a
            # push than its counter says were enqueued.
            await self.progress.add_enqueued(push_id, len(batch))
            total += len(batch)
        if finish:
            await self.progress.enqueue_finished(push_id)
        return total

    async def enqueue_push_for_active(
        self,
        date: str,
        push_id: str,
        subscribers: SubscriberStore,
        due_by: datetime | None = None,
    ) -> int:
        """Enqueue ``date``'s push for every active subscriber without it (only those whose
        push time that day is at or before ``due_by``, when given); returns how many."""
        chats = undelivered_active(self._client, self._keys, subscribers, date, due_by)
        return await self.enqueue_push(date, chats, push_id)

    @translate_errors
    async def read(self, consumer: str, count: int, block_ms: int) -> list[Entry]:
        """Up to ``count`` new tasks for ``consumer``; waits up to ``block_ms`` for one."""
        answer = await self._client.xreadgroup(
            GROUP, consumer, {self._stream: ">"}, count=count, block=block_ms
        )
        if not answer:
            return []
        # decode_responses clients answer a list of [stream, entries] pairs (RESP2).
        return entries_of(cast(Any, answer)[0][1])

    @translate_errors
    async def reclaim(self, consumer: str, min_idle_ms: int, count: int) -> list[Entry]:
        """Take over up to ``count`` tasks nobody has touched for ``min_idle_ms``."""
        answer = await self._client.xautoclaim(
            self._stream, GROUP, consumer, min_idle_ms, start_id="0-0", count=count
        )
        return entries_of(answer[1])

    @translate_errors
    async def touch(self, consumer: str, entry_ids: Sequence[str]) -> None:
        """Reset the idle time of tasks ``consumer`` still holds (waiting for a chat's pace
        or a retry), so ``reclaim`` elsewhere does not mistake them for abandoned."""
        if entry_ids:
            await self._client.xclaim(
                self._stream, GROUP, consumer, 0, list(entry_ids), justid=True
            )

    @translate_errors
    async def finish(self, push_id: str, outcomes: Sequence[tuple[str, Outcome]]) -> int:
        """Acknowledge and delete tasks of ``push_id`` and count each outcome, atomically
        and once per entry (a task two senders both finished counts once). Returns how
        many entries this call acknowledged."""
        if not outcomes:
            return 0
        args: list[str | int] = [GROUP, KEEP_SECONDS]
        for entry_id, outcome in outcomes:
            args += (entry_id, outcome)
        keys = [self._stream, self._keys.push_progress(push_id)]
        return int(await self._ack_script(keys=keys, args=args))

    @translate_errors
    async def ack(self, entry_ids: Sequence[str]) -> None:
        """Acknowledge and delete entries that belong to no push (undecodable ones)."""
        if entry_ids:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.xack(self._stream, GROUP, *entry_ids)
                pipe.xdel(self._stream, *entry_ids)
                await pipe.execute()

    @translate_errors
    async def pending(self) -> int:
        """Tasks read by some sender and not acknowledged yet."""
        try:
            summary = await self._client.xpending(self._stream, GROUP)
        except ResponseError:  # no stream or group yet
            return 0
        return int(summary["pending"])

    @translate_errors
    async def backlog(self) -> int:
        """Tasks in the stream (waiting or pending)."""
        return int(await self._client.xlen(self._stream))
