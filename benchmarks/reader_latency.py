"""Reader latency: how long a reader waits for the answer to ``/today`` and to a button
press, with 50 readers at once, against 1 reader alone (the baseline).

    python benchmarks/reader_latency.py [--readers 50] [--rounds 10] [--runs 5]

Three processes: the sandbox Bot API (``briefbot sandbox``), the real bot
(``build_application``, long polling the sandbox over HTTP; Redis: ``REDIS_URL`` or the
embedded one), and this one, playing the readers through the sandbox's control API.
Each reader, in a loop: sends ``/today`` and waits for the digest, then taps an item
button and waits for the item. Latency runs from just before the reader's message goes to
the sandbox until the bot's answer is in the chat: getUpdates delivery, the handler (Redis
reads and writes, rendering) and sendMessage. The readers' throttle is raised for the run
(it is not what is measured). Figures: p50 / p99 per run, then the median over ``--runs``
runs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
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

from delivery_harness import sandbox_process  # noqa: E402

from bot.app import build_application, polling  # noqa: E402
from bot.keys import Keys  # noqa: E402
from bot.reader_throttle import ReaderThrottle  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox import EXAMPLE_TOKEN, ChatMessage, SandboxControl  # noqa: E402

# "Today" for the bot: the example digest's day, so /today answers with one message.
TODAY = datetime(2025, 7, 21, 4, 0, tzinfo=UTC)


async def serve(sandbox_url: str) -> None:
    """The bot process: until stdin closes; prints "ready" once it polls."""
    data = tempfile.mkdtemp(prefix="briefbot-bench-")
    prefix = f"bench-{os.getpid()}"
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": EXAMPLE_TOKEN,
            "TELEGRAM_API_BASE_URL": f"{sandbox_url}/bot",
            "REDIS_URL": os.environ.get("REDIS_URL", ""),
            "BRIEFBOT_DATA_DIR": data,
            "BRIEFBOT_PREFIX": prefix,
            "DIGEST_DIR": str(ROOT / "examples" / "digests"),
            "LOG_LEVEL": "WARNING",
        }
    )
    application = build_application(
        settings, clock=lambda: TODAY, throttle=ReaderThrottle(rate=1000.0, burst=1000)
    )
    async with polling(application, poll_seconds=10.0):
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        services = application.bot_data.services
        client = services.runtime.connection.client
        async for key in client.scan_iter(match=Keys(prefix).pattern(), count=1000):
            await client.delete(key)


@dataclasses.dataclass
class Samples:
    today: list[float] = dataclasses.field(default_factory=list)
    button: list[float] = dataclasses.field(default_factory=list)


async def reader(control: SandboxControl, rounds: int, think: float, samples: Samples) -> None:
    """One reader: /today then a button, ``rounds`` times, ``think`` seconds between."""
    chat = await control.create_private_chat(first_name="Reader", language_code="zh")
    seen = 0
    for round_number in range(rounds):
        started = time.perf_counter()
        await control.send_text(chat.chat_id, "/today", chat.user_id)
        messages = await control.wait_for_messages(chat.chat_id, seen + 1, timeout=30)
        samples.today.append(time.perf_counter() - started)
        seen = len(messages)
        await asyncio.sleep(think)
        digest: ChatMessage = messages[-1]
        data = digest.button_data()[round_number % len(digest.button_data())]
        started = time.perf_counter()
        await control.press_button(chat.chat_id, digest.message_id, data, chat.user_id)
        messages = await control.wait_for_messages(chat.chat_id, seen + 1, timeout=30)
        samples.button.append(time.perf_counter() - started)
        seen = len(messages)
        await asyncio.sleep(think)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def one_run(url: str, readers: int, rounds: int, think: float) -> Samples:
    samples = Samples()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        control = SandboxControl(url, session)
        await asyncio.gather(*(reader(control, rounds, think, samples) for _ in range(readers)))
    return samples


def summary(runs: list[Samples], kind: str) -> tuple[float, float]:
    p50 = statistics.median(percentile(getattr(r, kind), 0.50) for r in runs)
    p99 = statistics.median(percentile(getattr(r, kind), 0.99) for r in runs)
    return p50 * 1000, p99 * 1000


async def measure(url: str, readers: int, rounds: int, runs: int, think: float) -> list[Samples]:
    await one_run(url, min(readers, 5), 2, 0.0)  # warm up connections and code paths
    return [await one_run(url, readers, rounds, think) for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a paced reader waits between actions"
    )
    parser.add_argument("--serve-bot", metavar="SANDBOX_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bot:
        asyncio.run(serve(args.serve_bot))
        return 0
    with sandbox_process() as (url, _pid):
        bot = subprocess.Popen(
            [sys.executable, __file__, "--serve-bot", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert bot.stdout is not None and bot.stdin is not None
        load_before = os.getloadavg()[0]
        try:
            bot.stdout.readline()  # "ready"
            columns = {
                "1 reader (baseline)": asyncio.run(measure(url, 1, args.rounds, args.runs, 0.0)),
                f"{args.readers} paced ({args.think:g}s)": asyncio.run(
                    measure(url, args.readers, args.rounds, args.runs, args.think)
                ),
                f"{args.readers} flat out": asyncio.run(
                    measure(url, args.readers, args.rounds, args.runs, 0.0)
                ),
            }
        finally:
            bot.stdin.close()
            bot.wait(timeout=30)
    print(
        f"reader latency in ms: p50 / p99, median of {args.runs} runs of {args.rounds} rounds "
        "per reader (sandbox, bot and readers in three processes)"
    )
    print(f"{'':16}" + "".join(f"{name:>24}" for name in columns))
    for kind, label in (("today", "/today"), ("button", "button press")):
        for name, index in (("p50", 0), ("p99", 1)):
            cells = [summary(runs, kind)[index] for runs in columns.values()]
            print(f"{label + ' ' + name:16}" + "".join(f"{cell:>24.1f}" for cell in cells))
    base = summary(next(iter(columns.values())), "today")[0]
    ratios = "  ".join(
        f"{name}: {summary(r, 'today')[0] / base:.1f}x" for name, r in columns.items()
    )
    print(f"/today p50 against the baseline: {ratios}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before and "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine inflates every figure)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
