"""Benchmark 3, crash: ``kill -9`` a sending process in the middle of a push, start it
again, and count who got the digest.

    python benchmarks/crash.py [--subscribers 5000] [--runs 3] [--kill-after 2000]
                               [--concurrency 16] [--redis-url URL]

Each run: a ``briefbot worker`` (SENDER_CONCURRENCY=``--concurrency``,
DELIVERY_RECLAIM_SECONDS=3) starts, ``briefbot push DATE --now`` enqueues the push, and
once ``--kill-after`` deliveries are counted the worker gets SIGKILL: no acknowledgement,
its claims and pending tasks left behind. A new worker starts; it reclaims the dead one's
tasks after the reclaim timeout and finishes the push. From the sandbox's own count of
messages per chat: readers without the digest (target 0) and duplicates (target: no more
than the dead sender's in-flight count, ``--concurrency``). Sandbox latency 20 ms, so a
kill lands with requests in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time

from delivery_harness import (
    DATE,
    Run,
    briefbot,
    create_chats,
    kill9,
    median,
    prepared_run,
    progress,
    redis_url,
    reset_sandbox,
    sandbox_counters,
    sandbox_process,
    wait_for_exit,
)

PUSH_ID = re.compile(r"\(push (\S+)\)")


async def wait_until(url: str, run: Run, push_id: str, test: str, within: float) -> None:
    """Poll the push's counters until ``test`` ("sent>=N" or "finished") holds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        counters = await progress(url, run, push_id)
        handled = sum(int(counters.get(k, 0)) for k in ("sent", "failed", "blocked", "skipped"))
        if test == "finished":
            if counters.get("enqueue_done") == "1" and handled >= int(counters["enqueued"]):
                return
        elif int(counters.get("sent", 0)) >= int(test.removeprefix("sent>=")):
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"push {push_id} did not reach {test} within {within}s")


async def one_run(
    url: str, sandbox: str, chats: list[int], kill_after: int, concurrency: int
) -> tuple[int, int, float]:
    """(missing, duplicates, seconds from the kill to the push's end)."""
    await reset_sandbox(sandbox, latency_ms=20)
    async with prepared_run(url, chats) as run:
        env = run.env(
            sandbox,
            SENDER_CONCURRENCY=str(concurrency),
            DELIVERY_RECLAIM_SECONDS="3",
            RATE_LIMIT_PER_SECOND="100000",
        )
        first = briefbot(env, "worker")
        err = await asyncio.to_thread(wait_for_exit, briefbot(env, "push", DATE, "--now"), 120)
        match = PUSH_ID.search(err)
        assert match, err
        push_id = match[1]
        await wait_until(url, run, push_id, f"sent>={kill_after}", 300)
        kill9(first)
        killed_at = time.monotonic()
        second = briefbot(env, "worker")
        try:
            await wait_until(url, run, push_id, "finished", 300)
        finally:
            second.terminate()
            await asyncio.to_thread(second.wait, 30)
        recovered = time.monotonic() - killed_at
    per_chat = (await sandbox_counters(sandbox))["messages_per_chat"]
    counts = [int(per_chat.get(str(chat), 0)) for chat in chats]
    missing = sum(1 for n in counts if n == 0)
    duplicates = sum(n - 1 for n in counts if n > 1)
    return missing, duplicates, recovered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kill-after", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _pid):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        print(
            f"{args.subscribers:,} subscribers; kill -9 the worker after {args.kill_after:,} "
            f"deliveries; {args.concurrency} sends in flight at most"
        )
        results = []
        for run_number in range(1, args.runs + 1):
            results.append(
                asyncio.run(one_run(url, sandbox, chats, args.kill_after, args.concurrency))
            )
            missing, duplicates, recovered = results[-1]
            print(
                f"run {run_number}: missing {missing}, duplicates {duplicates}, push finished "
                f"{recovered:.1f}s after the kill",
                flush=True,
            )
    missing = [m for m, _, _ in results]
    duplicates = [d for _, d, _ in results]
    print(
        f"\nmissing: max {max(missing)} (target 0); duplicates: median "
        f"{median(duplicates):.0f}, max {max(duplicates)} (bound: {args.concurrency} in "
        f"flight); recovery median {median([r for _, _, r in results]):.1f}s "
        "(reclaim timeout 3s)"
    )
    return 0 if max(missing) == 0 and max(duplicates) <= args.concurrency else 1


if __name__ == "__main__":
    sys.exit(main())
