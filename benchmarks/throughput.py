"""Benchmark 1, throughput: deliveries per second end to end, and CPU seconds per 1,000
deliveries, of a whole push against the sandbox with no limits (or, with ``--against
stub``, a bare Bot API stub that answers at once, to see the sender without the sandbox's
own cost of parsing and storing every message).

    python benchmarks/throughput.py [--subscribers 20000] [--baseline-subscribers 2000]
                                    [--runs 3] [--concurrency 16] [--redis-url URL]
                                    [--against sandbox|stub]

Side by side in one run, each sender in its own process, the sandbox in another:
- baseline: python-telegram-bot with its default (httpx) request class in the naive loop
  ``for chat in chats: await bot.send_message(chat, text)``, sending the same rendered
  compact digest (on ``--baseline-subscribers`` readers, since it is slow; a rate is a rate);
- briefbot: ``briefbot push DATE --now --wait`` with nothing else running: it enqueues the
  push for every subscriber (from Redis), sends it with its sender pool over the aiohttp
  transport under the Redis rate limiter (set far above what the machine can do), records
  every delivery in the ledger and counts it.
Wall and CPU (user + system) time are each process's whole life minus what the same
program spends starting up and connecting with nothing to send (measured first, median of
3), so the baseline's smaller audience does not carry more start-up cost per delivery.
Figures are medians of ``--runs`` runs. The last line says how busy the server process
(sandbox or stub) was while briefbot pushed: near a whole core, it is what caps the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from delivery_harness import (
    DATE,
    EXAMPLE,
    briefbot,
    cpu_seconds,
    create_chats,
    median,
    prepared_run,
    redis_url,
    reset_sandbox,
    sandbox_counters,
    sandbox_process,
    stub_process,
    wait_for_exit,
)
from telegram import Bot

from bot.digest.parser import load_digest
from bot.render import render_compact
from bot.sandbox import EXAMPLE_TOKEN


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def naive_loop(base_url: str, chats: list[int]) -> None:
    """The baseline, exactly as a first bot would write it."""
    text = render_compact(load_digest(EXAMPLE)).text
    async with Bot(EXAMPLE_TOKEN, base_url=f"{base_url}/bot") as bot:
        for chat in chats:
            await bot.send_message(chat, text, parse_mode="HTML")


def startup_cost(url: str, target: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """(wall, CPU) of each sender with nothing to send: the baseline's naive loop over no
    chats, and ``briefbot push`` of a date nobody is subscribed to."""
    base = [run_baseline(target, []) for _ in range(3)]
    ours = [asyncio.run(push_once(url, target, [], 16)) for _ in range(3)]
    return (
        (median([w for w, _ in base]), median([c for _, c in base])),
        (median([w for w, _ in ours]), median([c for _, c in ours])),
    )


def run_baseline(base_url: str, chats: list[int]) -> tuple[float, float]:
    """The naive loop in its own process: (wall s, CPU s)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(chats, file)
    cpu_before, started = children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, __file__, "--baseline-worker", base_url, file.name], check=True)
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu_before
    Path(file.name).unlink()
    return wall, cpu


async def count_delivered(url: str, chats: list[int]) -> int:
    counters = await sandbox_counters(url)
    per_chat = counters["messages_per_chat"]
    return sum(1 for chat in chats if per_chat.get(str(chat), 0) >= 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--baseline-subscribers", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--redis-url")
    parser.add_argument(
        "--against",
        choices=("sandbox", "stub"),
        default="sandbox",
        help="the sandbox (parses and stores every message), or a stub that only answers",
    )
    parser.add_argument("--baseline-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_worker:
        base_url, path = args.baseline_worker
        asyncio.run(naive_loop(base_url, json.loads(Path(path).read_text())))
        return 0

    with (
        redis_url(args.redis_url) as url,
        sandbox_process() as (sandbox, sandbox_pid),
        stub_process() as (stub, stub_pid),
    ):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        target = stub if args.against == "stub" else sandbox
        print(
            f"{args.subscribers:,} subscribers (baseline: {args.baseline_subscribers:,}), "
            f"{args.runs} runs, SENDER_CONCURRENCY={args.concurrency}, against the "
            f"{args.against} (no limits)"
        )
        (base_wall0, base_cpu0), (ours_wall0, ours_cpu0) = startup_cost(url, target)
        print(
            f"start-up with nothing to send: baseline {base_wall0:.2f}s wall {base_cpu0:.2f}s "
            f"CPU; briefbot push {ours_wall0:.2f}s wall {ours_cpu0:.2f}s CPU (subtracted)"
        )
        ours: list[tuple[float, float]] = []
        base: list[tuple[float, float]] = []
        server_busy: list[float] = []
        for run_number in range(1, args.runs + 1):
            asyncio.run(reset_sandbox(sandbox))
            wall, cpu = run_baseline(target, chats[: args.baseline_subscribers])
            got = args.baseline_subscribers  # the naive loop stops at the first error
            if target == sandbox:
                got = asyncio.run(count_delivered(sandbox, chats[: args.baseline_subscribers]))
                assert got == args.baseline_subscribers, f"baseline delivered {got}"
            wall, cpu = wall - base_wall0, cpu - base_cpu0
            base.append((got / wall, cpu / (got / 1000)))

            asyncio.run(reset_sandbox(sandbox))
            server_pid = stub_pid if target == stub else sandbox_pid
            server_cpu = cpu_seconds(server_pid)
            wall, cpu = asyncio.run(push_once(url, target, chats, args.concurrency))
            # How much of one core the server used while briefbot pushed: near 100%, the
            # server (one process), not the sender, is what caps the end-to-end rate.
            server_busy.append((cpu_seconds(server_pid) - server_cpu) / (wall - ours_wall0))
            got = len(chats)  # push_once checks the push's own count
            if target == sandbox:
                got = asyncio.run(count_delivered(sandbox, chats))
                assert got == len(chats), f"briefbot delivered {got} of {len(chats)}"
            wall, cpu = wall - ours_wall0, cpu - ours_cpu0
            ours.append((got / wall, cpu / (got / 1000)))
            print(
                f"run {run_number}: baseline {base[-1][0]:,.0f}/s {base[-1][1]:.2f} CPU s/1k; "
                f"briefbot {ours[-1][0]:,.0f}/s {ours[-1][1]:.2f} CPU s/1k; "
                f"the {args.against} process busy {server_busy[-1]:.0%} of a core meanwhile",
                flush=True,
            )
    rate_base, cpu_base = median([r for r, _ in base]), median([c for _, c in base])
    rate_ours, cpu_ours = median([r for r, _ in ours]), median([c for _, c in ours])
    print(f"\n{'sender':<44}{'deliveries/s':>14}{'CPU s / 1000':>14}{'rate vs base':>14}")
    print(f"{'baseline: PTB default request, naive loop':<44}{rate_base:>14,.0f}{cpu_base:>14.2f}"
          f"{1:>13.2f}x")  # fmt: skip
    print(f"{'briefbot push --now --wait (one process)':<44}{rate_ours:>14,.0f}{cpu_ours:>14.2f}"
          f"{rate_ours / rate_base:>13.2f}x")  # fmt: skip
    print(f"the {args.against} process was busy {median(server_busy):.0%} of a core while "
          "briefbot pushed (near 100%: it, not the sender, caps the rate)")  # fmt: skip
    return 0


async def push_once(
    url: str, sandbox: str, chats: list[int], concurrency: int
) -> tuple[float, float]:
    """One whole ``briefbot push --now --wait`` on a fresh prefix: (wall s, CPU s)."""
    async with prepared_run(url, chats) as run:
        env = run.env(sandbox, RATE_LIMIT_PER_SECOND="100000", SENDER_CONCURRENCY=str(concurrency))
        cpu_before, started = children_cpu(), time.perf_counter()
        process = briefbot(env, "push", DATE, "--now", "--wait")
        err = await asyncio.to_thread(wait_for_exit, process, 900)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu_before
        if chats and f"{len(chats)} sent" not in err:
            raise SystemExit(f"push did not send to everyone:\n{err}")
        return wall, cpu


if __name__ == "__main__":
    sys.exit(main())
