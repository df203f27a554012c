"""Scheduler benchmark: one planner tick that finds and enqueues N due readers, against a
naive baseline (read every subscriber's hash one by one, check its time, enqueue each due
reader alone), side by side in one run; plus the idle tick and the waiting set's memory.

    python benchmarks/scheduler_bench.py [--readers 100000] [--runs 3] [--redis-url URL]

Without ``--redis-url`` it starts briefbot's embedded Redis in a temporary folder. With
one, it writes only under a fresh ``bench-...`` key prefix and deletes it afterwards.
Figures are medians over ``--runs`` runs; each run starts from the same state.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from bot.delivery.kinds.push import PushTask
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.tasks import encode
from bot.digest.parser import parse_digest
from bot.keys import Keys
from bot.scheduler.planner import Planner, scheduled_push_id
from bot.store.connection import make_client
from bot.store.digests import DigestArchive
from bot.store.embedded import EmbeddedRedis
from bot.store.next_push import local_instant
from bot.store.stores import Stores
from bot.store.subscriber import Subscriber, parse_push_time
from bot.store.subscribers import SubscriberStore

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "digests" / "2025-07-21.md"
DATE = "2025-07-21"
SUBSCRIBED = datetime(2025, 7, 20, 12, 0, tzinfo=UTC)
# 08:00 in Shanghai on DATE, plus a minute: every reader is due.
TICK_AT = datetime(2025, 7, 21, 0, 1, tzinfo=UTC)
BATCH = 1000


async def populate(client: Redis, keys: Keys, readers: int) -> None:
    """``readers`` active subscribers at 08:00 Asia/Shanghai, and the digest of DATE."""
    store = SubscriberStore(client, keys, clock=lambda: SUBSCRIBED)
    for start in range(1, readers + 1, BATCH):
        batch = [
            Subscriber(chat, "active", "Asia/Shanghai", "08:00", "compact", (), "zh", 1)
            for chat in range(start, min(start + BATCH, readers + 1))
        ]
        await store.put_many(batch)
    digest = parse_digest(EXAMPLE.read_text(encoding="utf-8"), f"{DATE}.md")
    await DigestArchive(client, keys).save(digest)


async def snapshot_due(client: Redis, keys: Keys) -> list[tuple[str, float]]:
    return [(str(m), float(s)) for m, s in await client.zrange(keys.due(), 0, -1, withscores=True)]


async def restore(client: Redis, keys: Keys, due: list[tuple[str, float]]) -> None:
    """Back to the state before a run: the same due index, an empty outbox."""
    await client.delete(keys.outbox(), keys.push_progress(scheduled_push_id(DATE)))
    for start in range(0, len(due), 10_000):
        await client.zadd(keys.due(), dict(due[start : start + 10_000]))


async def naive_tick(client: Redis, keys: Keys, now: datetime) -> int:
    """What a bot without a due index does each tick: walk every subscriber, read its hash,
    work out whether its push time has come today, enqueue it alone."""
    queued = 0
    for member in await client.zrange(keys.subscribers(), 0, -1):
        chat_id = int(member)
        record = await client.hgetall(keys.subscriber(chat_id))
        if record.get("status") != "active":
            continue
        zone = ZoneInfo(record["tz"])
        day = now.astimezone(zone).date()
        instant = local_instant(day, parse_push_time(record["time"]), zone)
        if instant <= now and await client.hget(keys.sent(day.isoformat()), str(chat_id)) is None:
            task = PushTask(day.isoformat(), chat_id, scheduled_push_id(day.isoformat()))
            await client.xadd(keys.outbox(), encode(task))  # type: ignore[arg-type]
            queued += 1
    return queued


async def timed(run: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of this process, and what ``run`` returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = await run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


async def waiting_memory(client: Redis, keys: Keys, readers: int) -> tuple[int, int]:
    """Bytes of the waiting set holding ``readers`` readers (Redis MEMORY USAGE)."""
    key = keys.waiting("2099-01-01")
    for start in range(1, readers + 1, 10_000):
        chats = range(start, min(start + 10_000, readers + 1))
        await client.zadd(key, {str(chat): 4_000_000_000.0 + chat for chat in chats})
    used = int(await client.memory_usage(key, samples=0) or 0)
    await client.delete(key)
    return used, readers


async def bench(client: Redis, readers: int, runs: int) -> None:
    keys = Keys(f"bench-{uuid.uuid4().hex[:8]}")
    try:
        print(f"populating {readers:,} subscribers ...", flush=True)
        await populate(client, keys, readers)
        due = await snapshot_due(client, keys)
        archive = DigestArchive(client, keys)
        stores = Stores.over(client, keys)
        planner = Planner(
            stores.due,
            stores.waiting,
            archive,
            Outbox.of(stores),
            timedelta(hours=6),
            lambda: TICK_AT,
        )
        rows: dict[str, list[tuple[float, float, int]]] = {"planner": [], "naive": []}
        for run in range(runs):
            # Alternate which goes first, so neither always meets a warmer server.
            order = ("planner", "naive") if run % 2 == 0 else ("naive", "planner")
            for name in order:
                await restore(client, keys, due)
                if name == "planner":
                    result = await timed(lambda: _planner_queued(planner))
                else:
                    result = await timed(lambda: naive_tick(client, keys, TICK_AT))
                assert result[2] == readers, f"{name} queued {result[2]} of {readers}"
                rows[name].append(result)
                print(f"  run {run + 1} {name:8} {result[0]:7.2f} s wall {result[1]:7.2f} s cpu")
        # Everyone was rescheduled to tomorrow: the ticks of the rest of the day find nobody.
        idle = [await timed(lambda: _planner_queued(planner)) for _ in range(runs)]
        small, small_n = await waiting_memory(client, keys, 100)
        large, large_n = await waiting_memory(client, keys, readers)
    finally:
        async for key in client.scan_iter(match=keys.pattern(), count=10_000):
            await client.delete(key)

    planner_wall = statistics.median(r[0] for r in rows["planner"])
    naive_wall = statistics.median(r[0] for r in rows["naive"])
    planner_cpu = statistics.median(r[1] for r in rows["planner"])
    naive_cpu = statistics.median(r[1] for r in rows["naive"])
    idle_wall = statistics.median(r[0] for r in idle)
    print()
    print(f"one tick, {readers:,} readers due (median of {runs} runs)")
    print(f"{'':24}{'wall s':>10}{'readers/s':>12}{'client CPU s':>14}")
    for name, wall, cpu in (
        ("planner (due index)", planner_wall, planner_cpu),
        ("naive loop (baseline)", naive_wall, naive_cpu),
    ):
        print(f"{name:24}{wall:10.2f}{readers / wall:12,.0f}{cpu:14.2f}")
    print(f"speed-up: {naive_wall / planner_wall:.1f}x wall, {naive_cpu / planner_cpu:.1f}x CPU")
    print(f"idle tick with {readers:,} scheduled, nobody due: {idle_wall * 1000:.1f} ms")
    print(
        f"waiting set: {small / small_n:.0f} bytes/reader at {small_n} readers, "
        f"{large / large_n:.0f} bytes/reader at {large_n:,}"
    )


async def _planner_queued(planner: Planner) -> int:
    report = await planner.tick()
    return sum(report.enqueued.values())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = None if args.redis_url else EmbeddedRedis(Path(folder))
        url = args.redis_url or await asyncio.to_thread(server.start)  # type: ignore[union-attr]
        client = make_client(url)
        try:
            await bench(client, args.readers, args.runs)
        finally:
            await client.aclose()
            if server is not None:
                await asyncio.to_thread(server.stop)


if __name__ == "__main__":
    asyncio.run(main())
