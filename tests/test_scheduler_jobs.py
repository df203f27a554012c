"""Scheduling as processes run it: several schedulers on one Redis (only the lease holder
plans; another takes over when it dies) and the APScheduler jobs polling and ticking."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis
from telegram import Bot

from bot.digest.categories import CategoryRules
from bot.digest.parser import parse_digest
from bot.keys import Keys
from bot.runtime import Runtime
from bot.scheduler.jobs import Scheduling, build_scheduling
from bot.settings import Settings
from bot.store.connection import RedisConnection
from bot.store.digest_cache import DigestCache
from bot.store.digests import DigestArchive
from bot.store.stores import Stores
from bot.store.subscribers import SubscriberStore
from sandbox import Sandbox
from tests.fixtures.redis_server import open_client
from tests.fixtures.scheduling import digest_text, queued
from tests.fixtures.stores import MovableClock

Factory = Callable[[Redis], Scheduling]


@pytest.fixture
async def bot(sandbox: Sandbox, bot_token: str) -> AsyncIterator[Bot]:
    async with Bot(bot_token, base_url=sandbox.bot_api_base_url) as client:
        yield client


@pytest.fixture
def settings(tmp_path: Path, key_prefix: str) -> Settings:
    return Settings.from_env(
        {
            "BRIEFBOT_PREFIX": key_prefix,
            "DIGEST_DIR": str(tmp_path),
            "DIGEST_POLL_SECONDS": "1",
            "SCHEDULER_TICK_SECONDS": "0.2",
            "SCHEDULER_LEASE_SECONDS": "1",
        }
    )


@pytest.fixture
def make_scheduling(settings: Settings, keys: Keys, clock: MovableClock, bot: Bot) -> Factory:
    """A process's scheduling on its own Redis connection ``client``."""

    def make(client: Redis) -> Scheduling:
        lease_seconds = settings.scheduler_lease_seconds
        stores = Stores.over(client, keys, clock=clock, lease_seconds=lease_seconds)
        connection = RedisConnection(client, keys)
        cache = DigestCache(stores.digests)
        runtime = Runtime(settings, connection, stores, CategoryRules.default(), clock, cache)
        return build_scheduling(runtime, bot)

    return make


@pytest.fixture
async def second_client(redis_url: str) -> AsyncIterator[Redis]:
    client = await open_client(redis_url)
    yield client
    await client.aclose()


async def test_only_the_lease_holder_plans_and_another_takes_over_when_it_dies(
    make_scheduling: Factory,
    second_client: Redis,
    redis: Redis,
    keys: Keys,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
) -> None:
    clock.now = datetime(2025, 7, 20, 13, 0, tzinfo=UTC)
    await subscribers.subscribe(1)  # 08:00 Shanghai
    for date in ("2025-07-21", "2025-07-22"):
        await archive.save(parse_digest(digest_text(date), f"{date}.md"))
    first, second = make_scheduling(redis), make_scheduling(second_client)

    clock.now = datetime(2025, 7, 21, 0, 0, tzinfo=UTC)
    await first.renew_lease()
    await second.tick()
    assert not second.is_leader
    assert await queued(redis, keys) == []
    await first.tick()
    assert await queued(redis, keys) == [("2025-07-21", 1)]

    # The first process dies: it never renews again. Until the lease expires nobody
    # plans; after that the second one does.
    clock.now = datetime(2025, 7, 22, 0, 0, tzinfo=UTC)
    await second.tick()
    assert await queued(redis, keys) == [("2025-07-21", 1)]
    await asyncio.sleep(1.1)
    await second.tick()
    assert second.is_leader
    assert await queued(redis, keys) == [("2025-07-21", 1), ("2025-07-22", 1)]
    await second.stop()
    await first.stop()


async def test_the_jobs_poll_the_folder_and_push_a_due_reader(
    make_scheduling: Factory,
    settings: Settings,
    redis: Redis,
    keys: Keys,
    subscribers: SubscriberStore,
    clock: MovableClock,
) -> None:
    clock.now = datetime(2025, 7, 20, 13, 0, tzinfo=UTC)
    await subscribers.subscribe(1)
    clock.now = datetime(2025, 7, 21, 0, 30, tzinfo=UTC)  # 30 minutes late: caught up
    (settings.digest_dir / "2025-07-21.md").write_text(digest_text("2025-07-21"), "utf-8")
    scheduling = make_scheduling(redis)

    scheduling.start()
    try:
        for _ in range(50):
            if await queued(redis, keys):
                break
            await asyncio.sleep(0.1)
    finally:
        await scheduling.stop()

    assert await queued(redis, keys) == [("2025-07-21", 1)]
    assert await scheduling.lease.current_holder() is None  # released on stop
