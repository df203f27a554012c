"""Reader latency: how long a reader waits for the answer to ``/today`` and to a button
press, with 50 readers at once, against 1 reader alone (the baseline).

    python benchmarks/reader_latency.py [--readers 50] [--rounds 10] [--runs 5]

Three processes: the sandbox Bot API (``briefbot sandbox``), the real bot
(``build_application`` with this process's senders, as ``briefbot run`` has them, long
polling the sandbox over HTTP; Redis: ``REDIS_URL`` or an embedded one), and this one,
playing the readers through the sandbox's control API. Each reader, in a loop: sends
``/today`` and waits for the digest, then taps an item button and waits for the item.
Latency runs from just before the reader's message goes to the sandbox until the bot's
answer is in the chat: getUpdates delivery, the handler (Redis reads and writes,
rendering) and sendMessage. The readers' throttle is raised for the run (it is not what is
measured). Figures: p50 / p99 per run, then the median over ``--runs`` runs.

Columns:
- 1 reader alone: the baseline.
- 50 paced: each reader acts once a second on average, independently of the others (a
  pause drawn from an exponential distribution of mean ``--think`` after each answer, and a
  random start): 50 people reading, not a drill. ``--lockstep`` makes them all act at the
  same instants instead (fixed pauses, one start), the worst case of 50 requests queued at
  once.
- 50 paced while a push is sent from the bot's own process: a push to ``--push-readers``
  subscribers at the default rate (30/s) by the bot process's senders, as ``briefbot run``
  sends the morning push.
- 50 flat out: no pause at all, the bot's saturation.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from delivery_harness import (  # noqa: E402
    DATE,
    Run,
    briefbot,
    cpu_seconds,
    create_chats,
    progress,
    redis_url,
    sandbox_process,
    wait_for_exit,
)
from populate_run import populate  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from bot.app import build_application, polling  # noqa: E402
from bot.delivery.senders.startup import sender_hooks  # noqa: E402
from bot.keys import Keys  # noqa: E402
from bot.reader_throttle import ReaderThrottle  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox import EXAMPLE_TOKEN, ChatMessage, SandboxControl  # noqa: E402

# "Today" for the bot: the example digest's day, so /today answers with one message.
TODAY = datetime(2025, 7, 21, 4, 0, tzinfo=UTC)


async def serve(sandbox_url: str, redis: str, prefix: str) -> None:
    """The bot process, with its senders: until stdin closes; prints "ready" once it
    polls."""
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": EXAMPLE_TOKEN,
            "TELEGRAM_API_BASE_URL": f"{sandbox_url}/bot",
            "REDIS_URL": redis,
            "BRIEFBOT_DATA_DIR": tempfile.mkdtemp(prefix="briefbot-bench-"),
            "BRIEFBOT_PREFIX": prefix,
            "DIGEST_DIR": str(ROOT / "examples" / "digests"),
            "LOG_LEVEL": "WARNING",
        }
    )
    start_senders, stop_senders = sender_hooks()
    application = build_application(
        settings,
        clock=lambda: TODAY,
        throttle=ReaderThrottle(rate=1000.0, burst=1000),
        on_start=[start_senders],
        on_stop=[stop_senders],
    )
    async with polling(application, poll_seconds=10.0):
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


@dataclasses.dataclass
class Samples:
    today: list[float] = dataclasses.field(default_factory=list)
    button: list[float] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Pace:
    """How long a reader waits after each answer: ``think`` seconds on average, drawn
    independently for each reader and pause (a Poisson process), or exactly ``think`` for
    every reader at once with ``lockstep``."""

    think: float
    lockstep: bool = False

    def pause(self) -> float:
        if self.lockstep or self.think == 0:
            return self.think
        return random.expovariate(1 / self.think)

    def start(self) -> float:
        return 0.0 if self.lockstep else random.uniform(0, self.think)


async def reader(control: SandboxControl, rounds: int, pace: Pace, samples: Samples) -> None:
    """One reader: /today then a button, ``rounds`` times, pausing as ``pace`` says."""
    chat = await control.create_private_chat(first_name="Reader", language_code="zh")
    seen = 0
    await asyncio.sleep(pace.start())
    for round_number in range(rounds):
        started = time.perf_counter()
        await control.send_text(chat.chat_id, "/today", chat.user_id)
        messages = await control.wait_for_messages(chat.chat_id, seen + 1, timeout=30)
        samples.today.append(time.perf_counter() - started)
        seen = len(messages)
        await asyncio.sleep(pace.pause())
        digest: ChatMessage = messages[-1]
        data = digest.button_data()[round_number % len(digest.button_data())]
        started = time.perf_counter()
        await control.press_button(chat.chat_id, digest.message_id, data, chat.user_id)
        messages = await control.wait_for_messages(chat.chat_id, seen + 1, timeout=30)
        samples.button.append(time.perf_counter() - started)
        seen = len(messages)
        await asyncio.sleep(pace.pause())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def one_run(url: str, readers: int, rounds: int, pace: Pace) -> Samples:
    samples = Samples()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        control = SandboxControl(url, session)
        await asyncio.gather(*(reader(control, rounds, pace, samples) for _ in range(readers)))
    return samples


def summary(runs: list[Samples], kind: str) -> tuple[float, float]:
    p50 = statistics.median(percentile(getattr(r, kind), 0.50) for r in runs)
    p99 = statistics.median(percentile(getattr(r, kind), 0.99) for r in runs)
    return p50 * 1000, p99 * 1000


@dataclasses.dataclass
class Column:
    """One column of the table: its runs, and the bot process's CPU while they ran."""

    runs: list[Samples]
    seconds: float
    bot_cpu: float
    note: str = ""

    @property
    def answers_per_second(self) -> float:
        return sum(len(r.today) + len(r.button) for r in self.runs) / self.seconds


async def measure(
    url: str, bot_pid: int, readers: int, rounds: int, runs: int, pace: Pace
) -> Column:
    await one_run(url, min(readers, 5), 2, Pace(0.0))  # warm up connections and code paths
    cpu, started = cpu_seconds(bot_pid), time.perf_counter()
    done = [await one_run(url, readers, rounds, pace) for _ in range(runs)]
    seconds = time.perf_counter() - started
    return Column(done, seconds, (cpu_seconds(bot_pid) - cpu) / seconds)


async def measure_during_push(
    url: str, redis: str, prefix: str, bot_pid: int, args: argparse.Namespace
) -> Column:
    """The paced readers while the bot process sends a push to ``--push-readers`` other
    subscribers (``briefbot push --now`` only enqueues it: the bot's senders send it)."""
    run = Run(redis, prefix)  # the bot's own prefix: its senders take the push
    await populate(redis, prefix, await create_chats(url, args.push_readers))
    enqueue = briefbot(run.env(url), "push", DATE, "--now")
    err = await asyncio.to_thread(wait_for_exit, enqueue, 120)
    found = re.search(r"\(push (\S+)\)", err)
    if found is None:
        raise SystemExit(f"the push was not enqueued:\n{err}")
    before = await progress(redis, run, found[1])
    pace = Pace(args.think, args.lockstep)
    column = await measure(url, bot_pid, args.readers, args.rounds, args.runs, pace)
    after = await progress(redis, run, found[1])
    sent = int(after.get("sent", 0)) - int(before.get("sent", 0))
    left = args.push_readers - int(after.get("sent", 0))
    column.note = f"push: {sent / column.seconds:.1f}/s sent while measured, {left} left after"
    if left <= 0:
        column.note += " (it ended before the readers did: raise --push-readers)"
    return column


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a paced reader waits, on average"
    )
    parser.add_argument(
        "--lockstep", action="store_true", help="paced readers all act at the same instants"
    )
    parser.add_argument(
        "--push-readers",
        type=int,
        default=8000,
        help="subscribers of the push sent meanwhile (at 30/s; 0: no push column)",
    )
    parser.add_argument("--serve-bot", nargs=3, metavar=("SANDBOX", "REDIS", "PREFIX"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.serve_bot:
        asyncio.run(serve(*args.serve_bot))
        return 0
    pace = Pace(args.think, args.lockstep)
    paced = f"{args.readers} {'in lockstep' if args.lockstep else 'paced'} ({args.think:g}s)"
    with redis_url(None) as redis, sandbox_process() as (url, _pid):
        prefix = f"briefbot-latency-{os.getpid()}"
        bot = subprocess.Popen(
            [sys.executable, __file__, "--serve-bot", url, redis, prefix],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert bot.stdout is not None and bot.stdin is not None
        load_before = os.getloadavg()[0]
        try:
            bot.stdout.readline()  # "ready"

            def column(readers: int, pace: Pace) -> Column:
                return asyncio.run(measure(url, bot.pid, readers, args.rounds, args.runs, pace))

            columns = {
                "1 reader (baseline)": column(1, Pace(0.0)),
                paced: column(args.readers, pace),
                f"{args.readers} flat out": column(args.readers, Pace(0.0)),
            }
            if args.push_readers:
                columns[f"{paced[: -len(f' ({args.think:g}s)')]} + push"] = asyncio.run(
                    measure_during_push(url, redis, prefix, bot.pid, args)
                )
        finally:
            bot.stdin.close()
            bot.wait(timeout=60)
            asyncio.run(delete_keys(redis, prefix))
    print_table(columns, args, load_before)
    return 0


async def delete_keys(url: str, prefix: str) -> None:
    client = Redis.from_url(url)
    try:
        async for key in client.scan_iter(match=Keys(prefix).pattern(), count=1000):
            await client.delete(key)
    finally:
        await client.aclose()


def print_table(columns: dict[str, Column], args: argparse.Namespace, load: float) -> None:
    print(
        f"reader latency in ms: p50 / p99, median of {args.runs} runs of {args.rounds} rounds "
        "per reader (sandbox, bot and readers in three processes)"
    )
    width = max(24, *(len(name) + 2 for name in columns))
    print(f"{'':16}" + "".join(f"{name:>{width}}" for name in columns))
    for kind, label in (("today", "/today"), ("button", "button press")):
        for name, index in (("p50", 0), ("p99", 1)):
            cells = [summary(c.runs, kind)[index] for c in columns.values()]
            print(f"{label + ' ' + name:16}" + "".join(f"{cell:>{width}.1f}" for cell in cells))
    rates = [f"{c.answers_per_second:.0f}" for c in columns.values()]
    print(f"{'answers/s':16}" + "".join(f"{cell:>{width}}" for cell in rates))
    cpu = [f"{c.bot_cpu:.0%}" for c in columns.values()]
    print(f"{'bot CPU':16}" + "".join(f"{cell:>{width}}" for cell in cpu))
    for name, c in columns.items():
        if c.note:
            print(f"{name}: {c.note}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f} before and "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine inflates every figure)"
    )


if __name__ == "__main__":
    sys.exit(main())
