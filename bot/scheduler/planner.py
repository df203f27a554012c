"""The push-day rule: who is due now, which digest they get, and who has to wait for it.

Each reader gets the digest of *their own local date* at their push instant; never an
older one. If that digest is not stored yet, they wait for it until push instant +
``PUSH_CUTOFF_HOURS`` and get it the moment it is stored; past that they are skipped for
the day. Either way they are rescheduled to their next push instant. After downtime, a
reader whose latest push instant lies within the cutoff is caught up; older ones are
skipped. Time comes from an injected clock, so tests can move it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery.kinds.push import enqueue_push
from bot.delivery.queue.outbox import Outbox
from bot.services.errors import InvalidSetting
from bot.store.clock import Clock
from bot.store.digests import DigestArchive
from bot.store.due import DueIndex
from bot.store.next_push import next_push_instant
from bot.store.subscriber import parse_push_time
from bot.store.waiting import WaitingReaders

logger = logging.getLogger(__name__)

BATCH = 1000
# Batches planned at once: while Redis works on one batch's pipeline, Python prepares the
# next, which roughly halves a large tick's wall time.
PARALLEL_BATCHES = 4
# Two push instants of one reader are never closer than this (a spring-forward day is
# 23 h; a margin for zones that moved by more than an hour).
_SHORTEST_DAY = timedelta(hours=20)
_JUST_BEFORE = timedelta(microseconds=1)


def instant_to_serve(
    scheduled: datetime, now: datetime, zone: ZoneInfo, at: time, cutoff: timedelta
) -> datetime | None:
    """The push a reader due since ``scheduled`` gets at ``now``: their latest push instant
    at or before ``now`` (local time ``at`` in ``zone``), unless even that one is older than
    ``cutoff`` (missed during downtime): then None. The digest date is that instant's local
    date. Pure, so the rule is tested directly over many zones and instants."""
    oldest = now - cutoff
    instant = scheduled
    if instant < oldest:
        # Downtime: the scheduled instant is too old, but a later one may be recent enough.
        instant = next_push_instant(oldest - _JUST_BEFORE, zone, at)
        if instant > now:
            return None
    if now - instant >= _SHORTEST_DAY:
        # Only with a cutoff of about a day: a later push instant may have come too.
        later = next_push_instant(instant, zone, at)
        while later <= now:
            instant, later = later, next_push_instant(later, zone, at)
    return instant


def scheduled_push_id(date: str) -> str:
    """The push id of a date's scheduled push: one per date, whichever tick enqueued it."""
    return f"scheduled-{date}"


@dataclass
class TickReport:
    """What one tick did, for the log and for tests."""

    enqueued: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    released: dict[str, int] = field(default_factory=dict)
    missed: int = 0
    gave_up: int = 0

    def __bool__(self) -> bool:
        return bool(self.enqueued or self.waiting or self.released or self.missed or self.gave_up)

    def __str__(self) -> str:
        """``enqueued 12 (2025-07-21: 12); 3 waiting (2025-07-22: 3); 1 missed`` for the log."""
        parts = []
        for label, counts in (
            ("enqueued", self.enqueued),
            ("waiting", self.waiting),
            ("released", self.released),
        ):
            if counts:
                days = ", ".join(f"{day}: {count}" for day, count in sorted(counts.items()))
                parts.append(f"{label} {sum(counts.values())} ({days})")
        if self.missed:
            parts.append(f"missed {self.missed}")
        if self.gave_up:
            parts.append(f"gave up on {self.gave_up}")
        return "; ".join(parts) or "nothing to do"


@dataclass(frozen=True)
class _Due:
    """One due reader: the push instant that counts and the digest date it asks for."""

    chat_id: int
    date: str
    instant: datetime


class Planner:
    """Runs the push-day rule over the due index; only the lease holder calls ``tick``."""

    def __init__(
        self,
        due: DueIndex,
        waiting: WaitingReaders,
        archive: DigestArchive,
        outbox: Outbox,
        cutoff: timedelta,
        clock: Clock,
        batch: int = BATCH,
    ) -> None:
        self._archive = archive
        self._outbox = outbox
        self._cutoff = cutoff
        self._clock = clock
        self._batch = batch
        self._due = due
        self.waiting = waiting
        # A tick and a digest arrival must not interleave: one could add waiters for a
        # date while the other enqueues and clears that date's waiting set.
        self._lock = asyncio.Lock()

    async def tick(self) -> TickReport:
        """Release waiters whose digest is stored, plan every due reader, drop waiters past
        their cutoff."""
        async with self._lock:
            now = self._clock()
            report = TickReport()
            stored: dict[str, bool] = {}
            await self._release_all(now, report, stored)
            seen: set[int] = set()
            while True:
                entries = [e for e in await self._due_entries(now) if e[0] not in seen]
                if not entries:
                    break
                seen.update(chat for chat, _ in entries)
                chunks = [
                    entries[start : start + self._batch]
                    for start in range(0, len(entries), self._batch)
                ]
                await asyncio.gather(*(self._plan(c, now, report, stored) for c in chunks))
            report.gave_up = await self.waiting.give_up(now)
            if report:
                logger.info("scheduler tick: %s", report, extra=dataclasses.asdict(report))
            return report

    async def digest_arrived(self, date: str) -> int:
        """A digest was stored: enqueue everyone waiting for it now; returns how many."""
        async with self._lock:
            report = TickReport()
            await self._release(date, self._clock(), report)
            return report.released.get(date, 0)

    async def _release_all(
        self, now: datetime, report: TickReport, stored: dict[str, bool]
    ) -> None:
        for date in await self.waiting.dates():
            if await self._is_stored(date, stored):
                await self._release(date, now, report)

    async def _release(self, date: str, now: datetime, report: TickReport) -> None:
        async for chats in self.waiting.waiters(date, now):
            queued = await enqueue_push(self._outbox, date, chats, scheduled_push_id(date))
            report.released[date] = report.released.get(date, 0) + queued
        await self.waiting.finish(date)

    async def _due_entries(self, now: datetime) -> list[tuple[int, datetime]]:
        """The earliest due readers with their scheduled instants."""
        return await self._due.due_scheduled(now, self._batch * PARALLEL_BATCHES)

    async def _plan(
        self,
        entries: list[tuple[int, datetime]],
        now: datetime,
        report: TickReport,
        stored: dict[str, bool],
    ) -> None:
        due, missed, inactive, broken = await self._resolve(entries, now)
        by_date: dict[str, list[_Due]] = defaultdict(list)
        for item in due:
            by_date[item.date].append(item)
        for date, items in by_date.items():
            chats = [item.chat_id for item in items]
            if await self._is_stored(date, stored):
                queued = await enqueue_push(self._outbox, date, chats, scheduled_push_id(date))
                report.enqueued[date] = report.enqueued.get(date, 0) + queued
            else:
                give_up = {i.chat_id: (i.instant + self._cutoff).timestamp() for i in items}
                await self.waiting.add(date, give_up)
                report.waiting[date] = report.waiting.get(date, 0) + len(items)
        report.missed += len(missed)
        if broken:
            # A record the index cannot schedule would come back every tick: drop it.
            logger.warning("dropping %d unschedulable chats from the due index", len(broken))
            await self._due.drop(broken)
        # Only after the push is queued: a crash before this point plans them again, and
        # the delivery ledger turns the repeated push into a no-op.
        # Rescheduling also drops inactive chats (paused, stopped, blocked) from the index.
        rescheduled = [item.chat_id for item in due] + missed + inactive
        await self._due.reschedule_many(rescheduled, now)

    async def _resolve(
        self, entries: list[tuple[int, datetime]], now: datetime
    ) -> tuple[list[_Due], list[int], list[int], list[int]]:
        """Split due readers into those to serve (with their date), those whose push was
        missed beyond the cutoff, inactive ones, and records that cannot be scheduled."""
        records = await self._due.schedules([chat_id for chat_id, _ in entries])
        due: list[_Due] = []
        missed: list[int] = []
        inactive: list[int] = []
        broken: list[int] = []
        for (chat_id, scheduled), (status, tz, at) in zip(entries, records, strict=True):
            if status != "active":
                inactive.append(chat_id)
                continue
            try:
                zone, clock = ZoneInfo(tz), parse_push_time(at)
            except (ZoneInfoNotFoundError, ValueError, InvalidSetting):
                broken.append(chat_id)
                continue
            instant = instant_to_serve(scheduled, now, zone, clock, self._cutoff)
            if instant is None:
                missed.append(chat_id)
                continue
            due.append(_Due(chat_id, instant.astimezone(zone).date().isoformat(), instant))
        return due, missed, inactive, broken

    async def _is_stored(self, date: str, stored: dict[str, bool]) -> bool:
        if date not in stored:
            stored[date] = await self._archive.current_hash(date) is not None
        return stored[date]
