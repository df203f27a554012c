"""``briefbot migrate-keys``: a Redis that an older briefbot used (keys ``prefix:…``) keeps
every subscriber, digest, read mark, delivery record and queued task after the one-time
rename to ``{prefix}:…``; a second run renames nothing; nothing is ever overwritten."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.key_migration import old_name
from bot.store.stores import Stores
from tests.fixtures.bot_process import clean_env
from tests.fixtures.redis_server import CLUSTER
from tests.fixtures.stores import MovableClock
from tests.test_digest_archive import make_digest

DATE = "2025-07-21"
pytestmark = pytest.mark.skipif(
    CLUSTER, reason="the old key layout existed only on single servers (tested there)"
)


async def migrate(redis_env: dict[str, str], keys: Keys, cwd: Path) -> tuple[int, str, str]:
    """``briefbot migrate-keys`` as an operator runs it: exit status, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "migrate-keys",
        cwd=cwd,  # no developer .env here
        env=clean_env(**redis_env, BRIEFBOT_PREFIX=keys.prefix),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def to_old_layout(redis: Redis, keys: Keys) -> list[str]:
    """Rename every key of ``keys`` to the name an older briefbot gave it."""
    current = [str(key) async for key in redis.scan_iter(match=keys.pattern())]
    for key in current:
        assert await redis.renamenx(key, old_name(keys, key))
    return current


@pytest.fixture
async def old_keys_deleted(redis: Redis, keys: Keys) -> AsyncIterator[None]:
    """Delete what a test leaves under the old names (the ``redis`` fixture deletes only
    the new ones)."""
    yield
    for prefix in (keys.prefix, f"{keys.prefix}-other"):
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)


@pytest.mark.usefixtures("old_keys_deleted")
async def test_an_old_layout_is_renamed_and_the_bot_finds_everything_again(
    redis: Redis, keys: Keys, clock: MovableClock, redis_env: dict[str, str], tmp_path: Path
) -> None:
    stores = Stores.over(redis, keys, clock=clock)
    await stores.subscribers.subscribe(1)
    await stores.subscribers.subscribe(-1001234567890)
    await stores.subscribers.update(1, tz="Europe/Berlin", push_time="06:45", format="full")
    await stores.subscribers.pause(-1001234567890)
    await stores.digests.save(make_digest(DATE))
    await stores.reads.mark_all_read(1, DATE, [1, 3])
    await stores.ledger.record_sent(DATE, 1, [77], "hash")
    await stores.outbox.ensure_group()
    before = [s async for s in stores.subscribers.iter_all()]
    due = await stores.due.due(clock.now.replace(year=2100))
    renamed = await to_old_layout(redis, keys)
    # Keys of another bot, and of one whose prefix merely starts with ours, stay as they are.
    await redis.set(f"{keys.prefix}-other:sub:5", "other bot")
    assert await stores.subscribers.get(1) is None  # the new version sees nothing yet

    status, out, err = await migrate(redis_env, keys, tmp_path)

    assert (status, err) == (0, "")
    assert f"renamed {len(renamed)} keys from {keys.prefix}:... to {keys.tag}:..." in out
    assert [s async for s in stores.subscribers.iter_all()] == before
    assert await stores.due.due(clock.now.replace(year=2100)) == due
    assert await stores.digests.load(DATE) == make_digest(DATE)
    assert await stores.reads.read_items(1, DATE) == {1, 3}
    entry = await stores.ledger.get(DATE, 1)
    assert entry is not None and entry.message_ids == (77,)
    # Expiries and the outbox's consumer group came along with the values.
    assert await redis.ttl(keys.read(1, DATE)) > 0
    assert await redis.ttl(keys.sent(DATE)) > 0
    assert [g["name"] for g in await redis.xinfo_groups(keys.outbox())] == ["senders"]
    assert await redis.get(f"{keys.prefix}-other:sub:5") == "other bot"

    status, out, err = await migrate(redis_env, keys, tmp_path)
    assert (status, err) == (0, "")
    assert "renamed 0 keys" in out


@pytest.mark.usefixtures("old_keys_deleted")
async def test_a_key_under_both_names_is_left_alone_and_reported(
    redis: Redis, keys: Keys, redis_env: dict[str, str], tmp_path: Path
) -> None:
    await redis.hset(keys.subscriber(7), mapping={"status": "active", "tz": "UTC"})
    await redis.hset(old_name(keys, keys.subscriber(7)), mapping={"status": "paused"})
    await redis.hset(old_name(keys, keys.subscriber(8)), mapping={"status": "active"})

    status, out, err = await migrate(redis_env, keys, tmp_path)

    assert status == 1
    assert "renamed 1 key from" in out
    assert "1 old keys were left as they are because the new name exists too" in err
    assert f"{old_name(keys, keys.subscriber(7))}  (new: {keys.subscriber(7)})" in err
    assert await redis.hgetall(keys.subscriber(7)) == {"status": "active", "tz": "UTC"}
    assert await redis.hgetall(old_name(keys, keys.subscriber(7))) == {"status": "paused"}
    assert await redis.hgetall(keys.subscriber(8)) == {"status": "active"}


@pytest.mark.usefixtures("old_keys_deleted")
async def test_it_refuses_while_a_briefbot_process_holds_the_scheduler_lease(
    redis: Redis, keys: Keys, redis_env: dict[str, str], tmp_path: Path
) -> None:
    await redis.set(old_name(keys, keys.scheduler_lease()), "old-process", ex=30)
    await redis.hset(old_name(keys, keys.subscriber(1)), mapping={"status": "active"})

    status, out, err = await migrate(redis_env, keys, tmp_path)

    assert (status, out) == (1, "")
    assert "stop every briefbot process, wait SCHEDULER_LEASE_SECONDS" in err
    assert await redis.exists(old_name(keys, keys.subscriber(1))) == 1
    assert await redis.exists(keys.subscriber(1)) == 0
