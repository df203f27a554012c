"""The runtime: everything one briefbot process shares, built once by ``open_runtime``
from ``Settings``.

It holds the Redis connection, every store on it, the category rules (loaded once, so a
rules file is read and checked in one place), the clock, and the one digest cache.
``build_application``, every CLI command, the scheduler and the senders take what they
need from it; none of them opens Redis, builds a store or loads the rules itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.digest.categories import CategoryRules
from bot.settings import Settings
from bot.store.clock import Clock, utc_now
from bot.store.connection import RedisConnection, open_redis
from bot.store.digest_cache import DigestCache
from bot.store.stores import Stores


@dataclass(frozen=True)
class Runtime:
    """One process's connection, stores, rules and clock."""

    settings: Settings
    connection: RedisConnection
    stores: Stores
    rules: CategoryRules
    clock: Clock
    digest_cache: DigestCache  # parsed digests and renders, shared by readers and senders

    async def close(self) -> None:
        """Close the connection (and stop an embedded Redis this process started)."""
        await self.connection.close()


async def open_runtime(settings: Settings, clock: Clock = utc_now) -> Runtime:
    """Load the category rules, open Redis and build every store. Raises
    ``CategoryRulesError`` (before Redis is touched) when ``CATEGORY_RULES_FILE`` cannot be
    used, ``StoreUnavailable`` / ``EmbeddedRedisError`` when Redis cannot be opened."""
    rules = CategoryRules.from_settings(settings)
    connection = await open_redis(settings)
    stores = Stores.build(connection, settings, clock)
    return Runtime(settings, connection, stores, rules, clock, DigestCache(stores.digests))


@contextlib.asynccontextmanager
async def running(settings: Settings, clock: Clock = utc_now) -> AsyncIterator[Runtime]:
    """``open_runtime`` for the length of a block; closed however the block ends."""
    runtime = await open_runtime(settings, clock)
    try:
        yield runtime
    finally:
        await runtime.close()
