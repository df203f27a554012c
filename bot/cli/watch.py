"""Sending a batch of delivery tasks (a push, a broadcast) from a command-line process
and drawing its progress until every task has an outcome: what ``briefbot push --wait``
and ``briefbot broadcast --wait`` share."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator

from bot.cli.process import stop_signals
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.report import progress_line, redraw, summary
from bot.delivery.senders.startup import own_senders
from bot.runtime import Runtime
from bot.store.errors import StoreUnavailable
from bot.store.progress import BatchProgress

PLAIN_REPORT_SECONDS = 2.0  # a progress line this often when stderr is not a terminal


async def send_and_watch(runtime: Runtime, outbox: Outbox, batch_id: str) -> int:
    """Send with this process's pool and report until the batch is handled or stopped
    (Ctrl-C / SIGTERM: exit 130, unsent tasks stay queued); the exit status."""
    stop = asyncio.Event()
    started = time.monotonic()
    with stop_signals(stop):
        async with own_senders(runtime):
            final = await _watch(outbox, batch_id, stop)
    elapsed = time.monotonic() - started
    if final is None:
        print("\ninterrupted: unsent tasks stay queued for the other senders", file=sys.stderr)
        return 130
    print(("\n" if sys.stderr.isatty() else "") + summary(final, elapsed), file=sys.stderr)
    return 0


async def _watch(outbox: Outbox, batch_id: str, stop: asyncio.Event) -> BatchProgress | None:
    """Draw progress until the batch is finished (its last snapshot) or ``stop`` is set."""
    tty = sys.stderr.isatty()
    first: BatchProgress | None = None
    started = last_line = time.monotonic()
    drawn = ""
    async for snapshot in _snapshots(outbox, batch_id, stop):
        now = time.monotonic()
        first = first or snapshot
        rate = (snapshot.handled - first.handled) / max(now - started, 1e-9)
        if tty:
            line = progress_line(snapshot, rate)
            print(redraw(line, drawn), end="", file=sys.stderr, flush=True)
            drawn = line
        elif now - last_line >= PLAIN_REPORT_SECONDS or snapshot.finished:
            print(progress_line(snapshot, rate), file=sys.stderr, flush=True)
            last_line = now
        if snapshot.finished:
            return snapshot
        if stop.is_set():
            return None
    return None


async def _snapshots(
    outbox: Outbox, batch_id: str, stop: asyncio.Event
) -> AsyncIterator[BatchProgress]:
    """The batch's counters every 0.2 s until it is finished or ``stop`` is set, riding out
    a Redis outage (the senders hold their work meanwhile): one line when Redis goes away,
    the progress again once it is back, never an exit in the middle of a batch."""
    away = False
    while not stop.is_set():
        try:
            snapshot = await outbox.progress.get(batch_id)
        except StoreUnavailable as error:
            if not away:
                print(f"\n{error}; waiting for it to come back", file=sys.stderr, flush=True)
            away = True
            await asyncio.sleep(1.0)
            continue
        away = False
        yield snapshot
        if snapshot.finished:
            return
        await asyncio.sleep(0.2)
