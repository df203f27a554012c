"""The admin's statistics of one digest date, from what Redis keeps for good (the
subscribers, the date's delivery ledger, the dead letters, the read counts), so they are
the same from any process and after any restart:

- subscribers by status and by language (of the active ones);
- the push of that date: ``delivered`` (a delivery recorded in the ledger), ``failed``
  (dead-lettered and not delivered), ``blocked`` (readers marked blocked who do not have
  it), ``pending`` (active readers who do not have it yet: their push time has not come,
  or it is on its way);
- per item: how many distinct readers opened it, and that as a share of ``delivered``;
- the last 7 digests: delivered and opened items per date.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from bot.store.stores import Stores

TREND_DAYS = 7


@dataclass(frozen=True)
class ItemReads:
    """One item: its number, headline, distinct readers who opened it, share of delivered."""

    number: int
    title: str
    reads: int
    rate: float


@dataclass(frozen=True)
class PushCounts:
    """The date's push: delivered / failed / blocked / pending readers."""

    delivered: int
    failed: int
    blocked: int
    pending: int


@dataclass(frozen=True)
class DayTrend:
    """One date of the trend: readers delivered, items opened (all readers together)."""

    date: str
    delivered: int
    reads: int


@dataclass(frozen=True)
class Stats:
    """Everything ``/stats`` and ``briefbot stats`` show for ``date``."""

    date: str
    subscribers: dict[str, int]
    languages: dict[str, int]
    push: PushCounts
    items: list[ItemReads]
    trend: list[DayTrend]

    def to_json(self) -> str:
        """The ``briefbot stats --json`` document."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


class NoDigest(LookupError):
    """No digest is stored (for the date asked, or at all)."""


class StatsService:
    """Computes ``Stats`` over one bot's stores."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    async def of(self, date: str | None) -> Stats:
        """The statistics of ``date`` (the newest stored digest when None); ``NoDigest``
        when there is no such digest."""
        archive = self._stores.digests
        digest = await (archive.latest() if date is None else archive.load(date))
        if digest is None:
            raise NoDigest(date or "")
        statuses: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        active: list[int] = []
        blocked: list[int] = []
        async for subscriber in self._stores.subscribers.iter_all():
            statuses[subscriber.status] += 1
            if subscriber.status == "active":
                languages[subscriber.language] += 1
                active.append(subscriber.chat_id)
            elif subscriber.status == "blocked":
                blocked.append(subscriber.chat_id)
        delivered = {
            entry.chat_id
            async for entry in self._stores.ledger.deliveries(digest.date)
            if entry.sent
        }
        failed = await self._dead_lettered(digest.date) - delivered
        push = PushCounts(
            delivered=len(delivered),
            failed=len(failed),
            blocked=len(set(blocked) - delivered),
            pending=len(set(active) - delivered - failed),
        )
        counts = await self._stores.reads.read_counts(digest.date)
        items = [
            ItemReads(
                item.number,
                item.title,
                counts.get(item.number, 0),
                round(counts.get(item.number, 0) / len(delivered), 3) if delivered else 0.0,
            )
            for item in digest.items
        ]
        return Stats(
            digest.date,
            {status: statuses[status] for status in ("active", "paused", "stopped", "blocked")},
            dict(sorted(languages.items())),
            push,
            items,
            await self._trend(),
        )

    async def _dead_lettered(self, date: str) -> set[int]:
        """Chats whose push task of ``date`` is in the dead-letter stream."""
        chats: set[int] = set()
        async for letter in self._stores.dead_letters:
            try:
                task = json.loads(letter.task)
            except ValueError:
                continue
            if isinstance(task, dict) and task.get("kind") == "push" and task.get("date") == date:
                chat = task.get("chat")
                if isinstance(chat, int):
                    chats.add(chat)
        return chats

    async def _trend(self) -> list[DayTrend]:
        """The newest ``TREND_DAYS`` digests, oldest first."""
        trend = []
        for day in reversed(await self._stores.digests.dates(TREND_DAYS)):
            delivered = sum(
                [1 async for entry in self._stores.ledger.deliveries(day) if entry.sent]
            )
            reads = sum((await self._stores.reads.read_counts(day)).values())
            trend.append(DayTrend(day, delivered, reads))
        return trend
