"""The delivery engine's step: a task's kind decides what one step of it does
(``bot.delivery.kinds``); the ``Deliverer`` holds what every kind shares: the batched
Redis calls (claims, readers, send slots, records), waiting for a send slot, sending one
message, and what a failed send means (pause, retry, mark blocked, migrate, dead-letter
and tell the admins). The sender pool runs these steps.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from telegram import Bot

import bot.ops.metrics as metrics
from bot.delivery.kinds.registry import KindRegistry
from bot.delivery.limits.limiter import Admission, RateLimiter, Slot, SlotVerdict, pace_seconds
from bot.delivery.queue.held import Job
from bot.delivery.queue.tasks import FIELD
from bot.delivery.senders import bot_api
from bot.delivery.senders.alerts import AdminAlerts
from bot.delivery.senders.coalesce import Coalescer
from bot.delivery.senders.failures import ErrorKind, Failure, classify
from bot.delivery.senders.variants import ContentCache
from bot.i18n import t
from bot.store.dead_letters import DeadLetters
from bot.store.ledger import ClaimResult, DeliveryLedger, LedgerEntry, Sent
from bot.store.progress import Outcome
from bot.store.send_slots import Claimer, SlotAsk
from bot.store.stores import Stores
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore
from bot.transport import DEPARTURES

T = TypeVar("T")

logger = logging.getLogger(__name__)

PAID_BROADCAST_PARAM: Final = "allow_paid_broadcast"


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry and takeover timing of the senders."""

    # How long a task may keep failing (transient errors, anything unexpected) before it
    # is dead-lettered: long enough to ride out a Bot API outage of minutes.
    retry_seconds: float = 600.0
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
        kinds: KindRegistry,
        ledger: DeliveryLedger,
        subscribers: SubscriberStore,
        content: ContentCache,
        limiter: RateLimiter,
        dead_letters: DeadLetters,
        alerts: AdminAlerts,
        policy: DeliveryPolicy,
        stores: Stores,
    ) -> None:
        self.bot = bot
        self.stores = stores  # every store, for kinds that need more than the above
        self.claimer = claimer
        self.kinds = kinds
        self.ledger = ledger
        self.subscribers = subscribers
        self.content = content
        self.policy = policy
        self._limiter = limiter
        self._dead_letters = dead_letters
        self._alerts = alerts
        paid = {PAID_BROADCAST_PARAM: True} if policy.paid_broadcast else None
        self._bodies = bot_api.MessageBodies(paid)
        # Group commit: the four Redis calls of a delivery, batched over the slots that
        # make them at the same moment (one script or pipeline per batch, not per task).
        self.claims: Coalescer[tuple[str, int], ClaimResult] = Coalescer(self._claim_batch)
        self.readers: Coalescer[int, Subscriber | None] = Coalescer(subscribers.get_many)
        # Every slot ask of the process, with or without a claim, in one script call.
        self._admissions: Coalescer[SlotAsk, Admission] = Coalescer(self._admit_batch)
        self.records: Coalescer[Sent, LedgerEntry] = Coalescer(ledger.record_many)

    @property
    def alerts(self) -> AdminAlerts:
        """The admins' alerts (once per problem), for a kind with its own to raise."""
        return self._alerts

    async def drain(self) -> None:
        """Wait for the batched Redis calls still in flight (on shutdown)."""
        for coalescer in (self.claims, self.readers, self._admissions, self.records):
            await coalescer.drain()
        await self._limiter.drain()

    async def _claim_batch(self, items: Sequence[tuple[str, int]]) -> list[ClaimResult]:
        return await self.ledger.claim_many(items, self.claimer, self.policy.stale_after)

    async def _admit_batch(self, asks: Sequence[SlotAsk]) -> list[Admission]:
        claimer = Claimer(self.claimer, self.policy.stale_after)
        return await self._limiter.admit_many(asks, claimer)

    async def admit(self, date: str, chat_id: int, read_reader: bool) -> Admission:
        """Claim the delivery of ``date`` to ``chat_id`` (with ``read_reader``, read the
        reader's record too) and reserve a slot for its next message if the claim is
        granted (and the reader active), in one batched script call."""
        return await self._admissions.submit(self._limiter.ask(chat_id, date, read_reader))

    async def step(self, job: Job) -> Step:
        """Advance ``job`` by at most one message, as its kind says."""
        return await self.kinds.of(job.task).step(job, self)

    async def send_next(self, job: Job, slot: Slot | None = None) -> Step | None:
        """Wait for a send slot (``slot``, when the kind reserved it with its claim) and
        send the job's next message (``job.messages``, rendered by its kind). None when that
        was its last message (the kind records it); else when to come back: after the
        chat's pace, the global rate, or a failure's verdict."""
        chat_id = job.task.chat_id
        ready = await self.wait_for_slot(chat_id, slot)
        if not isinstance(ready, Slot):
            return ready
        assert job.messages is not None and not job.all_sent
        params = job.messages[len(job.message_ids)]
        try:
            message_id = await self.call_in(ready, lambda: self._send(chat_id, params))
        except Exception as error:  # every failure is classified; none may kill a sender
            return await self._failed(job, classify(error))
        metrics.message_sent(job.task.kind)
        job.message_ids.append(message_id)
        job.failing_since, job.attempts = None, 0  # progress: a fresh budget for what follows
        if len(job.message_ids) < len(job.messages):
            return Later(pace_seconds(chat_id))
        return None

    async def wait_for_slot(self, chat_id: int, slot: Slot | None = None) -> Slot | Step:
        """Wait for the moment a message to ``chat_id`` may go (the global rate and the
        chat's pace, shared by every kind that calls Telegram; ``slot`` when the kind
        reserved it with its claim): the granted slot, or when to come back."""
        if slot is None:
            slot = (await self._admissions.submit(self._limiter.ask(chat_id))).slot
        if slot.verdict is SlotVerdict.BUSY:
            await asyncio.sleep(slot.wait)  # every chat waits for the global rate alike
            return Later(0)
        if slot.verdict is not SlotVerdict.GRANTED:
            return Later(slot.wait)  # this chat's pace or a flood pause: serve others
        await asyncio.sleep(slot.at - time.monotonic())  # the slot's moment, on our clock
        if not self._limiter.on_time(slot):
            return Later(0)  # woke too late: sending now could bunch with later slots
        return slot

    async def call_in(self, slot: Slot, call: Callable[[], Awaitable[T]]) -> T:
        """Make one Bot API call in the granted ``slot`` (a send, an edit), telling the
        limiter when the request really left and when its answer came."""
        departures: list[float] = []  # when the request really left (the transport says)
        token = DEPARTURES.set(departures)
        metrics.send_started()
        try:
            return await call()
        finally:
            metrics.send_ended()
            DEPARTURES.reset(token)
            left = departures[0] if departures else None
            self._limiter.departed(slot, left, time.monotonic())

    async def failed(self, job: Job, failure: Failure) -> Step:
        """What a failed call means for the job (for kinds that make their own calls)."""
        return await self._failed(job, failure)

    async def _send(self, chat_id: int, params: dict[str, object]) -> int:
        """Send one rendered message (raw Bot API parameters); the new message's id."""
        message = await bot_api.call(self.bot, "sendMessage", self._bodies.body(chat_id, params))
        return int(message["message_id"])

    async def _failed(self, job: Job, failure: Failure) -> Step:
        """React to a failed send by its kind (see ``bot.delivery.senders.failures``)."""
        task, kind = job.task, self.kinds.of(job.task)
        metrics.send_failed(failure.kind.value, failure.retry_after)
        if failure.kind is ErrorKind.FLOOD:
            await self._limiter.flood(failure.retry_after)  # logs the pause and the rate
            return Later(failure.retry_after)
        if failure.kind is ErrorKind.GONE:
            logger.info("chat %s is gone (%s): marked blocked", task.chat_id, failure.description)
            await self.subscribers.mark_blocked(task.chat_id)
            await kind.release(job, self)
            return Finished("blocked")
        if failure.kind is ErrorKind.MIGRATED:
            logger.info("chat %s moved to %s", task.chat_id, failure.new_chat_id)
            await self.subscribers.migrate(task.chat_id, failure.new_chat_id)
            await kind.release(job, self)
            job.restart_at(task.with_chat(failure.new_chat_id))
            return Later(0)
        if failure.kind is ErrorKind.TRANSIENT:
            return await self.retry_or_give_up(job, failure.description)
        return await self.give_up(job, failure.description)

    async def retry_or_give_up(self, job: Job, reason: str) -> Step:
        """Retry after a backoff while the job's retry budget (``retry_seconds`` from its
        first failure) lasts, then dead-letter it."""
        job.attempts += 1
        if job.failing_for(time.monotonic()) < self.policy.retry_seconds:
            delay = self.policy.backoff(job.attempts)
            metrics.RETRIES.inc()
            logger.info("delivery to %s failed (%s), retry in %.1fs", job.task.chat_id,
                        reason, delay)  # fmt: skip
            return Later(delay)
        return await self.give_up(job, reason)

    async def unexpected(self, job: Job, error: Exception) -> Step:
        """What a step that raised something unforeseen (a bug, a Redis error other than
        an outage) means: never "permanent" by accident. A job whose messages all went
        out is never a failure: only its record is left, retried until it is stored.
        Anything else is retried within the retry budget, then dead-lettered."""
        if job.all_sent:
            job.attempts += 1
            return Later(self.policy.backoff(job.attempts))
        return await self.retry_or_give_up(job, f"unexpected {error!r}")

    async def give_up(self, job: Job, reason: str) -> Step:
        """Dead-letter the task, give back what it holds and tell the admins (once per
        batch, across processes): for a permanent failure, a bug, a corrupt record."""
        task = job.task
        logger.error("giving up on %s task for %s: %s", task.kind, task.chat_id, reason)
        metrics.DEAD_LETTERED.inc()
        await self._dead_letters.add(
            job.entry.fields.get(FIELD, ""), reason, job.attempts, self.claimer
        )
        await self.kinds.of(task).release(job, self)
        batch, chat = task.batch_id, task.chat_id

        def text(lang: str) -> str:  # each admin reads it in their own language
            return t(lang, "alert.push_failed", push=batch, chat=chat, error=reason)

        await self._alerts.send_once(f"deadletter:{batch}", text)
        return Finished("failed")
