"""Where a push spends its CPU: ``briefbot push --now --wait`` of ``--subscribers``
readers against the bare Bot API stub (no limits), run under cProfile, its own time
(``tottime``) summed by where the code lives.

    python benchmarks/profile_push.py [--subscribers 20000] [--concurrency N]
                                      [--redis-url URL] [--top 25] [--save FILE]

Groups: briefbot's own code (``bot/``), asyncio, the aiohttp client, redis-py (with
hiredis), python-telegram-bot, JSON, socket and selector calls, and the rest; then the
``--top`` functions by own time. cProfile slows pure-Python code more than C calls, so the
shares are a guide to where to look, not a measurement of speed (``throughput.py`` is).
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import sys
import tempfile
from pathlib import Path

from delivery_harness import (
    DATE,
    briefbot,
    create_chats,
    prepared_run,
    redis_url,
    sandbox_process,
    stub_process,
    wait_for_exit,
)

GROUPS = (
    ("briefbot (bot/)", ("/bot/",)),
    ("asyncio", ("asyncio/", "_asyncio", "<built-in method _asyncio", "uvloop")),
    ("aiohttp client", ("aiohttp/", "multidict", "yarl/", "_http_parser", "aiohappyeyeballs")),
    ("redis-py", ("redis/", "hiredis")),
    ("python-telegram-bot", ("telegram/",)),
    ("JSON", ("json/", "_json", "method 'dumps'", "method 'loads'")),
    (
        "sockets and selectors",
        (
            "socket",
            "selectors",
            "select.epoll",
            "method 'send'",
            "method 'recv'",
            "_ssl",
            "method 'poll'",
        ),
    ),
)


def group_of(where: str) -> str:
    for name, needles in GROUPS:
        if any(needle in where for needle in needles):
            return name
    return "other"


def summarize(profile: Path, top: int) -> None:
    stats = pstats.Stats(str(profile))
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in raw.values())
    by_group: dict[str, float] = {}
    rows = []
    for (filename, line, function), (_, calls, own, _cum, _) in raw.items():
        where = f"{filename}:{line}({function})"
        if filename == "~":
            where = function
        by_group[group_of(where)] = by_group.get(group_of(where), 0.0) + own
        rows.append((own, calls, where))
    print(f"own CPU time under cProfile: {total:.2f}s")
    for name, seconds in sorted(by_group.items(), key=lambda item: -item[1]):
        print(f"  {name:<24}{seconds:>8.2f}s {seconds / total:>6.1%}")
    print(f"\ntop {top} functions by own time:")
    for own, calls, where in sorted(rows, reverse=True)[:top]:
        short = where.split("site-packages/")[-1].split("/wt-")[-1]
        print(f"  {own:>7.2f}s {own / total:>6.1%} {calls:>9,}  {short[-90:]}")


async def profile_push(url: str, target: str, chats: list[int], extra: dict[str, str],
                       out: Path) -> None:  # fmt: skip
    async with prepared_run(url, chats) as run:
        env = run.env(target, RATE_LIMIT_PER_SECOND="100000", **extra)
        process = briefbot(env, "-m", "cProfile", "-o", str(out), "-m", "bot",
                           "push", DATE, "--now", "--wait", python_args=True)  # fmt: skip
        err = await asyncio.to_thread(wait_for_exit, process, 1800)
        if f"{len(chats)} sent" not in err:
            raise SystemExit(f"push did not send to everyone:\n{err}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, help="SENDER_CONCURRENCY (default: its own)")
    parser.add_argument("--redis-url")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="keep the raw profile here")
    args = parser.parse_args()
    extra = {} if args.concurrency is None else {"SENDER_CONCURRENCY": str(args.concurrency)}
    with (
        tempfile.TemporaryDirectory() as folder,
        redis_url(args.redis_url) as url,
        sandbox_process() as (sandbox, _),
        stub_process() as (stub, _),
    ):
        out = args.save or Path(folder) / "push.prof"
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        asyncio.run(profile_push(url, stub, chats, extra, out.resolve()))
        print(f"{args.subscribers:,} readers, against the stub, "
              f"SENDER_CONCURRENCY={args.concurrency or 'default'}")  # fmt: skip
        summarize(out, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
