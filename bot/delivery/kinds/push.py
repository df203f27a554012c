"""The push kind: the digest of a date, delivered to one chat, exactly once.

The ledger makes delivery exactly-once where Telegram allows: a chat is claimed before its
first message and recorded as sent after its last, so a repeated or reclaimed task finds
the record and sends nothing. Only messages in flight when a process dies can go twice.
A step claims, renders the reader's variant (their categories, format and language) on
the first step, then sends one message per step at the chat's pace; the claim, the
reader's record and the send slot come in one script call (``Deliverer.admit``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import bot.ops.metrics as metrics
from bot.delivery.kinds.claims import refused_claim
from bot.delivery.kinds.push_audience import undelivered_active
from bot.delivery.queue.held import Job
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.tasks import BadTask, Task, chat_of, check_batch, text_of
from bot.delivery.senders.deliverer import Deliverer, Finished, Later, Step
from bot.delivery.senders.variants import DigestMissing
from bot.keys import CHECK, InvalidKeyPart
from bot.store.ledger import Sent
from bot.store.stores import Stores
from bot.store.subscriber import Subscriber

NAME: Final = "push"


@dataclass(frozen=True)
class PushTask:
    """Deliver the digest of ``date`` to ``chat_id`` as part of push ``push_id``."""

    date: str
    chat_id: int
    push_id: str

    kind = NAME

    @property
    def batch_id(self) -> str:
        """A push is the batch its tasks count in."""
        return self.push_id

    def with_chat(self, chat_id: int) -> PushTask:
        """The same task for a chat's new id (after a group became a supergroup)."""
        return PushTask(self.date, chat_id, self.push_id)

    def body(self) -> dict[str, object]:
        """``date``, ``chat`` and ``push``."""
        return {"date": self.date, "chat": self.chat_id, "push": self.push_id}


class PushKind:
    """Decodes and runs push tasks."""

    name = NAME

    def decode(self, body: Mapping[str, Any]) -> PushTask:
        """A push task; the date and push id must be able to name their keys."""
        chat = chat_of(body)
        date, push_id = text_of(body, "date"), text_of(body, "push")
        try:  # the same checks the keys this task will touch apply
            CHECK.sent(date)
        except InvalidKeyPart as error:
            raise BadTask(str(error)) from error
        return PushTask(date, chat, check_batch(push_id))

    async def step(self, job: Job, engine: Deliverer) -> Step:
        """Claim, render on the first step, send one message; record after the last. The
        claim, the reader's record (first step) and the send slot are one round trip."""
        task = _push(job)
        if job.all_sent:
            # The messages went out and only their record failed (Redis was away): retry
            # the record, never the send; the claim is still ours (it is released only
            # when nothing went out).
            return await self._record(job, task, engine)
        first = job.messages is None
        admission = await engine.admit(task.date, task.chat_id, read_reader=first)
        claim, slot = admission.claim, admission.slot
        if claim is None:
            return Later(slot.wait)  # a flood pause came first: nothing was claimed
        if not claim.granted:
            return refused_claim(claim, engine.policy.stale_after)
        if first:
            prepared = await self._prepare(job, task, engine, admission.reader)
            if prepared is not None:
                return prepared  # (a slot reserved for a reader with nothing to get is lost)
        later = await engine.send_next(job, slot)
        if later is not None:
            return later
        return await self._record(job, task, engine)

    async def _record(self, job: Job, task: PushTask, engine: Deliverer) -> Step:
        """Record the messages sent (a Redis outage raises here; the job keeps them)."""
        sent = Sent(task.date, task.chat_id, tuple(job.message_ids), job.content_hash, job.variant)
        await engine.records.submit(sent)
        return Finished("sent")

    async def _prepare(
        self, job: Job, task: PushTask, engine: Deliverer, subscriber: Subscriber | None
    ) -> Step | None:
        """Render the job's messages; a step result when there is nothing to send."""
        if subscriber is None or subscriber.status != "active":
            await self.release(job, engine)
            return Finished("skipped")  # unsubscribed, paused or blocked since enqueued
        try:
            content = await engine.content.for_subscriber(task.date, subscriber)
        except DigestMissing as error:
            return await engine.give_up(job, str(error))
        if content is None:
            await self.release(job, engine)
            return Finished("skipped")  # none of the reader's categories has items today
        messages = content.messages
        if subscriber.thread_id is not None:
            # A forum group subscribed from a topic gets its push in that topic.
            topic = {"message_thread_id": subscriber.thread_id}
            messages = tuple({**message, **topic} for message in messages)
        job.messages, job.content_hash = messages, content.content_hash
        job.variant = content.variant
        metrics.observe_delivery_lag(task.date, subscriber.zone, subscriber.clock)
        return None

    async def release(self, job: Job, engine: Deliverer) -> None:
        """Give the ledger claim back."""
        task = _push(job)
        await engine.ledger.release(task.date, task.chat_id, engine.claimer)


def _push(job: Job) -> PushTask:
    task = job.task
    assert isinstance(task, PushTask), f"the push kind was given a {task.kind} task"
    return task


PUSH: Final = PushKind()


async def enqueue_push(
    outbox: Outbox,
    date: str,
    chat_ids: AsyncIterable[int] | Iterable[int],
    push_id: str,
    *,
    finish: bool = True,
) -> int:
    """Add one push task per chat for the digest of ``date`` to push ``push_id``; returns
    how many (``finish`` as for ``Outbox.enqueue``)."""
    if isinstance(chat_ids, AsyncIterable):
        tasks: AsyncIterable[Task] | Iterable[Task] = _tasks(date, chat_ids, push_id)
    else:
        tasks = (PushTask(date, chat, push_id) for chat in chat_ids)
    return await outbox.enqueue(push_id, tasks, finish=finish)


async def enqueue_push_for_active(
    outbox: Outbox, stores: Stores, date: str, push_id: str, due_by: datetime | None = None
) -> int:
    """Enqueue ``date``'s push for every active subscriber without it (only those whose
    push time that day is at or before ``due_by``, when given); returns how many."""
    chats = undelivered_active(stores.subscribers, stores.ledger, date, due_by)
    return await enqueue_push(outbox, date, chats, push_id)


async def _tasks(date: str, chat_ids: AsyncIterable[int], push_id: str) -> AsyncIterator[Task]:
    async for chat in chat_ids:
        yield PushTask(date, chat, push_id)
