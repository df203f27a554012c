"""Benchmark: correct one item of a digest delivered to 5,000 readers (compact and full
mixed) against the sandbox enforcing Telegram's limits, the strictest reading of 30/s
(``flood_window``: at most 30 messages in ANY one-second interval) plus the per-chat ones.

    python benchmarks/correction.py [--readers 5000] [--runs 1] [--redis-url URL]

Setup (not timed): the digest, its summaries eight times as long so that the full format
takes several messages, is pushed to the readers (half compact, half full) with the
sandbox unlimited. Then item 7's headline is corrected with ``briefbot correct DATE --file
FILE --yes --wait`` at ``RATE_LIMIT_PER_SECOND=30``: every compact message and, for each
full reader, only the one message holding item 7 are edited. Reported side by side: the
time from the first edit to the last against the limit-bound ideal (edits / 30), the
whole command's wall time (it settles 6 s before enqueueing: the digest caches of other
senders), edits per second sustained, the busiest second, and 429s (goal 0).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from delivery_harness import (
    DATE,
    EXAMPLE,
    Run,
    briefbot,
    create_chats,
    median,
    redis_url,
    sandbox_process,
    wait_for_exit,
)
from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore
from sandbox import SandboxControl

LIMIT = 30
TITLE_7 = "英国\uff1a首批出租车、公共汽车类自动驾驶汽车服务明年春季上路"
CORRECTED_7 = "更正 英国首批自动驾驶出租车与公交服务将于明年春季上路"


@dataclass
class Correction:
    edits: int  # editMessageText requests the sandbox answered
    first_to_last: float  # seconds from the first edit to the last (client's samples)
    wall: float  # the whole command
    too_many_requests: int
    busiest: int  # the most edits seen in one 1-second sample window


def long_text() -> str:
    """The example digest with every summary line eight times as long."""
    text = EXAMPLE.read_text(encoding="utf-8")
    return re.sub(
        r"^(    \S.*)$", lambda m: m[1] + (" " + m[1].strip()) * 7, text, flags=re.MULTILINE
    )


async def subscribe(url: str, run: Run, chats: list[int]) -> None:
    client = Redis.from_url(url, decode_responses=True)
    try:
        store = SubscriberStore(client, run.keys)
        await store.put_many(
            [
                Subscriber(
                    chat,
                    "active",
                    "Asia/Shanghai",
                    "08:00",
                    "full" if i % 2 else "compact",
                    (),
                    "zh",
                    0,
                )
                for i, chat in enumerate(chats)
            ]
        )
    finally:
        await client.aclose()


async def forget(url: str, run: Run) -> None:
    client = Redis.from_url(url, decode_responses=True)
    try:
        async for key in client.scan_iter(match=Keys(run.prefix).pattern(), count=5000):
            await client.delete(key)
    finally:
        await client.aclose()


async def one_run(url: str, sandbox: str, chats: list[int], folder: Path) -> Correction:
    run = Run(url)
    (folder / "digests").mkdir(exist_ok=True)
    (folder / "digests" / f"{DATE}.md").write_text(long_text(), encoding="utf-8")
    corrected = folder / "corrected.md"
    corrected.write_text(long_text().replace(TITLE_7, CORRECTED_7), encoding="utf-8")
    await subscribe(url, run, chats)
    try:
        async with SandboxControl(sandbox) as control:
            await control.reset_faults()
            fast = run.env(sandbox, DIGEST_DIR=str(folder / "digests"),
                           RATE_LIMIT_PER_SECOND="1000", SENDER_CONCURRENCY="64")  # fmt: skip
            print("  pushing (sandbox unlimited)...", flush=True)
            wait_for_exit(briefbot(fast, "push", DATE, "--now", "--wait"), 1800)
            await control.real_limits(flood_window=LIMIT)
            await control.reset_counters()
            env = run.env(sandbox, DIGEST_DIR=str(folder / "digests"),
                          RATE_LIMIT_PER_SECOND=str(LIMIT))  # fmt: skip
            started = time.perf_counter()
            process = briefbot(env, "correct", DATE, "--file", str(corrected), "--yes", "--wait")
            waiting = asyncio.create_task(asyncio.to_thread(wait_for_exit, process, 3600))
            samples: list[tuple[float, int]] = []
            while not waiting.done():
                counters = await control.counters()
                edits = int(counters["requests"].get("editMessageText", 0))
                samples.append((time.perf_counter(), edits))
                await asyncio.wait([waiting], timeout=0.25)
            await waiting
            wall = time.perf_counter() - started
            counters = await control.counters()
    finally:
        await forget(url, run)
    edits = int(counters["requests"].get("editMessageText", 0))
    samples.append((time.perf_counter(), edits))
    first = next(t for t, n in samples if n > 0)
    last = next(t for t, n in samples if n >= edits)
    busiest = 0
    for i, (t0, n0) in enumerate(samples):
        later = [n for t, n in samples[i:] if t - t0 <= 1.0]
        busiest = max(busiest, later[-1] - n0)
    return Correction(edits, last - first, wall, int(counters["too_many_requests"]), busiest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    results: list[Correction] = []
    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _), \
            tempfile.TemporaryDirectory() as folder:  # fmt: skip
        chats = asyncio.run(create_chats(sandbox, args.readers))
        print(f"{args.readers:,} readers (half compact, half full), item 7's headline "
              f"corrected at RATE_LIMIT_PER_SECOND={LIMIT}, the sandbox allowing {LIMIT} in "
              f"any one second; {args.runs} runs", flush=True)  # fmt: skip
        for number in range(1, args.runs + 1):
            result = asyncio.run(one_run(url, sandbox, chats, Path(folder)))
            results.append(result)
            print(f"run {number}: {result.edits} edits, first to last {result.first_to_last:.1f}"
                  f" s, command {result.wall:.1f} s, {result.too_many_requests} 429s",
                  flush=True)  # fmt: skip
    edits = median([r.edits for r in results])
    span = median([r.first_to_last for r in results])
    ideal = edits / LIMIT
    print(f"\n{'':<34}{'edits':>7}{'first→last s':>14}{'command s':>11}{'edits/s':>9}"
          f"{'busiest 1 s':>13}{'429s':>6}")  # fmt: skip
    print(f"{'limit-bound ideal (edits / 30)':<34}{edits:>7.0f}{ideal:>14.1f}{'':>11}"
          f"{LIMIT:>9.2f}{LIMIT:>13}{0:>6}")  # fmt: skip
    print(f"{'briefbot correct --yes --wait':<34}{edits:>7.0f}{span:>14.1f}"
          f"{median([r.wall for r in results]):>11.1f}{(edits - 1) / span:>9.2f}"
          f"{median([r.busiest for r in results]):>13.0f}"
          f"{median([r.too_many_requests for r in results]):>6.0f}")  # fmt: skip
    print(f"\nof the ideal: {ideal / span:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
