"""open_redis: the embedded server keeps everything across restarts; an outage is a
clear StoreUnavailable, and the same client works again once Redis is back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis, EmbeddedRedisError
from bot.store.errors import StoreUnavailable
from bot.store.stores import Stores
from tests.fixtures.redis_server import CLUSTER
from tests.test_digest_archive import make_digest

DATE = "2025-07-21"


async def test_a_restart_of_the_embedded_redis_keeps_subscribers_and_read_marks(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({"BRIEFBOT_DATA_DIR": str(tmp_path / "data")})
    connection = await open_redis(settings)
    stores = Stores.build(connection, settings)
    for chat in (1, 2, -1001234567890):
        await stores.subscribers.subscribe(chat)
    await stores.subscribers.update(2, tz="Asia/Kolkata", push_time="06:45", format="full")
    await stores.subscribers.pause(-1001234567890)
    await stores.reads.mark_all_read(1, DATE, [1, 3])
    await stores.reads.mark_read(2, DATE, 3)
    await stores.digests.save(make_digest(DATE))
    await stores.ledger.record_sent(DATE, 1, [77], "hash")
    before = [s async for s in stores.subscribers.iter_all()]
    scheduled = await stores.due.due(datetime(2100, 1, 1, tzinfo=UTC))
    await connection.close()  # stops the server it started

    connection = await open_redis(settings)
    try:
        stores = Stores.build(connection, settings)
        assert connection.embedded is not None and connection.embedded.started
        assert [s async for s in stores.subscribers.iter_all()] == before
        assert await stores.due.due(datetime(2100, 1, 1, tzinfo=UTC)) == scheduled
        assert await stores.reads.read_items(1, DATE) == {1, 3}
        assert await stores.reads.read_counts(DATE) == {1: 1, 3: 2}
        assert await stores.digests.load(DATE) == make_digest(DATE)
        entry = await stores.ledger.get(DATE, 1)
        assert entry is not None and entry.message_ids == (77,)
    finally:
        await connection.close()


async def test_redis_going_away_is_store_unavailable_and_the_client_recovers(
    tmp_path: Path,
) -> None:
    server = EmbeddedRedis(tmp_path / "data")
    url = await asyncio.to_thread(server.start)
    settings = Settings.from_env({"REDIS_URL": url, "BRIEFBOT_PREFIX": "outage"})
    connection = await open_redis(settings)
    stores = Stores.build(connection, settings)
    try:
        await stores.subscribers.subscribe(42)
        await stores.reads.mark_read(42, DATE, 1)
        await asyncio.to_thread(server.stop)

        with pytest.raises(StoreUnavailable, match="Redis is unavailable"):
            await stores.subscribers.update(42, tz="Europe/Berlin")
        with pytest.raises(StoreUnavailable):
            await stores.reads.mark_read(42, DATE, 2)
        with pytest.raises(StoreUnavailable):
            [s async for s in stores.subscribers.iter_all()]

        assert await asyncio.to_thread(server.start) == url  # same folder, same address
        subscriber = await stores.subscribers.get(42)
        assert subscriber is not None and subscriber.tz == "Asia/Shanghai"
        assert await stores.reads.read_items(42, DATE) == {1}
        updated = await stores.subscribers.update(42, tz="Europe/Berlin")
        assert updated.tz == "Europe/Berlin"
    finally:
        await connection.close()
        await asyncio.to_thread(server.stop)


async def test_an_unreachable_server_is_named_without_its_password() -> None:
    settings = Settings.from_env({"REDIS_URL": "redis://:s3cret-pw@127.0.0.1:1/3"})
    with pytest.raises(StoreUnavailable) as caught:
        await open_redis(settings)
    message = str(caught.value)
    assert "cannot reach Redis at 127.0.0.1:1 db 3" in message
    assert "s3cret-pw" not in message


async def test_a_database_the_server_does_not_have_is_a_clear_error(redis_url: str) -> None:
    if not redis_url.startswith("redis") or CLUSTER:
        pytest.skip("needs a single TCP Redis server (a cluster has only database 0)")
    base = redis_url.rsplit("/", 1)[0]
    with pytest.raises(StoreUnavailable, match=r"db 999: DB index is out of range; check"):
        await open_redis(Settings.from_env({"REDIS_URL": f"{base}/999"}))


async def test_an_unwritable_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    settings = Settings.from_env({"BRIEFBOT_DATA_DIR": str(tmp_path / "file" / "data")})
    with pytest.raises(EmbeddedRedisError, match=r"BRIEFBOT_DATA_DIR .* is not writable"):
        await open_redis(settings)


async def test_the_database_number_of_the_url_is_used(redis_url: str) -> None:
    if not redis_url.startswith("redis") or CLUSTER:
        pytest.skip("needs a single TCP Redis server (a cluster has only database 0)")
    base = redis_url.rsplit("/", 1)[0]
    settings = Settings.from_env({"REDIS_URL": f"{base}/5", "BRIEFBOT_PREFIX": "db-check"})
    connection = await open_redis(settings)
    try:
        assert connection.client.connection_pool.connection_kwargs["db"] == 5
        await connection.client.set("db-check:probe", "1", ex=5)
        info = await connection.client.client_info()
        assert int(info["db"]) == 5
        await connection.client.delete("db-check:probe")
    finally:
        await connection.close()
