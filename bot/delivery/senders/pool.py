"""The sender pool: ``concurrency`` delivery slots fed from the outbox by one process.

Loops of a pool (``asyncio.Task`` objects the pool keeps and ends on ``stop``):
- reader: reads only as many new tasks as the slots can start now (XREADGROUP), so the
  rest of a push stays in the stream for the other processes;
- reclaimer: takes over tasks another sender left pending longer than ``reclaim_after``;
- heartbeat: re-claims the tasks this process holds so nobody mistakes them for abandoned;
- acks: acknowledges finished tasks in batches and counts their outcomes
  (``Outbox.finish``);
- timer: hands deferred tasks back to the slots when their moment comes;
- slots: run delivery steps (``Deliverer.step``).

``stop()`` stops reading, lets the slots finish the step they are in, acknowledges what
finished and hands everything else back to the stream, where another sender reads it at
once (a task cut mid-step keeps its ledger claim, so it waits until that goes stale);
``abort()``
ends everything at once, as a crash would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final

from telegram import Bot

import bot.ops.metrics as metrics
from bot.delivery.kinds.builtin import builtin_kinds
from bot.delivery.kinds.registry import KindRegistry
from bot.delivery.limits.limiter import RateLimiter
from bot.delivery.queue.batch_summary import summarise_if_finished
from bot.delivery.queue.held import HeldJobs, Job
from bot.delivery.queue.tasks import FIELD, BadTask
from bot.delivery.senders.alerts import AdminAlerts
from bot.delivery.senders.deliverer import Deliverer, DeliveryPolicy, Finished, Later, Step
from bot.delivery.senders.variants import ContentCache
from bot.digest.categories import CategoryRules
from bot.runtime import Runtime
from bot.settings import Settings
from bot.store.digest_cache import DigestCache
from bot.store.errors import StoreUnavailable
from bot.store.outbox import Entry
from bot.store.progress import Outcome
from bot.store.stores import Stores

logger = logging.getLogger(__name__)

FLUSH_SECONDS: Final = 0.05  # finished tasks are acknowledged in batches this often
STORE_RETRY_SECONDS: Final = 2.0


@dataclass(frozen=True)
class PoolConfig:
    """How one process sends."""

    concurrency: int = 16
    reclaim_after: float = 60.0  # seconds a task may sit unacknowledged before takeover
    read_block_ms: int = 1000
    policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)

    @property
    def read_batch(self) -> int:
        """How many new tasks a read asks for at least while the slots have work."""
        return max(1, self.concurrency // 4)

    @property
    def hold_limit(self) -> int:
        """How many tasks this process holds at most (ready, deferred and in flight)."""
        return max(64, self.concurrency * 8)

    @classmethod
    def from_settings(cls, settings: Settings) -> PoolConfig:
        """The pool the settings describe."""
        reclaim = settings.delivery_reclaim_seconds
        return cls(
            concurrency=settings.sender_concurrency,
            reclaim_after=reclaim,
            policy=DeliveryPolicy(
                retry_seconds=settings.delivery_retry_seconds,
                stale_after=reclaim,
                paid_broadcast=settings.paid_broadcast,
            ),
        )


def consumer_name() -> str:
    """A consumer name unique to this process (host, pid and a random suffix)."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class SenderPool:
    """One process's senders over ``client``; ``start()`` then ``await stop()``."""

    def __init__(
        self,
        *,
        stores: Stores,
        bot: Bot,
        rate: float,
        admin_ids: frozenset[int] = frozenset(),
        config: PoolConfig = PoolConfig(),
        name: str | None = None,
        rules: CategoryRules | None = None,
        kinds: KindRegistry | None = None,
        digest_cache: DigestCache | None = None,
    ) -> None:
        self.name = name or consumer_name()
        self.kinds = kinds or builtin_kinds(stores)
        self.bot = bot
        self.outbox = stores.outbox
        self._config = config
        self._held = HeldJobs()
        self._alerts = AdminAlerts(
            stores.alert_claims, bot, admin_ids, languages=stores.admin_languages
        )
        self._deliverer = Deliverer(
            bot=bot,
            claimer=self.name,
            kinds=self.kinds,
            ledger=stores.ledger,
            subscribers=stores.subscribers,
            content=ContentCache(digest_cache or DigestCache(stores.digests), rules),
            limiter=RateLimiter(stores.send_slots, rate),
            dead_letters=stores.dead_letters,
            alerts=self._alerts,
            policy=config.policy,
            stores=stores,
        )
        self._dead_letters = stores.dead_letters
        self._progress = stores.progress
        self._batch_kinds: dict[str, str] = {}  # kind of each batch with tasks to flush
        self._finished: dict[str, list[tuple[str, Outcome]]] = defaultdict(list)
        self._room = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._timer: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        # Set first by stop(): no new task is read, reclaimed or started; tasks with some
        # messages out still finish (a later sender would send those messages again).
        self._closing = asyncio.Event()
        self._slots: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()  # set while no slot is in the middle of a step
        self._idle.set()
        self._in_step = 0
        self._stepping: set[str] = set()  # entry ids of the jobs in a step right now
        self._cut: set[str] = set()  # those still in a step when stop() gave up waiting
        self.delivered = 0  # tasks this process finished (any outcome), for reports

    async def start(self) -> None:
        """Join the consumer group and start every loop."""
        await self.outbox.ensure_group()
        self._room.set()
        reclaim_every = max(0.05, self._config.reclaim_after / 4)
        heartbeat_every = max(0.02, self._config.reclaim_after / 3)
        self._loops = [
            asyncio.create_task(self._guarded("reader", self._read_once, 0, self._closing)),
            asyncio.create_task(
                self._guarded("reclaimer", self._reclaim_once, reclaim_every, self._closing)
            ),
            asyncio.create_task(self._guarded("heartbeat", self._heartbeat_once, heartbeat_every)),
            asyncio.create_task(self._guarded("acks", self._flush, FLUSH_SECONDS)),
        ]
        self._timer = asyncio.create_task(self._held.run_timer())
        self._slots = [
            asyncio.create_task(self._slot(), name=f"{self.name}-slot-{i}")
            for i in range(self._config.concurrency)
        ]
        logger.info("sender %s started with %d slots", self.name, self._config.concurrency)

    async def stop(self, grace: float = 10.0) -> None:
        """Stop reading and start no new task, let the sends in flight and the tasks that
        sent some of their messages finish (up to ``grace`` seconds), acknowledge what
        finished, hand every other held task back (``hand_back``) for the other senders to
        read at once. Redis commands are left to complete rather than cancelled (a
        cancelled blocking read would leave its connection unusable)."""
        self._closing.set()
        self._room.set()
        # The heartbeat, acks and timer go on meanwhile: what is held stays ours.
        await self._finish_part_sent(grace)
        self._stopping.set()
        _, late = await asyncio.wait(self._loops, timeout=self._config.read_block_ms / 1000 + 2)
        for task in (*late, *self._timers()):
            task.cancel()
        await asyncio.gather(*self._loops, *self._timers(), return_exceptions=True)
        self._cut = set(self._stepping)  # no await before the cancel: exactly those cut
        for task in self._slots:
            task.cancel()
        await asyncio.gather(*self._slots, return_exceptions=True)
        await self._record_what_went_out()
        await self._deliverer.drain()
        try:
            await self._flush()
        except StoreUnavailable:  # left pending: whoever reclaims them finds the ledger
            logger.warning("sender %s could not acknowledge its last tasks", self.name)
        handed = await self._hand_back()
        await self._alerts.close()
        logger.info(
            "sender %s stopped; %d tasks handed back to the other senders",
            self.name,
            handed,
            extra={"sender": self.name, "handed_back": handed},
        )

    async def _finish_part_sent(self, grace: float) -> None:
        """Wait (up to ``grace`` seconds) until no slot is in a step and no held task has
        sent only some of its messages: those finish here, at their chat's pace, since a
        task handed back part-sent would be sent whole again by whoever takes it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._in_step or any(job.message_ids for job in self._held.jobs()):
            if loop.time() >= deadline:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), max(0.0, deadline - loop.time()))
            await asyncio.sleep(0.02)  # a part-sent task waits for its chat's pace

    async def _hand_back(self) -> int:
        """Put every task still held back in the stream for the other senders to read at
        once (not after ``reclaim_after``); if Redis cannot take them, they stay pending
        and are reclaimed as a dead sender's would be.

        A task that sent nothing and was not cut mid-step gives its ledger claim back
        first, so its next sender need not wait for the claim to go stale. A task cut
        mid-step, or with some of its messages sent, keeps its claim: whether its send
        went out is unknown, so it waits for the claim to go stale, as after a crash."""
        try:
            for job in self._held.jobs():
                if job.entry_id not in self._cut and not job.message_ids:
                    await self.kinds.of(job.task).release(job, self._deliverer)
            return await self.outbox.hand_back(self.name, self._held.entry_ids())
        except StoreUnavailable:
            logger.warning(
                "sender %s could not hand back its %d unfinished tasks; they are taken "
                "over after the reclaim timeout",
                self.name,
                len(self._held),
            )
            return 0

    async def _record_what_went_out(self) -> None:
        """Before leaving, one more try at the records that failed while Redis was away
        (their messages went out): left pending, they would be sent again by whoever
        reclaims them."""
        for job in self._held.jobs():
            if not job.all_sent:
                continue
            try:
                step = await self._deliverer.step(job)
            except Exception as error:  # still away: the reclaimer's ledger check is all left
                logger.warning("sender %s could not record its delivery to %s: %s",
                               self.name, job.task.chat_id, error)  # fmt: skip
                continue
            if isinstance(step, Finished):
                self._finish(job, step.outcome)

    async def abort(self) -> None:
        """Stop as a crash would: cancel everything at once and acknowledge nothing (what
        ``kill -9`` does to a process; tests and benchmarks use it to prove the takeover)."""
        for task in (*self._loops, *self._timers(), *self._slots):
            task.cancel()
        await asyncio.gather(*self._loops, *self._timers(), *self._slots, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._deliverer.drain()  # let a batch already in Redis come back
        await self._alerts.close()

    def _timers(self) -> list[asyncio.Task[None]]:
        return [] if self._timer is None else [self._timer]

    # --- loops -------------------------------------------------------------------------
    async def _guarded(
        self,
        name: str,
        body: Callable[[], Awaitable[None]],
        every: float,
        until: asyncio.Event | None = None,
    ) -> None:
        """Run ``body`` until ``until`` is set (default: the end of ``stop()``), ``every``
        seconds apart; an outage or a bug is logged and retried, never allowed to end the
        loop."""
        end = until or self._stopping
        while not end.is_set():
            try:
                await body()
            except StoreUnavailable as error:
                _raise_if_cancelled()
                logger.warning("sender %s %s: %s; retrying", self.name, name, error)
                await self._pause(STORE_RETRY_SECONDS, end)
            except Exception:
                _raise_if_cancelled()
                logger.exception("sender %s %s failed; retrying", self.name, name)
                await self._pause(STORE_RETRY_SECONDS, end)
            await self._pause(every, end)

    async def _pause(self, seconds: float, end: asyncio.Event) -> None:
        """Sleep ``seconds``, or less when ``end`` is set."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(end.wait(), seconds)

    async def _read_once(self) -> None:
        # Read only what the slots can start on now: tasks left in the stream stay
        # available to the other processes, so a push spreads over every sender.
        room = min(
            self._config.concurrency - self._held.waiting(),
            self._config.hold_limit - len(self._held),
        )
        # While the slots have work, wait until a quarter of them could start a new task:
        # one read of many entries instead of one read per finished task.
        if room <= 0 or (room < self._config.read_batch and self._held.waiting() > 0):
            self._room.clear()
            await self._room.wait()
            return
        await self._take(await self.outbox.read(self.name, room, self._config.read_block_ms))

    async def _reclaim_once(self) -> None:
        room = self._config.hold_limit - len(self._held)
        if room <= 0:
            return
        min_idle_ms = int(self._config.reclaim_after * 1000)
        entries = await self.outbox.reclaim(self.name, min_idle_ms, room)
        mine = set(self._unacknowledged())
        entries = [
            e for e in entries if not self._held.holds(e.entry_id) and e.entry_id not in mine
        ]
        if entries:
            logger.info("sender %s reclaimed %d abandoned tasks", self.name, len(entries))
        await self._take(entries)

    async def _heartbeat_once(self) -> None:
        await self.outbox.touch(self.name, [*self._held.entry_ids(), *self._unacknowledged()])

    def _unacknowledged(self) -> list[str]:
        """Finished entries whose acknowledgement has not reached Redis yet (still ours)."""
        return [entry_id for batch in self._finished.values() for entry_id, _ in batch]

    async def _slot(self) -> None:
        while True:
            job = await self._held.get()
            if self._stopping.is_set():
                return  # the job stays held; stop() hands it back
            if self._closing.is_set() and not job.message_ids:
                continue  # not started: held for stop() to hand back
            self._room.set()
            self._in_step += 1
            self._stepping.add(job.entry_id)
            self._idle.clear()
            try:
                step = await self._run_step(job)
                _raise_if_cancelled()
            finally:
                self._stepping.discard(job.entry_id)
                self._in_step -= 1
                if not self._in_step:
                    self._idle.set()
            if isinstance(step, Finished):
                self._finish(job, step.outcome)
            elif step.seconds <= 0:
                self._held.ready(job)
            else:
                self._held.defer(job, step.seconds)

    # --- helpers -----------------------------------------------------------------------
    async def _run_step(self, job: Job) -> Step:
        """One delivery step; an outage defers the task, anything unforeseen is retried
        within the retry budget (``Deliverer.unexpected``)."""
        try:
            return await self._deliverer.step(job)
        except StoreUnavailable as error:
            _raise_if_cancelled()
            logger.warning("store unavailable delivering to %s (%s)", job.task.chat_id, error)
            return Later(STORE_RETRY_SECONDS)
        except Exception as error:
            _raise_if_cancelled()
            logger.exception("unexpected error delivering %s", job.task)
            try:
                return await self._deliverer.unexpected(job, error)
            except Exception:
                logger.exception("could not dead-letter %s; keeping it", job.task)
                return Later(STORE_RETRY_SECONDS)

    async def _take(self, entries: list[Entry]) -> None:
        """Hold newly read or reclaimed entries; dead-letter what cannot be a task."""
        bad: list[str] = []
        for entry in entries:
            try:
                task = self.kinds.decode(entry.fields)
            except BadTask as error:
                logger.error("outbox entry %s is not a task: %s", entry.entry_id, error)
                raw = entry.fields.get(FIELD, repr(entry.fields))
                await self._dead_letters.add(raw, f"not a task: {error}", 0, self.name)
                bad.append(entry.entry_id)
                continue
            self._held.add(Job(entry, task))
        await self.outbox.ack(bad)

    def _finish(self, job: Job, outcome: Outcome) -> None:
        metrics.task_finished(job.task.kind, outcome)
        self._finished[job.task.batch_id].append((job.entry_id, outcome))
        self._batch_kinds[job.task.batch_id] = job.task.kind
        self._held.drop(job)
        self.delivered += 1
        self._room.set()

    async def _flush(self) -> None:
        """Acknowledge finished tasks and count their outcomes (one script call per batch).
        What Redis did not take stays for the next flush (ack.lua counts an entry once,
        even if a failed call did reach Redis), so a delivery made during an outage is
        still counted as sent, not as "skipped" by whoever would have reclaimed it."""
        # Taken together: a task finishing during this flush's awaits goes to the next one.
        batches, self._finished = self._finished, defaultdict(list)
        kinds, self._batch_kinds = self._batch_kinds, {}
        pending = list(batches.items())
        acknowledged: list[str] = []
        while pending:
            batch_id, outcomes = pending[0]
            try:
                if await self.outbox.finish(batch_id, outcomes):
                    acknowledged.append(batch_id)
            except StoreUnavailable:
                for batch_id, outcomes in pending:
                    self._finished[batch_id][:0] = outcomes
                    self._batch_kinds.setdefault(batch_id, kinds[batch_id])
                raise
            pending.pop(0)
        for batch_id in acknowledged:
            try:
                await summarise_if_finished(self._progress, batch_id, kinds.get(batch_id))
            except StoreUnavailable:  # the counts are stored; only the log line is lost
                logger.warning("sender %s could not check whether %s finished", self.name, batch_id)


def _raise_if_cancelled() -> None:
    """Re-raise a cancellation that a library turned into another error: redis-py reports
    a command cancelled mid-read as a closed connection, which the loops would otherwise
    log and retry forever, so ``stop()`` would never return."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def start_senders(runtime: Runtime, bot: Bot) -> SenderPool:
    """Start this process's sender pool on ``runtime`` as its settings describe; stop it
    with ``await pool.stop()`` (``bot.delivery.senders.startup`` does both)."""
    settings = runtime.settings
    pool = SenderPool(
        stores=runtime.stores,
        bot=bot,
        rate=settings.rate_limit_per_second,
        admin_ids=settings.admin_ids,
        config=PoolConfig.from_settings(settings),
        rules=runtime.rules,
        digest_cache=runtime.digest_cache,
    )
    await pool.start()
    return pool
