"""The tasks one sender process holds: ready to work on now, or deferred until a moment.

A task whose chat is not ready (its pace, a retry backoff, a flood pause) waits here, not in
a sender slot, so the slots keep serving other chats. Every held task stays pending in the
outbox under this process's consumer name until it is finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from dataclasses import dataclass, field

from bot.delivery.queue.tasks import Task
from bot.store.ledger import Variant
from bot.store.outbox import Entry


@dataclass(eq=False)
class Job:
    """One held task and what this process knows about it so far."""

    entry: Entry
    task: Task
    attempts: int = 0
    # What message-sending kinds keep between steps: the rendered messages (None until
    # rendered), the content they came from, and the ids of those already sent.
    messages: tuple[dict[str, object], ...] | None = None
    content_hash: str = ""
    variant: Variant | None = None  # what the messages were rendered as (the ledger keeps it)
    message_ids: list[int] = field(default_factory=list)
    # When the failures still going on began (monotonic seconds; None while none is): the
    # retry budget is counted from there.
    failing_since: float | None = None

    @property
    def entry_id(self) -> str:
        """The outbox entry id."""
        return self.entry.entry_id

    @property
    def all_sent(self) -> bool:
        """Every rendered message went out: only recording them is left (after a Redis
        outage between the last send and its record, that record is what is retried)."""
        return self.messages is not None and len(self.message_ids) >= len(self.messages)

    def failing_for(self, now: float) -> float:
        """Seconds the job has been failing, counting from its first failure since it last
        made progress (0 at that first failure)."""
        if self.failing_since is None:
            self.failing_since = now
        return now - self.failing_since

    def restart_at(self, task: Task) -> None:
        """Deliver afresh, to ``task``'s chat (after a migration)."""
        self.task = task
        self.messages = None
        self.message_ids = []
        self.failing_since = None


class HeldJobs:
    """Ready queue plus a timer heap; ``get()`` hands out the next ready job."""

    def __init__(self) -> None:
        self._ready: asyncio.Queue[Job] = asyncio.Queue()
        self._delayed: list[tuple[float, int, Job]] = []
        self._order = itertools.count()
        self._held: dict[str, Job] = {}
        self._changed = asyncio.Event()

    def __len__(self) -> int:
        return len(self._held)

    def waiting(self) -> int:
        """Jobs ready to be worked on that no slot has taken yet."""
        return self._ready.qsize()

    def entry_ids(self) -> list[str]:
        """Every held entry id (for the heartbeat that keeps them ours)."""
        return list(self._held)

    def jobs(self) -> list[Job]:
        """Every job held (ready, deferred or in a step)."""
        return list(self._held.values())

    def holds(self, entry_id: str) -> bool:
        """Whether this process already holds the entry (a reclaim may return it again)."""
        return entry_id in self._held

    def add(self, job: Job) -> None:
        """Hold a new job, ready now."""
        self._held[job.entry_id] = job
        self._ready.put_nowait(job)

    def ready(self, job: Job) -> None:
        """Put a held job back to be worked on now."""
        self._ready.put_nowait(job)

    def defer(self, job: Job, seconds: float) -> None:
        """Work on the held job again after ``seconds``."""
        heapq.heappush(self._delayed, (time.monotonic() + seconds, next(self._order), job))
        self._changed.set()

    def drop(self, job: Job) -> None:
        """The job is finished (or given up by this process)."""
        self._held.pop(job.entry_id, None)

    async def get(self) -> Job:
        """The next ready job (waits for one)."""
        return await self._ready.get()

    async def run_timer(self) -> None:
        """Move deferred jobs to the ready queue when their moment comes (runs forever)."""
        while True:
            self._changed.clear()
            now = time.monotonic()
            while self._delayed and self._delayed[0][0] <= now:
                self._ready.put_nowait(heapq.heappop(self._delayed)[2])
            timeout = self._delayed[0][0] - now if self._delayed else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
