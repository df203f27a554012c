"""Benchmark 2, fidelity to Telegram's limit: a push against the sandbox enforcing 30
messages/s overall and 1/s per chat (with 429s), at RATE_LIMIT_PER_SECOND=30.

    python benchmarks/fidelity.py [--subscribers 1500] [--runs 2] [--workers 2]
                                  [--baseline-subscribers 300] [--redis-url URL]

Side by side:
- baseline: python-telegram-bot's naive loop (``for chat in chats: await
  bot.send_message(...)``, carrying on after an error) against the same limits: how many
  429s it provokes and how many readers it loses;
- briefbot: ``briefbot push DATE --now --wait`` alone (``--runs`` times), then together with
  ``--workers`` ``briefbot worker`` processes sharing the push.
Reported: delivered, 429s provoked, sustained rate (messages over the send phase) as a share
of 30/s, and the most messages the sandbox saw in any one second. Target: at least 97% of
30/s with zero 429s, and still under the limit with the workers added.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time

from delivery_harness import (
    DATE,
    EXAMPLE,
    briefbot,
    create_chats,
    median,
    prepared_run,
    redis_url,
    reset_sandbox,
    sandbox_counters,
    sandbox_process,
    wait_for_exit,
)
from telegram import Bot
from telegram.error import TelegramError

from bot.digest.parser import load_digest
from bot.render import render_compact
from sandbox import EXAMPLE_TOKEN, SandboxControl

LIMIT = 30.0
SUMMARY = re.compile(r"(\d+) sent, .* in ([\d.]+)s")


async def naive_loop(base_url: str, chats: list[int]) -> tuple[int, int, float]:
    """(delivered, failed, seconds) of the naive loop that logs errors and carries on."""
    text = render_compact(load_digest(EXAMPLE)).text
    delivered = failed = 0
    async with Bot(EXAMPLE_TOKEN, base_url=f"{base_url}/bot") as bot:
        started = time.perf_counter()
        for chat in chats:
            try:
                await bot.send_message(chat, text, parse_mode="HTML")
                delivered += 1
            except TelegramError:
                failed += 1
        return delivered, failed, time.perf_counter() - started


async def real_limits(url: str) -> None:
    await reset_sandbox(url)
    async with SandboxControl(url) as control:
        await control.real_limits()
        await control.reset_counters()


async def push(url: str, sandbox: str, chats: list[int], workers: int) -> tuple[int, float]:
    """One push at 30/s by ``push --wait`` plus ``workers`` workers: (sent, seconds)."""
    async with prepared_run(url, chats) as run:
        env = run.env(sandbox, RATE_LIMIT_PER_SECOND=str(LIMIT))
        helpers = [briefbot(env, "worker") for _ in range(workers)]
        try:
            await asyncio.sleep(1.5 if workers else 0)  # let the workers join the group
            err = await asyncio.to_thread(
                wait_for_exit, briefbot(env, "push", DATE, "--now", "--wait"), 900
            )
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                await asyncio.to_thread(helper.wait, 30)
        match = SUMMARY.search(err)
        if match is None:
            raise SystemExit(f"no summary in:\n{err}")
        return int(match[1]), float(match[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-subscribers", type=int, default=300)
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _pid):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        print(f"{args.subscribers:,} subscribers; sandbox enforces 30/s overall, 1/s per chat")
        header = f"{'sender':<38}{'delivered':>10}{'429s':>7}{'rate/s':>9}{'of 30/s':>9}"
        rows: list[str] = []

        asyncio.run(real_limits(sandbox))
        delivered, failed, seconds = asyncio.run(
            naive_loop(sandbox, chats[: args.baseline_subscribers])
        )
        counters = asyncio.run(sandbox_counters(sandbox))
        rate = delivered / seconds
        rows.append(
            f"{'baseline: PTB naive loop':<38}{delivered:>5}/{delivered + failed:<4}"
            f"{counters['too_many_requests']:>7}{rate:>9.1f}{rate / LIMIT:>8.0%}"
        )

        rates: list[float] = []
        for run_number in range(1, args.runs + 1):
            time.sleep(1.5)  # let every chat's own bucket refill
            asyncio.run(real_limits(sandbox))
            sent, seconds = asyncio.run(push(url, sandbox, chats, 0))
            counters = asyncio.run(sandbox_counters(sandbox))
            rates.append(sent / seconds)
            print(
                f"run {run_number}: {sent} sent in {seconds:.1f}s = {rates[-1]:.2f}/s, "
                f"{counters['too_many_requests']} 429s, peak "
                f"{counters['peak_messages_per_second']}/s",
                flush=True,
            )
            rows.append(
                f"{f'briefbot push --wait, run {run_number}':<38}{sent:>5}/{len(chats):<4}"
                f"{counters['too_many_requests']:>7}{rates[-1]:>9.2f}{rates[-1] / LIMIT:>8.1%}"
            )

        time.sleep(1.5)
        asyncio.run(real_limits(sandbox))
        sent, seconds = asyncio.run(push(url, sandbox, chats, args.workers))
        counters = asyncio.run(sandbox_counters(sandbox))
        rate = sent / seconds
        label = f"push --wait + {args.workers} workers"
        rows.append(
            f"{label:<38}{sent:>5}/{len(chats):<4}"
            f"{counters['too_many_requests']:>7}{rate:>9.2f}{rate / LIMIT:>8.1%}"
        )
        peak_shared = counters["peak_messages_per_second"]

    print(f"\n{header}")
    print("\n".join(rows))
    print(
        f"\nmedian single-process rate {median(rates):.2f}/s = {median(rates) / LIMIT:.1%} of "
        f"30/s; with {args.workers} workers the sandbox's busiest second held {peak_shared}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
