"""``briefbot push`` and ``briefbot worker`` as an operator runs them: real subprocesses
against the test's Redis and the sandbox over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fixtures.delivery import EXAMPLE, DeliveryWorld
from tests.fixtures.redis_server import CLUSTER

ROOT = Path(__file__).resolve().parents[1]


def _env(world: DeliveryWorld, redis_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "BRIEFBOT"))}
    env.update(
        TELEGRAM_BOT_TOKEN=world.bot_token,
        TELEGRAM_API_BASE_URL=world.sandbox.bot_api_base_url,
        REDIS_URL=redis_url,
        REDIS_CLUSTER=str(CLUSTER).lower(),
        BRIEFBOT_PREFIX=world.keys.prefix,
        DIGEST_DIR=str(EXAMPLE.parent),
        BRIEFBOT_DATA_DIR=str(tmp_path),
        DELIVERY_RECLAIM_SECONDS="2",
        RATE_LIMIT_PER_SECOND="200",
        OPS_PORT="0",  # no endpoint on the fixed default port of a shared machine
        **extra,
    )
    return env


async def _briefbot(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=tmp_cwd(env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, output.decode()


def tmp_cwd(env: dict[str, str]) -> str:
    """Run in the data folder, so no developer's .env in the project is read."""
    return env["BRIEFBOT_DATA_DIR"]


async def test_push_wait_delivers_to_everyone_and_a_rerun_sends_nothing(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    chats = await world.readers(12)
    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "push", "2025-07-21", "--wait")
    assert status == 0, output
    assert "enqueued 12 deliveries of 2025-07-21" in output
    assert "12 sent, 0 failed" in output
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1

    status, output = await _briefbot(env, "push", "2025-07-21", "--wait")
    assert status == 0, output
    assert "enqueued 0 deliveries" in output
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1


async def test_push_of_a_missing_digest_is_a_clear_error(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    await world.readers(2)
    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "push", "2024-01-01")
    assert status == 1
    assert "the digest of 2024-01-01 is not stored" in output
    assert "briefbot push 20" in output  # names the latest stored date
    status, output = await _briefbot(env, "push", "yesterday")
    assert status == 1
    assert "'yesterday' is not a date" in output


async def test_with_a_digest_url_push_does_not_store_the_folder(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    # DIGEST_URL replaces DIGEST_DIR: the example digest of 2025-07-22 in the folder is not
    # the source, so pushing it is refused instead of storing it from the folder.
    await world.readers(1)
    env = _env(world, redis_url, tmp_path, DIGEST_URL="http://127.0.0.1:9/{date}.md")
    status, output = await _briefbot(env, "push", "2025-07-22", "--now")
    assert status == 1
    assert "the digest of 2025-07-22 is not stored" in output
    assert await world.redis.exists(world.keys.digest("2025-07-22")) == 0


async def test_a_worker_process_sends_what_push_enqueued_and_stops_on_sigterm(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    chats = await world.readers(10)
    env = _env(world, redis_url, tmp_path)
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", env=env, cwd=tmp_cwd(env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        status, output = await _briefbot(env, "push", "2025-07-21", "--now")
        assert status == 0, output
        assert "enqueued 10 deliveries" in output
        for chat in chats:
            await world.control.wait_for_messages(chat, 1, timeout=15)
    finally:
        worker.send_signal(signal.SIGTERM)
        output_bytes, _ = await asyncio.wait_for(worker.communicate(), 20)
    assert worker.returncode == 0, output_bytes.decode()
    assert "stopped after 10 tasks" in output_bytes.decode()
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1


async def test_sending_without_a_token_is_refused_before_redis_is_touched(tmp_path: Path) -> None:
    # An unreachable Redis: the operator is told what is really missing, the token.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "BRIEFBOT", "TELEGRAM"))
    }
    env.update(REDIS_URL="redis://127.0.0.1:9/0", BRIEFBOT_DATA_DIR=str(tmp_path))
    for command in (["worker"], ["push", "2025-07-21", "--wait"]):
        status, output = await _briefbot(env, *command)
        assert status == 2, output
        assert output.startswith("briefbot: TELEGRAM_BOT_TOKEN is not set. Create a bot"), output
        assert output.count("\n") == 1, output


async def test_dead_letters_are_listed_and_retried_once_each_without_duplicates(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    chats = await world.readers(4)
    first = chats[0]
    await world.outbox.stream.ensure_group()
    await world.redis.xadd(world.keys.outbox(), {"junk": "x"})  # never a task: kept
    # The Bot API answers 500 to every send for longer than the retry budget.
    await world.control.set_faults(error_burst=10_000, error_status=500, methods=["sendMessage"])
    env = _env(world, redis_url, tmp_path, DELIVERY_RETRY_SECONDS="0.5")
    status, output = await _briefbot(env, "push", "2025-07-21", "--now", "--wait")
    assert status == 0, output
    assert "0 sent, 4 failed" in output
    push_id = output.split("(push ", 1)[1].split(")", 1)[0]

    status, listing = await _briefbot(env, "deadletters", "list")
    assert status == 0, listing
    lines = [line for line in listing.splitlines() if line.endswith("Internal Server Error")]
    assert len(lines) == 4 and all(f"in {push_id}" in line for line in lines)
    assert sum("not a task" in line for line in listing.splitlines()) == 1
    assert "5 dead letters" in listing
    first_id = next(line.split()[0] for line in lines if f"push to {first} " in line)

    # Telegram is back. Meanwhile a second push already reached the first reader: the
    # retry must not send it again (the ledger), and the others get it once each.
    await world.control.reset_faults()
    await world.pool()
    await world.finished(await world.push([first], "again"))
    status, output = await _briefbot(env, "deadletters", "retry", "--all")
    assert status == 0, output
    assert "re-enqueued 4 of 5 dead letters" in output and "is not a task, kept" in output
    progress = await world.finished(push_id)
    assert (progress.sent, progress.skipped, progress.failed) == (3, 1, 0)
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1

    status, listing = await _briefbot(env, "deadletters", "list")
    assert "1 dead letter" in listing and "not a task" in listing
    status, output = await _briefbot(env, "deadletters", "retry", first_id)
    assert status == 1 and f"no dead letter {first_id}" in output  # retried already
    status, output = await _briefbot(env, "deadletters", "retry")
    assert status == 2 and "give dead-letter IDs or --all" in output
    status, output = await _briefbot(env, "deadletters", "retry", "12-x")
    assert status == 2 and "not a dead-letter id: 12-x" in output
