"""APScheduler wiring: the lease, the planner tick and the digest poll as interval jobs.

Every process runs the jobs; only the one holding the scheduler lease plans and polls, so
several processes can run side by side and one takes over when the leader dies. The first
run of each job is right at start, which is also what catches up after downtime.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot

from bot.corrections.messages import CorrectionAlerts
from bot.corrections.service import CorrectionService
from bot.delivery.queue.outbox import Outbox
from bot.delivery.senders.alerts import AdminAlerts
from bot.runtime import Runtime
from bot.scheduler.channels import ChannelPlanner
from bot.scheduler.planner import Planner
from bot.services.audit import AuditTrail
from bot.settings import Settings
from bot.sources.folder import FolderSource
from bot.sources.found import DigestSource
from bot.sources.poller import DigestPoller
from bot.sources.url import UrlSource
from bot.store.lease import Lease

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]
# How long shutdown waits for a running job before cancelling it (at most a quarter of
# SHUTDOWN_TIMEOUT_SECONDS).
STOP_GRACE_SECONDS = 5.0


@dataclass
class Scheduling:
    """The running scheduler of one process; ``await stop()`` on shutdown."""

    settings: Settings
    lease: Lease
    planner: Planner
    poller: DigestPoller
    scheduler: AsyncIOScheduler
    session: aiohttp.ClientSession | None
    channels: ChannelPlanner | None = None  # posts to connected channels, after the push
    _running: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def is_leader(self) -> bool:
        """Whether this process holds the scheduler lease right now."""
        return self.lease.held

    async def renew_lease(self) -> None:
        """Keep (or take) the lease; runs more often than it expires."""
        await self.lease.acquire_or_renew()

    async def tick(self) -> None:
        """One planner round, if this process is the leader."""
        if await self.lease.acquire_or_renew():
            await self.planner.tick()
            if self.channels is not None:
                await self.channels.tick()

    async def poll(self) -> None:
        """One round over the digest sources, if this process is the leader."""
        if self.lease.held or await self.lease.acquire_or_renew():
            await self.poller.poll()

    def guarded(
        self, name: str, job: Callable[[], Awaitable[None]]
    ) -> Callable[[], Awaitable[None]]:
        """Wrap a job: an error is logged and the job runs again next interval (Redis down
        for a minute must not stop scheduling for good); the running task is kept so
        ``stop`` can wait for it."""

        async def run() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await job()
            except Exception:
                logger.exception("scheduler job %s failed; it runs again next interval", name)
            finally:
                if task is not None:
                    self._running.discard(task)

        return run

    def start(self) -> None:
        """Add the jobs and start them in the running event loop; the first round of each
        runs at once."""
        settings = self.settings
        # APScheduler runs on real time; the injected clock is what the planner reasons with.
        now = datetime.now(UTC)
        jobs: tuple[tuple[str, Job, float, datetime], ...] = (
            ("lease", self.renew_lease, settings.scheduler_lease_seconds / 3, now),
            # The first poll runs before the first tick, so a digest already in the folder
            # is stored before catch-up decides who waits for it.
            ("poll", self.poll, settings.digest_poll_seconds, now),
            ("tick", self.tick, settings.scheduler_tick_seconds, now + timedelta(seconds=1)),
        )
        for name, job, seconds, first in jobs:
            self.scheduler.add_job(
                self.guarded(name, job),
                "interval",
                seconds=seconds,
                id=f"briefbot-{name}",
                name=f"briefbot {name}",
                next_run_time=first,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )
        self.scheduler.start()
        logger.info(
            "scheduler started: tick every %gs, poll every %gs, lease %gs",
            settings.scheduler_tick_seconds,
            settings.digest_poll_seconds,
            settings.scheduler_lease_seconds,
        )

    async def stop(self) -> None:
        """Stop the jobs, give a running one a few seconds to finish (then cancel it), give
        the lease up, close HTTP."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        running = set(self._running)
        if running:
            grace = min(STOP_GRACE_SECONDS, self.settings.shutdown_timeout_seconds / 4)
            _, late = await asyncio.wait(running, timeout=grace)
            # A fetch still retrying, or a tick cut mid-batch: safe to drop, since the
            # next leader plans unrescheduled readers again and the ledger stops repeats.
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        try:
            await self.lease.release()
        except Exception:
            logger.warning("could not release the scheduler lease; it expires by itself")
        if self.session is not None:
            await self.session.close()


def build_sources(runtime: Runtime, session: aiohttp.ClientSession | None) -> list[DigestSource]:
    """``DIGEST_URL`` when it is set (it then replaces the folder), else ``DIGEST_DIR``."""
    settings, rules = runtime.settings, runtime.rules
    if settings.digest_url and session is not None:
        validators = runtime.stores.url_validators
        return [UrlSource(session, settings.digest_url, validators, rules=rules)]
    return [FolderSource(settings.digest_dir, rules)]


def build_scheduling(runtime: Runtime, bot: Bot) -> Scheduling:
    """The lease, planner and poller of one process on ``runtime``, not started yet;
    ``bot`` sends the admins' alerts."""
    settings, stores = runtime.settings, runtime.stores
    session = aiohttp.ClientSession() if settings.digest_url else None
    planner = Planner(
        stores.due,
        stores.waiting,
        stores.digests,
        Outbox.of(stores),
        cutoff=timedelta(hours=settings.push_cutoff_hours),
        clock=runtime.clock,
    )
    poller = DigestPoller(
        build_sources(runtime, session),
        stores.digests,
        AdminAlerts(stores.alert_claims, bot, settings.admin_ids, languages=stores.admin_languages),
        runtime.clock,
        settings.bot_timezone,
        waiting_dates=planner.waiting.dates,
        on_stored=planner.digest_arrived,
        on_held=CorrectionAlerts(
            CorrectionService(stores, runtime.rules, AuditTrail(stores.audit)),
            stores.alert_claims,
            bot,
            settings.admin_ids,
            stores.admin_languages,
        ).found,
    )
    channels = ChannelPlanner(
        stores.channels,
        stores.digests,
        Outbox.of(stores),
        cutoff=timedelta(hours=settings.push_cutoff_hours),
        clock=runtime.clock,
    )
    return Scheduling(
        settings, stores.lease, planner, poller, AsyncIOScheduler(timezone=UTC), session,
        channels,
    )  # fmt: skip
