"""Graceful shutdown as an operator meets it: real ``briefbot run`` and ``briefbot worker``
processes stopped by SIGTERM in the middle of a push, the test's Redis, the sandbox.

The reclaim timeout and the lease are long here (60 s) and the waits short, so a reader
reached, or a lease taken, within the waits proves the hand-back and the release: without
them the second process would have to wait out the 60 s."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.process import OVERDUE_STATUS
from bot.delivery.kinds.push import enqueue_push
from sandbox import Sandbox
from tests.fixtures.bot_process import clean_env
from tests.fixtures.delivery import DeliveryWorld, process_env, store_long_digest

READERS = 30
SHUTDOWN_TIMEOUT = 15


def _env(world: DeliveryWorld, tmp_path: Path) -> dict[str, str]:
    return process_env(
        world,
        tmp_path,
        # Slow enough that SIGTERM lands mid-push; long enough timeouts that only the
        # hand-back and the lease release can make the second process quick.
        RATE_LIMIT_PER_SECOND="6",
        DELIVERY_RECLAIM_SECONDS="60",
        SCHEDULER_LEASE_SECONDS="60",
        SHUTDOWN_TIMEOUT_SECONDS=str(SHUTDOWN_TIMEOUT),
    )


async def _start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=env["BRIEFBOT_DATA_DIR"],
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def _terminate(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGTERM, then the exit status and output (the process must end by itself within
    its SHUTDOWN_TIMEOUT_SECONDS; the margin is for a loaded machine's interpreter exit)."""
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), SHUTDOWN_TIMEOUT + 15)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def _kill_leftovers(*processes: asyncio.subprocess.Process | None) -> None:
    """After a failed assertion: no process of the test outlives it."""
    for process in processes:
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()


async def _lease_holder(world: DeliveryWorld) -> str | None:
    value = await world.redis.get(world.keys.scheduler_lease())
    return value.decode() if isinstance(value, bytes) else value


async def _wait_for_lease(world: DeliveryWorld, other_than: str | None = None) -> str:
    async with asyncio.timeout(15):
        while True:
            holder = await _lease_holder(world)
            if holder is not None and holder != other_than:
                return holder
            await asyncio.sleep(0.05)


async def _everyone_once(world: DeliveryWorld, chats: list[int], push_id: str) -> None:
    progress = await world.finished(push_id, within=30)
    assert (progress.sent, progress.failed, progress.skipped) == (len(chats), 0, 0), progress
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1, chat


async def test_sigterm_of_run_mid_push_loses_nobody_and_hands_the_lease_over_at_once(
    world: DeliveryWorld, tmp_path: Path
) -> None:
    chats = await world.readers(READERS)
    env = _env(world, tmp_path)
    first = await _start(env, "run")
    second: asyncio.subprocess.Process | None = None
    try:
        first_holder = await _wait_for_lease(world)
        push_id = await world.push(chats)
        await world.sent_at_least(push_id, 3, within=20)
        status, output = await _terminate(first)
        assert status == 0, output
        assert "Traceback" not in output
        assert "tasks handed back to the other senders" in output
        # Released, not left to expire in 60 s.
        assert await _lease_holder(world) is None
        progress = await world.outbox.progress.get(push_id)
        assert progress.sent < READERS, "the push ended before SIGTERM: nothing was tested"

        second = await _start(env, "run")
        assert await _wait_for_lease(world, other_than=first_holder)
        await _everyone_once(world, chats, push_id)
        status, output = await _terminate(second)
        assert status == 0, output
        assert await _lease_holder(world) is None
    finally:
        await _kill_leftovers(first, second)


async def test_a_worker_stopped_mid_push_finishes_what_it_half_sent_and_nothing_repeats(
    world: DeliveryWorld, tmp_path: Path
) -> None:
    # The full format of this digest is two messages, a second apart per chat: a task
    # stopped between them and handed back would be sent whole again by the next worker.
    digest = await store_long_digest(world.redis, world.keys)
    chats = await world.readers(READERS, format="full")
    env = _env(world, tmp_path)
    first = await _start(env, "worker")
    second: asyncio.subprocess.Process | None = None
    try:
        push_id = "manual-long"
        await enqueue_push(world.outbox, digest.date, chats, push_id)
        await world.sent_at_least(push_id, 3, within=20)
        status, output = await _terminate(first)
        assert status == 0, output
        assert (await world.outbox.progress.get(push_id)).sent < READERS
        second = await _start(env, "worker")
        progress = await world.finished(push_id, within=30)
        assert (progress.sent, progress.failed) == (READERS, 0), progress
        for chat in chats:
            assert len(await world.bot_texts(chat)) == 2, chat
        status, output = await _terminate(second)
        assert status == 0, output
    finally:
        await _kill_leftovers(first, second)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_sigterm_in_webhook_mode_closes_the_server_releases_the_lease_and_exits_0(
    world: DeliveryWorld, tmp_path: Path
) -> None:
    port = _free_port()
    env = _env(world, tmp_path) | {
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }
    process = await _start(env, "run")
    try:
        await _wait_for_lease(world)
        status, output = await _terminate(process)
    finally:
        await _kill_leftovers(process)
    assert status == 0, output
    assert "webhook mode: listening on 127.0.0.1" in output
    assert await _lease_holder(world) is None
    with socket.socket() as sock:  # the webhook's server is closed
        assert sock.connect_ex(("127.0.0.1", port)) != 0


async def test_sigterm_of_a_worker_mid_push_hands_its_tasks_to_the_next_worker(
    world: DeliveryWorld, tmp_path: Path
) -> None:
    chats = await world.readers(READERS)
    env = _env(world, tmp_path)
    first = await _start(env, "worker")
    second: asyncio.subprocess.Process | None = None
    try:
        push_id = await world.push(chats)
        await world.sent_at_least(push_id, 3, within=20)
        status, output = await _terminate(first)
        assert status == 0, output
        handed = int(output.split(" tasks handed back")[0].rsplit(" ", 1)[1])
        assert handed > 0, output  # it held tasks, and gave them back
        assert (await world.outbox.progress.get(push_id)).sent < READERS

        second = await _start(env, "worker")
        await _everyone_once(world, chats, push_id)
        status, output = await _terminate(second)
        assert status == 0, output
    finally:
        await _kill_leftovers(first, second)


@pytest.fixture
async def frozen_redis(tmp_path: Path) -> AsyncIterator[tuple[str, int]]:
    """A private redis-server (its URL and pid) the test can freeze with SIGSTOP, so that
    every Redis call of a shutdown hangs."""
    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(tmp_path), stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", server.pid
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        await server.wait()


async def test_a_shutdown_past_its_timeout_exits_3_with_one_clear_line(
    sandbox: Sandbox,
    bot_token: str,
    tmp_path: Path,
    frozen_redis: tuple[str, int],
) -> None:
    url, server_pid = frozen_redis
    env = clean_env(
        TELEGRAM_BOT_TOKEN=bot_token,
        TELEGRAM_API_BASE_URL=sandbox.bot_api_base_url,
        REDIS_URL=url,
        BRIEFBOT_DATA_DIR=str(tmp_path),
        SHUTDOWN_TIMEOUT_SECONDS="2",
        OPS_PORT="0",
    )
    worker = await _start(env, "worker")
    try:
        assert worker.stdout is not None
        async with asyncio.timeout(30):
            while b"sending; stop with SIGTERM" not in await worker.stdout.readline():
                pass
        os.kill(server_pid, signal.SIGSTOP)  # every Redis call now hangs
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(worker.communicate(), 20)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    text = output.decode()
    assert worker.returncode == OVERDUE_STATUS, text
    (line,) = [line for line in text.splitlines() if "SHUTDOWN_TIMEOUT_SECONDS" in line]
    assert (
        "shutdown did not finish within SHUTDOWN_TIMEOUT_SECONDS=2s; exiting with status 3" in line
    )
