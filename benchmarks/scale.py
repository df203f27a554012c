"""Benchmark 4, scale: a 100,000-subscriber push. Does every process's memory stay flat
(the push streams; nothing loads everyone), and what does the push's own bookkeeping cost
in Redis?

    python benchmarks/scale.py [--subscribers 100000] [--workers 1] [--redis-url URL]

``briefbot push DATE --now --wait`` enqueues and sends, ``--workers`` ``briefbot worker``
processes help. Every 0.5 s the script samples each process's RSS (from /proc), the
outbox stream's length and Redis's ``used_memory``. Reported: each process's RSS when the
push starts sending, at 25/50/75% and at the end (flat means the 100k-th delivery costs no
more memory than the 1,000th), and the Redis memory of the push's own keys: the outbox
stream at its largest, the delivery ledger (what corrections edit later), the progress
counters; ``used_memory`` before, at its peak and after. The sandbox runs without limits.
With no ``--redis-url`` an embedded Redis is used, so ``used_memory`` is the push's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from dataclasses import dataclass, field

from delivery_harness import (
    DATE,
    Run,
    briefbot,
    create_chats,
    prepared_run,
    redis_url,
    reset_sandbox,
    rss_mib,
    sandbox_process,
    wait_for_exit,
)
from redis.asyncio import Redis

from bot.keys import Keys

PUSH_ID = re.compile(r"\(push (\S+)\)")


@dataclass
class Samples:
    """Time series of one push."""

    handled: list[int] = field(default_factory=list)
    rss: dict[str, list[float]] = field(default_factory=dict)
    stream_len: list[int] = field(default_factory=list)
    stream_bytes: list[int] = field(default_factory=list)
    used_memory: list[int] = field(default_factory=list)
    push_id: str | None = None


async def push_id_of(client: Redis, run: Run) -> str | None:
    """The one push progress key of this run (its id is printed only at the end)."""
    async for key in client.scan_iter(match=f"{Keys(run.prefix).tag}:push:*", count=1000):
        return str(key).rsplit(":", 1)[1]
    return None


async def sample(client: Redis, run: Run, pids: dict[str, int], samples: Samples) -> bool:
    """Take one sample; False once the push is handled."""
    push_id = samples.push_id or await push_id_of(client, run)
    samples.push_id = push_id
    counters = await client.hgetall(run.keys.push_progress(push_id)) if push_id else {}
    handled = sum(int(counters.get(k, 0)) for k in ("sent", "failed", "blocked", "skipped"))
    for name, pid in pids.items():
        try:
            samples.rss.setdefault(name, []).append(rss_mib(pid))
        except FileNotFoundError:
            samples.rss.setdefault(name, []).append(float("nan"))
    samples.handled.append(handled)
    samples.stream_len.append(int(await client.xlen(run.keys.outbox())))
    # MEMORY USAGE estimates a stream from a few samples (exact would block Redis).
    samples.stream_bytes.append(int(await client.memory_usage(run.keys.outbox()) or 0))
    samples.used_memory.append(int((await client.info("memory"))["used_memory"]))
    enqueued = int(counters.get("enqueued", 0))
    return not (counters.get("enqueue_done") == "1" and handled >= enqueued)


def at_share(samples: Samples, values: list[float], share: float, total: int) -> float:
    """The value sampled when ``share`` of the push was handled."""
    for handled, value in zip(samples.handled, values, strict=True):
        if handled >= share * total:
            return value
    return values[-1]


async def scale_run(url: str, sandbox: str, chats: list[int], workers: int) -> None:
    await reset_sandbox(sandbox)
    async with prepared_run(url, chats) as run:
        client = Redis.from_url(url, decode_responses=True)
        before = int((await client.info("memory"))["used_memory"])
        env = run.env(sandbox, RATE_LIMIT_PER_SECOND="100000")
        helpers = [briefbot(env, "worker") for _ in range(workers)]
        pusher = briefbot(env, "push", DATE, "--now", "--wait")
        pids = {"push --wait": pusher.pid} | {
            f"worker {i + 1}": helper.pid for i, helper in enumerate(helpers)
        }
        samples = Samples()
        started = time.monotonic()
        running = True
        while running:
            running = await sample(client, run, pids, samples) and pusher.poll() is None
            await asyncio.sleep(0.5)
        err = await asyncio.to_thread(wait_for_exit, pusher, 600)
        seconds = time.monotonic() - started
        for helper in helpers:
            helper.terminate()
            await asyncio.to_thread(helper.wait, 30)
        push_id = PUSH_ID.search(err)
        assert push_id, err
        ledger = int(await client.memory_usage(run.keys.sent(DATE), 0) or 0)
        progress = int(await client.memory_usage(run.keys.push_progress(push_id[1]), 0) or 0)
        after = int((await client.info("memory"))["used_memory"])
        await client.aclose()

    total = len(chats)
    print(f"{total:,} deliveries in {seconds:.0f}s by push --wait + {workers} worker(s)\n")
    print(f"{'process RSS, MiB':<16}" + "".join(f"{h:>9}" for h in ("start", "25%", "50%",
          "75%", "end", "max")))  # fmt: skip
    for name, values in samples.rss.items():
        live = [v for v in values if v == v]  # drop samples after the process ended
        first_sending = next(
            (v for h, v in zip(samples.handled, values, strict=True) if h > 0), live[0]
        )
        row = [first_sending] + [at_share(samples, values, s, total) for s in (0.25, 0.5, 0.75)]
        row += [live[-1], max(live)]
        print(f"{name:<16}" + "".join(f"{v:>9.1f}" for v in row))
    print(
        f"\nRedis, the push's own keys: outbox stream at most {max(samples.stream_len):,} "
        f"entries / {max(samples.stream_bytes) / 2**20:.1f} MiB (drained to "
        f"{samples.stream_len[-1]} at the end); delivery ledger {ledger / 2**20:.1f} MiB "
        f"({ledger / total:.0f} bytes per reader, kept {30} days for corrections); progress "
        f"counters {progress} bytes"
    )
    print(
        f"Redis used_memory: {before / 2**20:.1f} MiB before the push (subscribers, digest), "
        f"peak {max(samples.used_memory) / 2**20:.1f} MiB, {after / 2**20:.1f} MiB after"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _pid):
        started = time.monotonic()
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        print(f"created {len(chats):,} sandbox chats in {time.monotonic() - started:.0f}s")
        asyncio.run(scale_run(url, sandbox, chats, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
