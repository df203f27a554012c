"""The broadcast kind: an admin's message delivered to one chat, exactly once.

The broadcast's own ledger (``BroadcastStore``) makes it exactly-once as the delivery
ledger does for a push: claim before sending, record after, so a repeated or reclaimed
task sends nothing. The text is read from Redis once per process (a broadcast's text never
changes); its state is re-read at most every ``STATE_SECONDS``, so a cancel stops every
sender within that time. A reader who stopped, paused or blocked the bot since the
broadcast was enqueued is skipped.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.delivery.kinds.claims import refused_claim
from bot.delivery.queue.held import Job
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.tasks import BadTask, Task, chat_of, text_of
from bot.delivery.senders.deliverer import Deliverer, Finished, Step
from bot.keys import CHECK, InvalidKeyPart
from bot.store.broadcasts import Broadcast, BroadcastStore, broadcast_batch

NAME: Final = "broadcast"
STATE_SECONDS: Final = 2.0


@dataclass(frozen=True)
class BroadcastTask:
    """Deliver broadcast ``broadcast_id`` to ``chat_id``."""

    broadcast_id: str
    chat_id: int

    kind = NAME

    @property
    def batch_id(self) -> str:
        """A broadcast is the batch its tasks count in."""
        return broadcast_batch(self.broadcast_id)

    def with_chat(self, chat_id: int) -> BroadcastTask:
        """The same task for a chat's new id (after a group became a supergroup)."""
        return BroadcastTask(self.broadcast_id, chat_id)

    def body(self) -> dict[str, object]:
        """``broadcast`` and ``chat``."""
        return {"broadcast": self.broadcast_id, "chat": self.chat_id}


def broadcast_message(text: str) -> dict[str, object]:
    """The ``sendMessage`` parameters of a broadcast's text (what the admin's preview
    shows too): Telegram HTML, link previews off as in the digest's messages."""
    return {"text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}


class BroadcastKind:
    """Decodes and runs broadcast tasks over the broadcasts of ``store``."""

    name = NAME

    def __init__(self, store: BroadcastStore) -> None:
        self._store = store
        self._known: dict[str, tuple[float, Broadcast | None]] = {}

    def decode(self, body: Mapping[str, Any]) -> BroadcastTask:
        """A broadcast task; its id must be able to name its keys."""
        chat, broadcast_id = chat_of(body), text_of(body, "broadcast")
        try:
            CHECK.broadcast_sent(broadcast_id)
        except InvalidKeyPart as error:
            raise BadTask(str(error)) from error
        return BroadcastTask(broadcast_id, chat)

    async def _broadcast(self, broadcast_id: str) -> Broadcast | None:
        """The broadcast as this process last read it (re-read after ``STATE_SECONDS``)."""
        now = time.monotonic()
        read_at, known = self._known.get(broadcast_id, (0.0, None))
        if now - read_at >= STATE_SECONDS:
            known = await self._store.get(broadcast_id)
            self._known[broadcast_id] = (now, known)
        return known

    async def step(self, job: Job, engine: Deliverer) -> Step:
        """Claim, check on the first step, send the one message, record."""
        task = _broadcast_task(job)
        if job.all_sent:
            # Sent, and only its record failed (Redis was away): retry the record, never
            # the send (the claim is still ours).
            return await self._record(job, task)
        claim = await self._store.claim(
            task.broadcast_id, task.chat_id, engine.claimer, engine.policy.stale_after
        )
        if not claim.granted:
            return refused_claim(claim, engine.policy.stale_after)
        if job.messages is None:
            broadcast = await self._broadcast(task.broadcast_id)
            if broadcast is None or broadcast.state != "sending":
                await self.release(job, engine)
                return Finished("skipped")  # cancelled (or expired) since enqueued
            subscriber = await engine.readers.submit(task.chat_id)
            if subscriber is None or subscriber.status != "active":
                await self.release(job, engine)
                return Finished("skipped")  # stopped, paused or blocked since enqueued
            job.messages = (broadcast_message(broadcast.text),)
        later = await engine.send_next(job)
        if later is not None:
            return later
        return await self._record(job, task)

    async def _record(self, job: Job, task: BroadcastTask) -> Step:
        await self._store.record(task.broadcast_id, task.chat_id, job.message_ids[-1])
        return Finished("sent")

    async def release(self, job: Job, engine: Deliverer) -> None:
        """Give the ledger claim back."""
        task = _broadcast_task(job)
        await self._store.release(task.broadcast_id, task.chat_id, engine.claimer)


def _broadcast_task(job: Job) -> BroadcastTask:
    task = job.task
    assert isinstance(task, BroadcastTask), f"the broadcast kind was given a {task.kind} task"
    return task


async def enqueue_broadcast(outbox: Outbox, broadcast_id: str, chat_ids: AsyncIterable[int]) -> int:
    """One broadcast task per chat of ``chat_ids``; returns how many."""
    return await outbox.enqueue(broadcast_batch(broadcast_id), _tasks(broadcast_id, chat_ids))


async def _tasks(broadcast_id: str, chat_ids: AsyncIterable[int]) -> AsyncIterator[Task]:
    async for chat in chat_ids:
        yield BroadcastTask(broadcast_id, chat)
