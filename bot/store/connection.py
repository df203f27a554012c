"""Opening briefbot's Redis: the server at ``REDIS_URL``, or the embedded one.

The client retries a command that failed on a dropped connection (three times, with an
exponential backoff capped at one second) and checks an idle connection before reuse, so
a Redis that restarts mid-run costs a short pause, not a crash. Every store command is
safe to retry: writes are idempotent (``SADD``, ``HSET``, ``ZADD``, Lua scripts that test
before they change). When the retries are exhausted, the stores raise ``StoreUnavailable``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.keys import Keys
from bot.settings import Settings
from bot.store.embedded import EmbeddedRedis
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)

RETRIES = 3
SOCKET_TIMEOUT_SECONDS = 5.0
HEALTH_CHECK_SECONDS = 15


def make_client(url: str) -> Redis:
    """An asyncio client for ``url`` (redis://, rediss://, unix://; password and database
    number in the URL) with briefbot's retry policy and health checks."""
    return Redis.from_url(
        url,
        decode_responses=True,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), RETRIES),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        health_check_interval=HEALTH_CHECK_SECONDS,
    )


@dataclass
class RedisConnection:
    """The client and key builder every store uses; ``close()`` also leaves the embedded
    server (the last process to leave it stops it)."""

    client: Redis
    keys: Keys
    embedded: EmbeddedRedis | None = None

    @property
    def url_description(self) -> str:
        """Where the data lives, for logs and ``briefbot`` messages (never the password)."""
        if self.embedded is not None:
            return f"embedded Redis in {self.embedded.data_dir}"
        kwargs = self.client.connection_pool.connection_kwargs
        if "path" in kwargs:
            return f"Redis at unix:{kwargs['path']} db {kwargs.get('db', 0)}"
        return f"Redis at {kwargs.get('host')}:{kwargs.get('port')} db {kwargs.get('db', 0)}"

    async def close(self) -> None:
        """Close the client's connections, then leave the embedded server, if any."""
        await self.client.aclose()
        if self.embedded is not None:
            await asyncio.to_thread(self.embedded.stop)


async def open_redis(settings: Settings) -> RedisConnection:
    """Connect to ``settings.redis_url``, or start (or join) the embedded Redis in
    ``settings.data_dir``; raise ``StoreUnavailable`` (or ``EmbeddedRedisError``) with a
    clear message when that fails."""
    embedded: EmbeddedRedis | None = None
    url = settings.redis_url
    if url is None:
        embedded = EmbeddedRedis(settings.data_dir)
        url = await asyncio.to_thread(embedded.start)
    connection = RedisConnection(make_client(url), Keys(settings.prefix), embedded)
    try:
        await connection.client.ping()
    except (RedisError, OSError) as error:
        # Unreachable, a wrong password, a database number the server does not have.
        await connection.close()
        raise StoreUnavailable(
            f"cannot reach {connection.url_description}: {error}; "
            "check REDIS_URL (redis://[:password@]host:port/db) and that the server runs"
        ) from error
    logger.info("using %s (key prefix %s)", connection.url_description, settings.prefix)
    return connection
