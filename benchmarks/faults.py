"""The fault table of issue 10: a push through each fault, end to end, and what it cost.

    python benchmarks/faults.py [all|redis|botapi|flood|kill|digest ...] [--readers 2000]
                                [--engine CHECKOUT]

``--engine DIR`` runs another checkout's ``briefbot``, to see the same faults before a
change: with its own ``.venv`` when DIR has one, else on this one (a ``git archive`` of an
older commit unpacked in DIR; it must use the same key names).

Every fault runs ``briefbot`` processes (``push --now --wait``, ``worker``) against the
sandbox in its own process (20 ms per request, so sends are in flight when a fault
strikes) and an embedded Redis of this script's own (so it may restart it):

- ``redis``: Redis stopped (SHUTDOWN) and started again twice in the middle of the push,
  2 s away each time (a ``briefbot worker`` sends beside ``push --wait``);
- ``botapi``: the Bot API refusing connections for 60 s (a TCP proxy in front of the
  sandbox closes its port and every open connection), then three bursts of 100 5xx
  answers, then 3 s per request for 10 s;
- ``flood``: a 429 storm: every send answered 429 with ``retry_after`` 30 for 35 s;
- ``kill``: the sending ``briefbot worker`` killed with ``kill -9`` three times in one
  push (``benchmarks/crash.py``'s run, three kills; reclaim after 3 s);
- ``digest``: DIGEST_DIR holding garbage bytes, a half-written digest, a 3 MB file, and
  the pushed date's file rewritten in small chunks over and over while ``push`` reads it.

For each: what was injected, how long the push took, readers missed (goal 0), duplicates
(goal: no more than what was in flight at each kill: ``SENDER_CONCURRENCY`` per kill, 0
otherwise), dead letters, and whether a process died or hung. A summary table at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import delivery_harness as harness
from crash import PUSH_ID, wait_until
from delivery_harness import (
    DATE,
    EXAMPLE,
    Run,
    create_chats,
    engine_python,
    kill9,
    prepared_run,
    reset_sandbox,
    sandbox_counters,
    sandbox_process,
)
from redis.asyncio import Redis

from bot.store.embedded import EmbeddedRedis
from sandbox import SandboxControl

ENGINE: str | None = None  # --engine: the Python of the checkout whose briefbot runs
PUSH_TIMEOUT = 400.0  # a push still running after this long counts as hung
CONCURRENCY = 16
SANDBOX_LATENCY_MS = 20


@dataclass
class Result:
    """One row of the table."""

    fault: str
    injected: str
    seconds: float
    readers: int
    missed: int
    duplicates: int
    bound: int
    dead_letters: int
    processes: str  # "all exited 0", or what died or hung


@dataclass
class World:
    """What every fault shares: the Redis, the sandbox and its readers."""

    redis: EmbeddedRedis
    url: str
    sandbox: str
    chats: list[int]


ENGINE_SOURCE: str | None = None  # --engine without its own .venv: run it on this one


def briefbot(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """``briefbot ARGS`` of the engine under test."""
    if ENGINE_SOURCE is not None:
        env = {**env, "PYTHONPATH": ENGINE_SOURCE}
    return harness.briefbot(env, *args, python=ENGINE)


# --- measuring -----------------------------------------------------------------------------
async def messages_total(sandbox: str) -> int:
    return int((await sandbox_counters(sandbox))["messages_total"])


class PushEnded(Exception):
    """The push exited before the fault could be injected in full."""


PUSHES: list[subprocess.Popen[bytes]] = []  # the push a fault is injected into


async def wait_for_messages(sandbox: str, count: int, within: float = 300) -> None:
    """Until the sandbox has accepted ``count`` messages since its counters were reset."""
    deadline = time.monotonic() + within
    while await messages_total(sandbox) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"the sandbox never reached {count} messages")
        if PUSHES and PUSHES[-1].poll() is not None:
            raise PushEnded
        await asyncio.sleep(0.2)


async def delivered(sandbox: str, chats: Sequence[int]) -> tuple[int, int]:
    """(readers without the digest, extra messages) by the sandbox's own count."""
    per_chat = (await sandbox_counters(sandbox))["messages_per_chat"]
    counts = [int(per_chat.get(str(chat), 0)) for chat in chats]
    return sum(1 for n in counts if n == 0), sum(n - 1 for n in counts if n > 1)


async def dead_letters(url: str, run: Run) -> int:
    client = Redis.from_url(url, decode_responses=True)
    try:
        return int(await client.xlen(run.keys.dead_letters()))
    finally:
        await client.aclose()


async def finish(process: subprocess.Popen[bytes], within: float = PUSH_TIMEOUT) -> str:
    """Wait for ``process``; what went wrong with it ("" when it exited 0 in time)."""
    try:
        _, err = await asyncio.to_thread(process.communicate, None, within)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait)
        return f"hung (killed after {within:.0f} s)"
    if process.returncode != 0:
        last = (err.decode(errors="replace").strip().splitlines() or [""])[-1]
        return f"exited {process.returncode} ({last[:120]})"
    return ""


async def measured_push(
    world: World,
    fault: str,
    readers: int,
    inject: Callable[[Run], Awaitable[str]],
    *,
    sandbox_url: str | None = None,
    env_extra: dict[str, str] | None = None,
    worker: bool = False,
) -> Result:
    """``briefbot push --now --wait`` (with ``worker``, next to a ``briefbot worker``) to
    ``readers`` readers while ``inject`` strikes (it returns what it injected); the row of
    the table."""
    chats = world.chats[:readers]
    await reset_sandbox(world.sandbox, latency_ms=SANDBOX_LATENCY_MS)
    async with prepared_run(world.url, chats) as run:
        env = run.env(
            sandbox_url or world.sandbox,
            SENDER_CONCURRENCY=str(CONCURRENCY),
            RATE_LIMIT_PER_SECOND="1000",
            **(env_extra or {}),
        )
        helper = briefbot(env, "worker") if worker else None
        started = time.monotonic()
        push = briefbot(env, "push", DATE, "--now", "--wait")
        PUSHES[:] = [push] if helper is None else []
        finishing = asyncio.create_task(finish(push))
        try:
            injected = await inject(run)
        except PushEnded:
            injected = "(the push ended before the fault was over)"
        problems = [f"push {problem}" for problem in [await finishing] if problem]
        if helper is not None:
            await drained(world.url, run)  # the worker finishes what a dead push left
        seconds = time.monotonic() - started
        if helper is not None:
            helper.terminate()
            problems += [f"worker {problem}" for problem in [await finish(helper, 30)] if problem]
        letters = await dead_letters(world.url, run)
    missed, duplicates = await delivered(world.sandbox, chats)
    processes = "; ".join(problems) or ("push and worker exited 0" if worker else "push exited 0")
    return Result(fault, injected, seconds, readers, missed, duplicates, 0, letters, processes)


async def drained(url: str, run: Run, within: float = 120) -> None:
    """Until the run's outbox holds no task (every one acknowledged)."""
    client = Redis.from_url(url, decode_responses=True)
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not await client.xlen(run.keys.outbox()):
                return
            await asyncio.sleep(0.2)
    finally:
        await client.aclose()


# --- faults --------------------------------------------------------------------------------
async def redis_restarts(world: World, readers: int) -> Result:
    async def inject(run: Run) -> str:
        for share in (0.25, 0.6):
            await wait_for_messages(world.sandbox, int(readers * share))
            await asyncio.to_thread(world.redis.stop)
            try:
                await asyncio.sleep(2.0)
            finally:
                await asyncio.to_thread(world.redis.start)
        return "Redis stopped (SHUTDOWN) and restarted twice mid-push, 2 s away each time"

    return await measured_push(world, "Redis restarted twice", readers, inject, worker=True)


class RefusingProxy:
    """A TCP proxy in front of the sandbox's port that can refuse connections: it closes
    its listening socket and every connection open through it, and listens again later
    on the same port."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def refuse(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self._host, self._port)
        except OSError:
            writer.transport.abort()
            return
        self._open.update((writer, up_writer))
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            for side in (writer, up_writer):
                self._open.discard(side)
                side.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()


async def bot_api_outage(world: World, readers: int) -> Result:
    proxy = RefusingProxy(world.sandbox)
    await proxy.listen()

    async def inject(run: Run) -> str:
        async with SandboxControl(world.sandbox) as control:
            await wait_for_messages(world.sandbox, readers // 8)
            await proxy.refuse()
            try:
                await asyncio.sleep(60)
            finally:
                await proxy.listen()
            sent = await messages_total(world.sandbox)
            await wait_for_messages(world.sandbox, sent + readers // 8)
            for status in (500, 502, 503):
                await control.set_faults(error_burst=100, error_status=status)
                await asyncio.sleep(1.0)
            sent = await messages_total(world.sandbox)
            await wait_for_messages(world.sandbox, sent + readers // 8)
            await control.set_faults(latency_ms=3000)
            try:
                await asyncio.sleep(10)
            finally:
                await control.set_faults(latency_ms=SANDBOX_LATENCY_MS)
        return "connections refused 60 s; then 3 bursts of 100 5xx; then 3 s/request for 10 s"

    return await measured_push(
        world, "Bot API down, 5xx, slow", readers, inject, sandbox_url=proxy.url
    )


async def flood_storm(world: World, readers: int) -> Result:
    async def inject(run: Run) -> str:
        async with SandboxControl(world.sandbox) as control:
            await wait_for_messages(world.sandbox, readers // 5)
            await control.set_faults(global_rate=0.001, global_burst=1, retry_after=30)
            await asyncio.sleep(35)
            await control.reset_faults()
            await control.set_faults(latency_ms=SANDBOX_LATENCY_MS)
            too_many = (await control.counters())["too_many_requests"]
        return f"every send answered 429 retry_after=30 for 35 s ({too_many} 429s served)"

    return await measured_push(world, "429 storm", readers, inject)


async def kills(world: World, readers: int) -> Result:
    """A ``briefbot worker`` killed with ``kill -9`` three times in one push."""
    chats = world.chats[:readers]
    await reset_sandbox(world.sandbox, latency_ms=SANDBOX_LATENCY_MS)
    problems: list[str] = []
    async with prepared_run(world.url, chats) as run:
        env = run.env(
            world.sandbox,
            SENDER_CONCURRENCY=str(CONCURRENCY),
            DELIVERY_RECLAIM_SECONDS="3",
            RATE_LIMIT_PER_SECOND="1000",
        )
        started = time.monotonic()
        worker = briefbot(env, "worker")
        enqueue = briefbot(env, "push", DATE, "--now")
        _, err = await asyncio.to_thread(enqueue.communicate, None, 120)
        match = PUSH_ID.search(err.decode())
        assert match, err.decode()
        push_id = match[1]
        for share in (0.2, 0.45, 0.7):
            await wait_until(world.url, run, push_id, f"sent>={int(readers * share)}", 300)
            kill9(worker)
            worker = briefbot(env, "worker")
        try:
            await wait_until(world.url, run, push_id, "finished", PUSH_TIMEOUT)
        except SystemExit as error:
            problems.append(str(error))
        seconds = time.monotonic() - started
        worker.terminate()
        problem = await finish(worker, within=30)
        if problem:
            problems.append(f"last worker {problem}")
        letters = await dead_letters(world.url, run)
    missed, duplicates = await delivered(world.sandbox, chats)
    return Result(
        "sender killed 3 times",
        "kill -9 of the sending worker at 20%, 45% and 70% of the push; a new one each time",
        seconds, readers, missed, duplicates, 3 * CONCURRENCY, letters,
        "; ".join(problems) or "the killed workers only; the last one exited 0 on SIGTERM",
    )  # fmt: skip


def _rewrite_forever(path: Path, versions: Sequence[bytes], stop: threading.Event) -> int:
    """Rewrite ``path`` with each version in turn, in small chunks (as an editor or a
    sync tool might), until ``stop``; how many rewrites."""
    rewrites = 0
    while not stop.is_set():
        data = versions[rewrites % len(versions)]
        with path.open("wb") as file:
            for start in range(0, len(data), 512):
                file.write(data[start : start + 512])
                file.flush()
                time.sleep(0.0005)
        rewrites += 1
    return rewrites


async def hostile_digests(world: World, readers: int) -> Result:
    text = EXAMPLE.read_bytes()
    version_b = text.replace(b"title:", b"title: B", 1)
    with tempfile.TemporaryDirectory(prefix="briefbot-faults-") as folder:
        digests = Path(folder)
        rng = random.Random(10)
        (digests / "2025-07-17.md").write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
        half = (EXAMPLE.parent / "2025-07-22.md").read_bytes()
        (digests / "2025-07-22.md").write_bytes(half[: len(half) // 2])
        (digests / "2025-07-18.md").write_bytes(b"---\ndate: 2025-07-18\n---\n" + b"x" * 3_000_000)
        (digests / f"{DATE}.md").write_bytes(text)
        stop = threading.Event()
        writer = asyncio.create_task(
            asyncio.to_thread(_rewrite_forever, digests / f"{DATE}.md", (text, version_b), stop)
        )
        check_started = time.monotonic()
        check = await asyncio.to_thread(
            subprocess.run,
            [ENGINE or sys.executable, "-m", "bot", "check", str(digests)],
            capture_output=True, timeout=120, check=False, cwd=folder,
            env={**os.environ, **({"PYTHONPATH": ENGINE_SOURCE} if ENGINE_SOURCE else {})},
        )  # fmt: skip
        check_seconds = time.monotonic() - check_started

        async def inject(run: Run) -> str:
            return (
                "garbage bytes, a half-written digest, a 3 MB file, the pushed date's file "
                f"rewritten in 512-byte chunks throughout (`briefbot check` of the folder: "
                f"exit {check.returncode}, {len(check.stdout.splitlines())} problem lines, "
                f"{check_seconds:.1f} s)"
            )

        try:
            result = await measured_push(
                world, "hostile digest source", readers, inject, env_extra={"DIGEST_DIR": folder}
            )
        finally:
            stop.set()
            rewrites = await writer
    result.injected += f"; {rewrites} rewrites during the push"
    return result


FAULTS: dict[str, Callable[[World, int], Awaitable[Result]]] = {
    "redis": redis_restarts,
    "botapi": bot_api_outage,
    "flood": flood_storm,
    "kill": kills,
    "digest": hostile_digests,
}


# --- the table -----------------------------------------------------------------------------
def table(results: Sequence[Result]) -> str:
    rows = [
        "| fault | injected | push took | readers | missed | duplicates (bound) "
        "| dead letters | processes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        rows.append(
            f"| {r.fault} | {r.injected} | {r.seconds:.1f} s | {r.readers:,} | {r.missed} "
            f"| {r.duplicates} ({r.bound}) | {r.dead_letters} | {r.processes} |"
        )
    return "\n".join(rows)


@contextlib.asynccontextmanager
async def own_world(readers: int) -> AsyncIterator[World]:
    with (
        tempfile.TemporaryDirectory(prefix="briefbot-faults-redis-") as folder,
        sandbox_process() as (sandbox, _pid),
    ):
        redis = EmbeddedRedis(Path(folder))
        url = redis.start()
        try:
            yield World(redis, url, sandbox, await create_chats(sandbox, readers))
        finally:
            redis.stop()


async def main_async(names: list[str], readers: int) -> int:
    results: list[Result] = []
    async with own_world(readers) as world:
        for name in names:
            count = readers if name != "digest" else min(readers, 500)
            print(f"== {name}: {count:,} readers", flush=True)
            results.append(await FAULTS[name](world, count))
            r = results[-1]
            print(f"   {r.seconds:.1f} s, missed {r.missed}, duplicates {r.duplicates} "
                  f"(bound {r.bound}), dead letters {r.dead_letters}; {r.processes}",
                  flush=True)  # fmt: skip
    print()
    print(table(results))
    ok = all(r.missed == 0 and r.duplicates <= r.bound for r in results)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("faults", nargs="*", default=["all"], choices=["all", *FAULTS])
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--engine", metavar="CHECKOUT", help="run this checkout's briefbot")
    args = parser.parse_args()
    global ENGINE, ENGINE_SOURCE
    if args.engine and (Path(args.engine) / ".venv").is_dir():
        ENGINE = engine_python(args.engine)
    elif args.engine:  # a plain export of another commit (git archive): this venv runs it
        ENGINE_SOURCE = str(Path(args.engine).resolve())
    names = list(FAULTS) if "all" in args.faults else args.faults
    return asyncio.run(main_async(names, args.readers))


if __name__ == "__main__":
    sys.exit(main())
