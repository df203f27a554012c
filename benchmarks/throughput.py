"""Benchmark 4, throughput: deliveries per second end to end, and CPU milliseconds per
delivery, of a whole push against a bare Bot API stub that answers at once (or, with
``--against sandbox``, the sandbox with no limits, which parses and stores every message).

    python benchmarks/throughput.py [--subscribers 20000] [--baseline-subscribers 2000]
                                    [--runs 3] [--concurrency N] [--redis-url URL]
                                    [--against stub|sandbox] [--engine-baseline CHECKOUT]

Side by side in one run, each sender in its own process, the server in another:
- naive loop: python-telegram-bot with its default (httpx) request class in
  ``for chat in chats: await bot.send_message(chat, text)``, sending the same rendered
  compact digest (on ``--baseline-subscribers`` readers, since it is slow; a rate is a rate);
- ceiling: ``benchmarks/ceiling_sender.py``, the minimal sender (one stream read, one
  pipelined round trip for claim + subscriber + slot, the POST, one round trip for record
  + ack) with as many requests in flight as briefbot's pool has slots, on the push
  ``briefbot push DATE --now`` enqueued (not timed);
- today's engine: ``briefbot push DATE --now --wait`` run by ``--engine-baseline``, another
  checkout of briefbot with its own ``.venv`` (the engine before this work), when given;
- briefbot: ``briefbot push DATE --now --wait`` of this checkout: it enqueues the push for
  every subscriber (from Redis), sends it with its sender pool, records every delivery in
  the ledger and counts it, at default settings (``RATE_LIMIT_PER_SECOND`` far above what
  the machine can do; ``--concurrency`` sets ``SENDER_CONCURRENCY``, else its default).
Wall and CPU (user + system) time are each process's whole life minus what the same
program spends starting up with nothing to send (measured first, median of 3), so a
smaller audience does not carry more start-up cost per delivery. Figures are medians of
``--runs`` runs. The last line says how busy the server process was while briefbot pushed:
near a whole core, it is what caps the rate.
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
from collections.abc import Callable
from pathlib import Path

from delivery_harness import (
    DATE,
    EXAMPLE,
    ROOT,
    briefbot,
    cpu_seconds,
    create_chats,
    engine_python,
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
from bot.settings import Settings
from sandbox import EXAMPLE_TOKEN

UNLIMITED = "100000"  # RATE_LIMIT_PER_SECOND far above what the machine can do


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(start: Callable[[], None]) -> tuple[float, float]:
    """(wall s, CPU s of the children) of ``start``, which runs a child to its end."""
    cpu_before, started = children_cpu(), time.perf_counter()
    start()
    return time.perf_counter() - started, children_cpu() - cpu_before


async def naive_loop(base_url: str, chats: list[int]) -> None:
    """The naive loop, exactly as a first bot would write it."""
    text = render_compact(load_digest(EXAMPLE)).text
    async with Bot(EXAMPLE_TOKEN, base_url=f"{base_url}/bot") as bot:
        for chat in chats:
            await bot.send_message(chat, text, parse_mode="HTML")


def run_naive(base_url: str, chats: list[int]) -> tuple[float, float]:
    """The naive loop in its own process: (wall s, CPU s)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(chats, file)
    command = [sys.executable, __file__, "--naive-worker", base_url, file.name]
    try:
        return timed(lambda: subprocess.run(command, check=True) and None)
    finally:
        Path(file.name).unlink()


async def push_once(
    url: str, target: str, chats: list[int], env_extra: dict[str, str], python: str
) -> tuple[float, float]:
    """One whole ``briefbot push --now --wait`` on a fresh prefix: (wall s, CPU s)."""
    async with prepared_run(url, chats, python) as run:
        env = run.env(target, RATE_LIMIT_PER_SECOND=UNLIMITED, **env_extra)

        def push() -> None:
            err = wait_for_exit(briefbot(env, "push", DATE, "--now", "--wait", python=python), 900)
            if chats and f"{len(chats)} sent" not in err:
                raise SystemExit(f"push did not send to everyone:\n{err}")

        return await asyncio.to_thread(timed, push)


async def ceiling_once(
    url: str, target: str, chats: list[int], inflight: int
) -> tuple[float, float]:
    """The push enqueued by ``briefbot push --now`` (not timed), then sent by the ceiling
    sender: (wall s, CPU s)."""
    async with prepared_run(url, chats) as run:
        env = run.env(target)
        await asyncio.to_thread(wait_for_exit, briefbot(env, "push", DATE, "--now"), 300)
        command = [
            sys.executable, str(ROOT / "benchmarks" / "ceiling_sender.py"),
            url, run.prefix, f"{target}/bot{EXAMPLE_TOKEN}", DATE, "--inflight", str(inflight),
        ]  # fmt: skip

        def send() -> None:
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0 or (chats and f"{len(chats)} sent" not in done.stderr):
                raise SystemExit(f"the ceiling did not send to everyone:\n{done.stderr}")

        return await asyncio.to_thread(timed, send)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--baseline-subscribers", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, help="SENDER_CONCURRENCY (default: its own)")
    parser.add_argument("--redis-url")
    parser.add_argument(
        "--against",
        choices=("stub", "sandbox"),
        default="stub",
        help="a stub that only answers, or the sandbox (parses and stores every message)",
    )
    parser.add_argument(
        "--engine-baseline", metavar="CHECKOUT", help="another briefbot checkout (with .venv)"
    )
    parser.add_argument("--naive-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_worker:
        base_url, path = args.naive_worker
        asyncio.run(naive_loop(base_url, json.loads(Path(path).read_text())))
        return 0

    env_extra = {} if args.concurrency is None else {"SENDER_CONCURRENCY": str(args.concurrency)}
    ours, theirs = engine_python(None), engine_python(args.engine_baseline)
    # The ceiling keeps as many requests in flight as briefbot's pool has slots.
    inflight = Settings.from_env(
        {"RATE_LIMIT_PER_SECOND": UNLIMITED, **env_extra}
    ).sender_concurrency
    with (
        redis_url(args.redis_url) as url,
        sandbox_process() as (sandbox, sandbox_pid),
        stub_process() as (stub, stub_pid),
    ):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        target, server_pid = (stub, stub_pid) if args.against == "stub" else (sandbox, sandbox_pid)
        print(
            f"{args.subscribers:,} subscribers (naive loop: {args.baseline_subscribers:,}), "
            f"{args.runs} runs, against the {args.against} (no limits), "
            f"SENDER_CONCURRENCY={args.concurrency or 'default'} ({inflight} in flight)",
            flush=True,
        )
        senders: dict[str, Callable[[list[int]], tuple[float, float]]] = {
            "naive loop: PTB default request": lambda c: run_naive(target, c),
            "ceiling: benchmarks/ceiling_sender.py": lambda c: asyncio.run(
                ceiling_once(url, target, c, inflight)
            ),
        }
        if args.engine_baseline:
            senders["today's engine: briefbot push --wait"] = lambda c: asyncio.run(
                push_once(url, target, c, env_extra, theirs)
            )
        senders["briefbot push --now --wait"] = lambda c: asyncio.run(
            push_once(url, target, c, env_extra, ours)
        )
        startup = {name: [send([]) for _ in range(3)] for name, send in senders.items()}
        start_wall = {name: median([w for w, _ in runs]) for name, runs in startup.items()}
        start_cpu = {name: median([c for _, c in runs]) for name, runs in startup.items()}
        print("start-up with nothing to send (subtracted): " + "; ".join(
            f"{name.split(':')[0]} {start_wall[name]:.2f}s wall {start_cpu[name]:.2f}s CPU"
            for name in senders
        ), flush=True)  # fmt: skip
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in senders}
        server_busy: list[float] = []
        for run_number in range(1, args.runs + 1):
            line = []
            for name, send in senders.items():
                audience = chats[: args.baseline_subscribers] if "naive" in name else chats
                asyncio.run(reset_sandbox(sandbox))
                server_cpu = cpu_seconds(server_pid)
                wall, cpu = send(audience)
                if target == sandbox:
                    got = asyncio.run(count_delivered(sandbox, audience))
                    assert got == len(audience), f"{name} delivered {got} of {len(audience)}"
                wall, cpu = wall - start_wall[name], cpu - start_cpu[name]
                figures[name].append((len(audience) / wall, cpu * 1000 / len(audience)))
                if name.startswith("briefbot"):
                    server_busy.append((cpu_seconds(server_pid) - server_cpu) / wall)
                line.append(f"{name.split(':')[0]} {figures[name][-1][0]:,.0f}/s "
                            f"{figures[name][-1][1]:.2f} ms")  # fmt: skip
            print(f"run {run_number}: " + "; ".join(line), flush=True)

    ceiling = "ceiling: benchmarks/ceiling_sender.py"
    naive = "naive loop: PTB default request"
    rate_ceiling = median([r for r, _ in figures[ceiling]])
    cpu_ceiling = median([c for _, c in figures[ceiling]])
    rate_naive = median([r for r, _ in figures[naive]])
    print(f"\n{'sender':<40}{'deliveries/s':>13}{'CPU ms/dlv':>11}{'vs naive':>9}"
          f"{'rate/ceil':>10}{'CPU/ceil':>9}")  # fmt: skip
    for name, runs in figures.items():
        rate, cpu = median([r for r, _ in runs]), median([c for _, c in runs])
        print(f"{name:<40}{rate:>13,.0f}{cpu:>11.2f}{rate / rate_naive:>8.2f}x"
              f"{rate / rate_ceiling:>9.2f}x{cpu / cpu_ceiling:>8.2f}x")  # fmt: skip
    print(f"the {args.against} process was busy {median(server_busy):.0%} of a core while "
          "briefbot pushed (near 100%: it, not the sender, caps the rate)")  # fmt: skip
    return 0


async def count_delivered(url: str, chats: list[int]) -> int:
    counters = await sandbox_counters(url)
    per_chat = counters["messages_per_chat"]
    return sum(1 for chat in chats if per_chat.get(str(chat), 0) >= 1)


if __name__ == "__main__":
    sys.exit(main())
