"""One step of one delivery: claim, render, wait for a slot, send one message, and decide
what the outcome means. The sender pool runs these steps; this module holds the rules.

The ledger makes delivery exactly-once where Telegram allows: a chat is claimed before its
first message and recorded as sent after its last, so a repeated or reclaimed task finds
the record and sends nothing. Only messages in flight when a process dies can go twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from telegram import Bot

from bot.delivery.limits.limiter import RateLimiter, Slot, SlotVerdict, pace_seconds
from bot.delivery.queue.held import Job
from bot.delivery.queue.tasks import FIELD
from bot.delivery.senders import bot_api
from bot.delivery.senders.alerts import AdminAlerts
from bot.delivery.senders.coalesce import Coalescer
from bot.delivery.senders.failures import ErrorKind, Failure, classify
from bot.delivery.senders.variants import ContentCache, DigestMissing
from bot.i18n import DEFAULT_LANGUAGE, t
from bot.store.dead_letters import DeadLetters
from bot.store.ledger import ClaimResult, DeliveryLedger, LedgerEntry, Sent
from bot.store.progress import Outcome
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore

logger = logging.getLogger(__name__)

PAID_BROADCAST_PARAM: Final = "allow_paid_broadcast"


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry and takeover timing of the senders."""

    max_attempts: int = 5  # transient failures before a task is dead-lettered
    backoff_base: float = 0.5  # seconds; doubles per attempt; half of it is random jitter
    backoff_cap: float = 30.0
    stale_after: float = 60.0  # a ledger claim older than this belongs to a dead sender
    paid_broadcast: bool = False

    def backoff(self, attempt: int) -> float:
        """Seconds before retry ``attempt`` (1-based): exponential with jitter, so senders
        that failed together do not retry together."""
        ceiling: float = min(self.backoff_cap, self.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class Finished:
    """The task has its outcome; acknowledge it."""

    outcome: Outcome


@dataclass(frozen=True)
class Later:
    """Work on the task again after ``seconds`` (0: right away)."""

    seconds: float


Step = Finished | Later


class Deliverer:
    """Runs delivery steps for one sender process (``claimer`` is its consumer name)."""

    def __init__(
        self,
        *,
        bot: Bot,
        claimer: str,
        ledger: DeliveryLedger,
        subscribers: SubscriberStore,
        content: ContentCache,
        limiter: RateLimiter,
        dead_letters: DeadLetters,
        alerts: AdminAlerts,
        policy: DeliveryPolicy,
    ) -> None:
        self._bot = bot
        self._claimer = claimer
        self._ledger = ledger
        self._subscribers = subscribers
        self._content = content
        self._limiter = limiter
        self._dead_letters = dead_letters
        self._alerts = alerts
        self._policy = policy
        paid = {PAID_BROADCAST_PARAM: True} if policy.paid_broadcast else None
        self._bodies = bot_api.MessageBodies(paid)
        # Group commit: the four Redis calls of a delivery, batched over the slots that
        # make them at the same moment (one script or pipeline per batch, not per task).
        self._claims: Coalescer[tuple[str, int], ClaimResult] = Coalescer(self._claim_batch)
        self._readers: Coalescer[int, Subscriber | None] = Coalescer(subscribers.get_many)
        self._send_slots: Coalescer[int, Slot] = Coalescer(limiter.acquire_many)
        self._records: Coalescer[Sent, LedgerEntry] = Coalescer(ledger.record_many)

    async def drain(self) -> None:
        """Wait for the batched Redis calls still in flight (on shutdown)."""
        for coalescer in (self._claims, self._readers, self._send_slots, self._records):
            await coalescer.drain()

    async def _claim_batch(self, items: Sequence[tuple[str, int]]) -> list[ClaimResult]:
        return await self._ledger.claim_many(items, self._claimer, self._policy.stale_after)

    async def step(self, job: Job) -> Step:
        """Advance ``job`` by at most one message."""
        task = job.task
        claim = await self._claims.submit((task.date, task.chat_id))
        if not claim.granted:
            if claim.entry.sent:
                return Finished("skipped")  # delivered already (a rerun or a reclaim)
            # Another sender holds it; if that sender died, its claim goes stale.
            stale_in = claim.entry.at + self._policy.stale_after - time.time()
            return Later(max(1.0, stale_in))
        if job.messages is None:
            prepared = await self._prepare(job)
            if prepared is not None:
                return prepared

        slot = await self._send_slots.submit(task.chat_id)
        if slot.verdict is SlotVerdict.BUSY:
            await asyncio.sleep(slot.wait)  # every chat waits for the global rate alike
            return Later(0)
        if slot.verdict is not SlotVerdict.GRANTED:
            return Later(slot.wait)  # this chat's pace or a flood pause: serve others
        await asyncio.sleep(slot.wait)
        assert job.messages is not None
        try:
            message_id = await self._send(task.chat_id, job.messages[len(job.message_ids)])
        except Exception as error:  # every failure is classified; none may kill a sender
            return await self._failed(job, classify(error))
        job.message_ids.append(message_id)
        if len(job.message_ids) < len(job.messages):
            return Later(pace_seconds(task.chat_id))
        sent = Sent(task.date, task.chat_id, tuple(job.message_ids), job.content_hash)
        await self._records.submit(sent)
        return Finished("sent")

    async def _prepare(self, job: Job) -> Step | None:
        """Render the job's messages; a step result when there is nothing to send."""
        task = job.task
        subscriber = await self._readers.submit(task.chat_id)
        if subscriber is None or subscriber.status != "active":
            await self._ledger.release(task.date, task.chat_id, self._claimer)
            return Finished("skipped")  # unsubscribed, paused or blocked since enqueued
        try:
            content = await self._content.for_subscriber(task.date, subscriber)
        except DigestMissing as error:
            return await self._give_up(job, Failure(ErrorKind.PERMANENT, str(error)))
        if content is None:
            await self._ledger.release(task.date, task.chat_id, self._claimer)
            return Finished("skipped")  # none of the reader's categories has items today
        job.messages, job.content_hash = content.messages, content.content_hash
        return None

    async def _send(self, chat_id: int, params: dict[str, object]) -> int:
        """Send one rendered message (raw Bot API parameters); the new message's id."""
        message = await bot_api.call(self._bot, "sendMessage", self._bodies.body(chat_id, params))
        return int(message["message_id"])

    async def _failed(self, job: Job, failure: Failure) -> Step:
        """React to a failed send by its kind (see ``bot.delivery.senders.failures``)."""
        task = job.task
        if failure.kind is ErrorKind.FLOOD:
            logger.warning("429 from Telegram: every sender pauses %.1fs", failure.retry_after)
            await self._limiter.pause(failure.retry_after)
            return Later(failure.retry_after)
        if failure.kind is ErrorKind.GONE:
            logger.info("chat %s is gone (%s): marked blocked", task.chat_id, failure.description)
            await self._subscribers.mark_blocked(task.chat_id)
            await self._ledger.release(task.date, task.chat_id, self._claimer)
            return Finished("blocked")
        if failure.kind is ErrorKind.MIGRATED:
            logger.info("chat %s moved to %s", task.chat_id, failure.new_chat_id)
            await self._subscribers.migrate(task.chat_id, failure.new_chat_id)
            await self._ledger.release(task.date, task.chat_id, self._claimer)
            job.restart_at(task.with_chat(failure.new_chat_id))
            return Later(0)
        if failure.kind is ErrorKind.TRANSIENT:
            job.attempts += 1
            if job.attempts < self._policy.max_attempts:
                delay = self._policy.backoff(job.attempts)
                logger.info("send to %s failed (%s), retry in %.1fs", task.chat_id,
                            failure.description, delay)  # fmt: skip
                return Later(delay)
        return await self._give_up(job, failure)

    async def give_up(self, job: Job, reason: str) -> Step:
        """Dead-letter ``job`` for a failure nobody classified (a bug, a corrupt record)."""
        return await self._give_up(job, Failure(ErrorKind.PERMANENT, reason))

    async def _give_up(self, job: Job, failure: Failure) -> Step:
        """Dead-letter the task and tell the admins (once per push, across processes)."""
        task = job.task
        logger.error("giving up on %s for %s: %s", task.date, task.chat_id, failure.description)
        await self._dead_letters.add(
            job.entry.fields.get(FIELD, ""), failure.description, job.attempts, self._claimer
        )
        await self._ledger.release(task.date, task.chat_id, self._claimer)
        text = t(
            DEFAULT_LANGUAGE,
            "alert.push_failed",
            push=task.push_id,
            chat=task.chat_id,
            error=failure.description,
        )
        await self._alerts.send_once(f"deadletter:{task.push_id}", text)
        return Finished("failed")
