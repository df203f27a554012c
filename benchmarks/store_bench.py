"""Redis store benchmark with N subscribers (default 100k): import time, Redis memory per
subscriber, selecting and rescheduling everything due in one minute, and the peak RSS of
``briefbot subscribers export`` against a load-everything-first baseline; it also checks
that an import/export round trip loses nothing.

    python benchmarks/store_bench.py [--subscribers 100000] [--runs 3] [--redis-url URL]

It uses the machine's Redis (``redis://127.0.0.1:6379/9``) unless ``--redis-url`` says
otherwise or ``--embedded`` asks for briefbot's embedded Redis in a temporary folder. It
writes only under fresh ``bench-store-...`` key prefixes and deletes them afterwards.
Figures are medians over ``--runs`` runs; baselines run side by side in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis.asyncio import Redis

from bot.cli.subscribers import import_file
from bot.keys import Keys
from bot.store.connection import make_client
from bot.store.due import DueIndex
from bot.store.embedded import EmbeddedRedis
from bot.store.subscriber_lines import parse_line
from bot.store.subscribers import SubscriberStore

NOW = datetime(2025, 7, 20, 12, 0, tzinfo=UTC)
# 08:00 in every UTC+8 zone on 2025-07-21: the busy minute.
MINUTE = datetime(2025, 7, 21, 0, 0, tzinfo=UTC)
PLUS_EIGHT = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Taipei", "Asia/Singapore"]
ELSEWHERE = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "Asia/Tokyo",
    "Europe/London",
    "America/Los_Angeles",
]
CATEGORIES = ["硬件前沿", "AI", "芯片", "开源", "安全", "云计算"]
BASELINE_SHARE = 10  # baselines run on 1/10 of the subscribers (they are slow), as rates


def subscriber_rows(count: int, seed: int = 7) -> Iterator[dict[str, object]]:
    """Realistic subscribers: 80% read at 08:00 in a UTC+8 zone, the rest elsewhere at
    other times; 90% active; a few groups and channels."""
    rng = random.Random(seed)
    for n in range(count):
        morning = rng.random() < 0.8
        status = rng.choices(["active", "paused", "blocked", "stopped"], [90, 5, 3, 2])[0]
        yield {
            "chat_id": -1001000000000 - n if n % 50 == 0 else 100000 + n,
            "tz": rng.choice(PLUS_EIGHT) if morning else rng.choice(ELSEWHERE),
            "time": "08:00" if morning else f"{rng.randrange(5, 11):02d}:{rng.choice('0134')}0",
            "format": "full" if rng.random() < 0.2 else "compact",
            "categories": rng.sample(CATEGORIES, rng.choice([0, 0, 0, 1, 2])),
            "language": "en" if rng.random() < 0.2 else "zh",
            "status": status,
            "subscribed_at": 1_700_000_000 + n,
        }


def write_jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as file:
        for row in subscriber_rows(count):
            file.write(json.dumps(row, ensure_ascii=False) + "\n")


async def delete_prefix(client: Redis, prefix: str) -> None:
    batch: list[str] = []
    async for key in client.scan_iter(match=Keys(prefix).pattern(), count=5000):
        batch.append(key)
        if len(batch) >= 5000:
            await client.unlink(*batch)
            batch = []
    if batch:
        await client.unlink(*batch)


async def used_memory(client: Redis) -> int:
    info = await client.info("memory")
    return int(info["used_memory"])


@dataclass
class Cost:
    """Wall time, and the CPU time it took in this process and in the Redis server: on a
    busy machine the wall time mostly measures waiting for a CPU."""

    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0


async def server_cpu(client: Redis) -> float:
    info = await client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@contextlib.asynccontextmanager
async def measured(client: Redis) -> AsyncIterator[Cost]:
    cost = Cost()
    server_before = await server_cpu(client)
    wall, cpu = time.perf_counter(), time.process_time()
    yield cost
    cost.wall = time.perf_counter() - wall
    cost.client_cpu = time.process_time() - cpu
    cost.server_cpu = await server_cpu(client) - server_before


async def timed_import(client: Redis, keys: Keys, path: Path) -> Cost:
    """What ``briefbot subscribers import``'s import of the file costs."""
    store = SubscriberStore(client, keys, clock=lambda: NOW)
    with contextlib.redirect_stderr(io.StringIO()):  # its summary line
        async with measured(client) as cost:
            status = await import_file(store, path)
    assert status == 0, "the generated file has no bad lines"
    return cost


async def baseline_import(client: Redis, keys: Keys, lines: list[str]) -> float:
    """Seconds per subscriber when each record is written with its own round trip."""
    store = SubscriberStore(client, keys, clock=lambda: NOW)
    start = time.perf_counter()
    for line in lines:
        await store.put_many([parse_line(line).apply(None, store.defaults)])
    return (time.perf_counter() - start) / len(lines)


async def memory_usage_per_subscriber(client: Redis, keys: Keys, count: int) -> float:
    """MEMORY USAGE of a sample of subscriber hashes plus each one's share of the two
    indexes."""
    sample = [
        int(member)
        for member in await client.zrangebylex(keys.subscribers(), "-", "+", start=0, num=1000)
    ]
    per_hash = statistics.mean(
        [int(await client.memory_usage(keys.subscriber(chat), samples=0) or 0) for chat in sample]
    )
    indexes = 0
    for key in (keys.subscribers(), keys.due()):
        indexes += int(await client.memory_usage(key, samples=0) or 0)
    return per_hash + indexes / count


async def drain_before_the_minute(due: DueIndex) -> None:
    """Reschedule everything due before the busy minute (untimed), as earlier ticks did."""
    before = MINUTE - timedelta(seconds=1)
    while batch := await due.due(before, limit=1000):
        await due.reschedule_many(batch, before)


async def select_and_reschedule(client: Redis, keys: Keys) -> tuple[Cost, int]:
    """What selecting and rescheduling everything due in the busy minute costs, 1000 at a
    time as the scheduler does; and how many that was."""
    due = DueIndex(client, keys)
    await drain_before_the_minute(due)
    end = MINUTE + timedelta(seconds=59)
    handled = 0
    async with measured(client) as cost:
        while batch := await due.due(end, limit=1000):
            handled += await due.reschedule_many(batch, end)
    return cost, handled


async def baseline_reschedule(client: Redis, keys: Keys) -> float:
    """Seconds per subscriber when each due chat is selected and rescheduled alone."""
    due = DueIndex(client, keys)
    await drain_before_the_minute(due)
    end = MINUTE + timedelta(seconds=59)
    handled = 0
    start = time.perf_counter()
    while batch := await due.due(end, limit=1):
        await due.reschedule(batch[0], end)
        handled += 1
    return (time.perf_counter() - start) / max(handled, 1)


# The baseline loads the same modules as the CLI (build_parser imports every
# subcommand), so the difference is what holding every subscriber costs.
EXPORT_BASELINE = """
import asyncio, sys
from bot.cli import build_parser
from bot.keys import Keys
from bot.store.connection import make_client
from bot.store.subscriber_lines import to_line
from bot.store.subscribers import SubscriberStore

async def main(url, prefix, out):
    client = make_client(url)
    rows = [s async for s in SubscriberStore(client, Keys(prefix)).iter_all()]
    with open(out, "w", encoding="utf-8") as file:
        for row in rows:
            file.write(to_line(row) + "\\n")
    await client.aclose()

build_parser()
asyncio.run(main(*sys.argv[1:]))
"""
# Runs one command and reports its peak RSS: RUSAGE_CHILDREN of a fresh process holds
# exactly that one child.
MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_mib(command: list[str], env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return int(out.strip()) / 1024  # ru_maxrss is KiB on Linux


def export_rss(url: str, prefix: str, folder: Path) -> dict[str, float]:
    env = {**os.environ, "REDIS_URL": url, "BRIEFBOT_PREFIX": prefix}
    briefbot = str(Path(sys.executable).with_name("briefbot"))
    out = str(folder / "export.jsonl")
    return {
        "floor: the same export, 0 subscribers": peak_rss_mib(
            [briefbot, "subscribers", "export", out + ".empty"],
            {**env, "BRIEFBOT_PREFIX": f"{prefix}-empty"},
        ),
        "briefbot subscribers export": peak_rss_mib([briefbot, "subscribers", "export", out], env),
        "baseline: load all, then write": peak_rss_mib(
            [sys.executable, "-c", EXPORT_BASELINE, url, prefix, out + ".baseline"], env
        ),
    }


def round_trip_differences(source: Path, exported: Path) -> tuple[int, int, int]:
    def by_chat(path: Path) -> dict[object, dict[str, object]]:
        rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
        return {row["chat_id"]: row for row in rows}

    before, after = by_chat(source), by_chat(exported)
    differences = sum(1 for chat, row in before.items() if after.get(chat) != row)
    return len(before), len(after), differences + len(set(after) - set(before))


def median(values: list[float]) -> float:
    return statistics.median(values)


async def one_run(
    client: Redis,
    url: str,
    prefix: str,
    folder: Path,
    source: Path,
    small_lines: list[str],
    note: Callable[[str, float], None],
    rss: dict[str, list[float]],
) -> None:
    """One run of every measurement under ``prefix`` (and ``prefix-baseline``)."""
    count = sum(1 for _ in source.open(encoding="utf-8"))
    keys = Keys(prefix)
    memory_before = await used_memory(client)
    cost = await timed_import(client, keys, source)
    note("import s", cost.wall)
    note("import client cpu", cost.client_cpu)
    note("import server cpu", cost.server_cpu)
    note("memory/sub INFO", (await used_memory(client) - memory_before) / count)
    note("memory/sub MEMORY USAGE", await memory_usage_per_subscriber(client, keys, count))
    note("reimport s", (await timed_import(client, keys, source)).wall)
    cost, handled = await select_and_reschedule(client, keys)
    note("minute s", cost.wall)
    note("minute client cpu", cost.client_cpu)
    note("minute server cpu", cost.server_cpu)
    note("minute n", handled)

    base = Keys(f"{prefix}-baseline")
    note("baseline import s/sub", await baseline_import(client, base, small_lines))
    note("baseline minute s/sub", await baseline_reschedule(client, base))

    for name, value in export_rss(url, prefix, folder).items():
        rss.setdefault(name, []).append(value)


async def bench(url: str, count: int, runs: int, folder: Path) -> None:
    source = folder / "subscribers.jsonl"
    write_jsonl(source, count)
    small = folder / "baseline.jsonl"
    write_jsonl(small, count // BASELINE_SHARE)
    small_lines = small.read_text(encoding="utf-8").splitlines()
    client = make_client(url)
    figures: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    try:
        for run in range(runs):
            prefix = f"bench-store-{uuid.uuid4().hex[:8]}"
            try:
                await one_run(client, url, prefix, folder, source, small_lines, note, rss)
            finally:  # also after a failure: never leave 100k keys behind
                await delete_prefix(client, prefix)
                await delete_prefix(client, f"{prefix}-baseline")
            print(f"run {run + 1}/{runs} done", file=sys.stderr)
    finally:
        await client.aclose()
    total, back, differences = round_trip_differences(source, folder / "export.jsonl")
    report(count, runs, figures, rss, (total, back, differences))


def report(
    count: int,
    runs: int,
    figures: dict[str, list[float]],
    rss: dict[str, list[float]],
    round_trip: tuple[int, int, int],
) -> None:
    m = {name: median(values) for name, values in figures.items()}
    print(f"\nstore benchmark: {count} subscribers, median of {runs} runs\n")
    imported = count / m["import s"]
    baseline = 1 / m["baseline import s/sub"]
    print(f"import (fresh)            {m['import s']:8.2f} s   {imported:10,.0f} subscribers/s")
    print(
        f"  CPU: {m['import client cpu']:.2f} s in briefbot, {m['import server cpu']:.2f} s "
        "in Redis (the rest of the wall time is waiting for a CPU on a busy machine)"
    )
    print(f"import (again, no change) {m['reimport s']:8.2f} s")
    print(
        f"  baseline: one round trip per subscriber  {baseline:10,.0f} subscribers/s"
        f"   -> batched is {imported / baseline:.1f}x faster"
    )
    print(f"memory per subscriber     {m['memory/sub INFO']:8.0f} B   (INFO used_memory delta)")
    print(
        f"                          {m['memory/sub MEMORY USAGE']:8.0f} B   "
        "(MEMORY USAGE: hash + share of the subs and due indexes)"
    )
    rate = m["minute n"] / m["minute s"]
    base_rate = 1 / m["baseline minute s/sub"]
    print(
        f"select + reschedule the busy minute: {m['minute n']:.0f} due in "
        f"{m['minute s']:.2f} s   {rate:10,.0f} subscribers/s"
    )
    print(
        f"  CPU: {m['minute client cpu']:.2f} s in briefbot, {m['minute server cpu']:.2f} s "
        "in Redis"
    )
    print(
        f"  baseline: select and reschedule one at a time  {base_rate:10,.0f} subscribers/s"
        f"   -> batched is {rate / base_rate:.1f}x faster"
    )
    print("peak RSS (MiB, median)")
    for name, values in rss.items():
        print(f"  {name:34s} {median(values):8.1f}")
    total, back, differences = round_trip
    verdict = "loses nothing" if total == back == count and differences == 0 else "LOST DATA"
    print(f"round trip: {total} imported, {back} exported, {differences} differences: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--embedded", action="store_true", help="use the embedded Redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefbot-store-bench-") as tmp:
        folder = Path(tmp)
        server = EmbeddedRedis(folder / "redis") if args.embedded else None
        url = server.start() if server else args.redis_url
        try:
            asyncio.run(bench(url, args.subscribers, args.runs, folder))
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
