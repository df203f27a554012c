"""What the delivery benchmarks share: a sandbox in its own process, a Redis (the one at
``--redis-url`` / ``REDIS_URL``, else an embedded one in a temporary folder), readers who
exist as sandbox chats and as subscribers under a fresh key prefix, and ``briefbot``
subprocesses whose CPU time and memory can be read from ``/proc``.

Every key a run writes is under its own prefix and deleted afterwards; nothing else in the
Redis is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.embedded import EmbeddedRedis
from sandbox import EXAMPLE_TOKEN, SandboxControl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "digests" / "2025-07-21.md"
DATE = "2025-07-21"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextmanager
def redis_url(given: str | None) -> Any:
    """The Redis to use: ``given``, else ``REDIS_URL``, else an embedded one."""
    url = given or os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        server = EmbeddedRedis(Path(folder))
        try:
            yield server.start()
        finally:
            server.stop()


@contextmanager
def sandbox_process() -> Any:
    """``briefbot sandbox --port 0`` in its own process; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert process.stdout is not None
    base = process.stdout.readline().decode().split()[-1]  # "Bot API base URL:  .../bot"
    try:
        yield base.removesuffix("/bot"), process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


async def stub_server() -> None:
    """A Bot API stub: answers getMe and sendMessage at once with a minimal message (no
    entity parsing, no storage), to measure a sender without the sandbox's own costs."""
    from aiohttp import web

    me = {"id": 1, "is_bot": True, "first_name": "stub", "username": "stub_bot"}
    counter = iter(range(1, 1 << 62))

    async def answer(request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        if request.match_info["method"] == "getMe":
            return web.json_response({"ok": True, "result": me})
        chat = {"id": int(params["chat_id"]), "type": "private"}
        message = {"message_id": next(counter), "date": 0, "chat": chat, "text": "."}
        return web.json_response({"ok": True, "result": message})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"stub Bot API base URL: http://127.0.0.1:{runner.addresses[0][1]}/bot", flush=True)
    await asyncio.Event().wait()


@contextmanager
def stub_process() -> Any:
    """``stub_server`` in its own process; yields its base URL (without ``/bot``) and pid."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--stub"], stdout=subprocess.PIPE, cwd=ROOT
    )
    assert process.stdout is not None
    base = process.stdout.readline().decode().split()[-1]
    try:
        yield base.removesuffix("/bot"), process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


async def create_chats(url: str, count: int, groups: int = 0) -> list[int]:
    """``count`` private chats (and ``groups`` groups) in the sandbox, 32 requests at once."""
    async with SandboxControl(url) as control:
        chats: list[int] = []

        async def make(n: int) -> None:
            for _ in range(n):
                chats.append((await control.create_private_chat()).chat_id)

        share, rest = divmod(count, 32)
        await asyncio.gather(*(make(share + (1 if i < rest else 0)) for i in range(32)))
        for i in range(groups):
            chats.append((await control.create_group(f"bench group {i}")).chat_id)
        return chats


@dataclass
class Run:
    """One run's Redis prefix, with the example digest stored and the readers subscribed."""

    url: str
    prefix: str = field(default_factory=lambda: f"briefbot-bench-{uuid.uuid4().hex[:10]}")

    @property
    def keys(self) -> Keys:
        return Keys(self.prefix)

    def env(self, sandbox_url: str, **extra: str) -> dict[str, str]:
        """The environment of a ``briefbot`` process working on this run."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT")}
        env.update(
            TELEGRAM_BOT_TOKEN=EXAMPLE_TOKEN,
            TELEGRAM_API_BASE_URL=f"{sandbox_url}/bot",
            REDIS_URL=self.url,
            BRIEFBOT_PREFIX=self.prefix,
            DIGEST_DIR=str(EXAMPLE.parent),
            LOG_LEVEL="WARNING",
        )
        env.update(extra)
        return env


@asynccontextmanager
async def prepared_run(
    url: str, chats: Sequence[int], python: str | None = None
) -> AsyncIterator[Run]:
    """A fresh prefix with the digest stored and ``chats`` as active compact subscribers,
    written by ``benchmarks/populate_run.py`` run by ``python`` (see ``engine_python``:
    the checkout whose engine the run measures); its keys are deleted afterwards."""
    run = Run(url)
    client = Redis.from_url(url, decode_responses=True)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump(list(chats), file)
            file.flush()
            script = ROOT / "benchmarks" / "populate_run.py"
            command = [python or sys.executable, str(script), url, run.prefix, file.name]
            await asyncio.to_thread(subprocess.run, command, check=True, cwd=ROOT)
        yield run
    finally:
        # An older engine writes its keys without the hash tag (``PREFIX:...``).
        for pattern in (Keys(run.prefix).pattern(), f"{run.prefix}:*"):
            async for key in client.scan_iter(match=pattern, count=5000):
                await client.delete(key)
        await client.aclose()


def limit_benchmark_parser(description: str, subscribers: int) -> argparse.ArgumentParser:
    """The arguments every run against the sandbox's limits takes (strict_fidelity.py,
    adaptation.py, paid_broadcast.py): readers, runs, a baseline checkout run side by side
    for its first ``--baseline-runs``, and the Redis to use."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--subscribers", type=int, default=subscribers)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine-baseline", metavar="CHECKOUT")
    parser.add_argument(
        "--baseline-runs", type=int, default=1, help="runs of the baseline (the first ones)"
    )
    parser.add_argument("--redis-url")
    return parser


def engine_python(checkout: str | None) -> str:
    """The Python that runs ``briefbot``: this checkout's, or that of another checkout of
    briefbot (with its own ``.venv``), to run an older engine side by side."""
    return sys.executable if checkout is None else str(Path(checkout) / ".venv" / "bin" / "python")


def briefbot(
    env: dict[str, str], *args: str, python: str | None = None, python_args: bool = False
) -> subprocess.Popen[bytes]:
    """Start ``briefbot ARGS`` (stderr captured) in a folder without a ``.env``, with
    ``python`` (see ``engine_python``) or this checkout's; with ``python_args``, ARGS are
    the interpreter's own (``-m cProfile ... -m bot push``)."""
    command = [*args] if python_args else ["-m", "bot", *args]
    return subprocess.Popen(
        [python or sys.executable, *command],
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mib(pid: int) -> float:
    """Resident memory of a live process, MiB."""
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_SIZE / 2**20


def kill9(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


async def progress(url: str, run: Run, push_id: str) -> dict[str, str]:
    """The raw progress counters of a push."""
    client = Redis.from_url(url, decode_responses=True)
    try:
        return dict(await client.hgetall(run.keys.push_progress(push_id)))
    finally:
        await client.aclose()


async def sandbox_counters(url: str) -> dict[str, Any]:
    async with SandboxControl(url) as control:
        return await control.counters()


async def reset_sandbox(url: str, **faults: Any) -> None:
    """Zero the counters and set exactly ``faults``."""
    async with SandboxControl(url) as control:
        await control.reset_faults()
        if faults:
            await control.set_faults(**faults)
        await control.reset_counters()


def wait_for_exit(process: subprocess.Popen[bytes], timeout: float) -> str:
    """Wait for ``process``; its stderr; raises when it failed."""
    _, err = process.communicate(timeout=timeout)
    text = err.decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"briefbot exited {process.returncode}:\n{text}")
    return text


@dataclass
class LimitedPush:
    """One push against the sandbox's flood limits, as the sandbox saw it."""

    sent: int  # what the push counted as sent
    rate: float  # sustained messages/s on the sandbox's clock (first to last message)
    too_many_requests: int  # 429s the sandbox answered
    peak: int  # the most messages the sandbox accepted in any one second
    samples: list[tuple[float, int, int]]  # (seconds since the push started, messages, 429s)


async def push_against_limits(
    url: str,
    sandbox: str,
    chats: Sequence[int],
    env_extra: dict[str, str],
    *,
    flood_window: int,
    workers: int = 0,
    python: str | None = None,
    sample_every: float = 0.5,
) -> LimitedPush:
    """``briefbot push --now --wait`` (plus ``workers`` ``briefbot worker`` processes, with
    ``python``: see ``engine_python``) against Telegram's per-chat limits and a strict
    window of ``flood_window`` messages in any second, sampling the sandbox meanwhile."""
    async with SandboxControl(sandbox) as control:
        await control.real_limits(flood_window=flood_window)
        await control.reset_counters()
        async with prepared_run(url, chats, python) as run:
            env = run.env(sandbox, **env_extra)
            helpers = [briefbot(env, "worker", python=python) for _ in range(workers)]
            samples: list[tuple[float, int, int]] = []
            try:
                await asyncio.sleep(1.5 if workers else 0)  # let the workers join the group
                started = time.perf_counter()
                push = briefbot(env, "push", DATE, "--now", "--wait", python=python)
                waiting = asyncio.create_task(asyncio.to_thread(wait_for_exit, push, 1800))
                while not waiting.done():
                    counters = await control.counters()
                    samples.append((time.perf_counter() - started, counters["messages_total"],
                                    counters["too_many_requests"]))  # fmt: skip
                    await asyncio.wait([waiting], timeout=sample_every)
                err = await waiting
            finally:
                for helper in helpers:
                    helper.terminate()
                for helper in helpers:
                    await asyncio.to_thread(helper.wait, 30)
        counters = await control.counters()
    match = re.search(r"(\d+) sent", err)
    if match is None:
        raise SystemExit(f"no summary in:\n{err}")
    return LimitedPush(
        sent=int(match[1]),
        rate=float(counters["sustained_messages_per_second"] or 0.0),
        too_many_requests=int(counters["too_many_requests"]),
        peak=int(counters["peak_messages_per_second"]),
        samples=samples,
    )


def now() -> float:
    return time.perf_counter()


if __name__ == "__main__" and sys.argv[1:] == ["--stub"]:
    asyncio.run(stub_server())
