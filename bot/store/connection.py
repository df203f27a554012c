"""Opening briefbot's Redis: the server at ``REDIS_URL``, a Redis Cluster reached through
any of its nodes (``REDIS_CLUSTER=true``), or the embedded server.

The client retries a command that failed on a dropped connection (three times, with an
exponential backoff capped at one second) and checks an idle connection before reuse, so
a Redis that restarts mid-run costs a short pause, not a crash. Every store command is
safe to retry: writes are idempotent (``SADD``, ``HSET``, ``ZADD``, Lua scripts that test
before they change). When the retries are exhausted, the stores raise ``StoreUnavailable``.

A cluster client discovers every node from the one in the URL and follows MOVED / ASK
redirects itself. Every key of one bot shares one hash tag (``bot.keys``), so the scripts,
transactions and pipelines of the stores each go to one node, as they do on one server.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.keys import Keys
from bot.settings import Settings
from bot.store.embedded import EmbeddedRedis
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)

RETRIES = 3
SOCKET_TIMEOUT_SECONDS = 5.0
HEALTH_CHECK_SECONDS = 15


def make_client(url: str, *, cluster: bool = False) -> Redis:
    """An asyncio client for ``url`` (redis://, rediss://, unix://; password and database
    number in the URL) with briefbot's retry policy and health checks; with ``cluster``,
    a Redis Cluster client that starts from the node at ``url``."""
    options: dict[str, Any] = {
        "decode_responses": True,
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), RETRIES),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
        "health_check_interval": HEALTH_CHECK_SECONDS,
    }
    if cluster:
        # The stores are typed against Redis; the cluster client has the same command
        # methods (and routes each by its keys), so it stands in for it.
        return cast(Redis, RedisCluster.from_url(url, **options))
    return Redis.from_url(url, **options)


def is_cluster(client: Redis) -> bool:
    """Whether ``client`` is a Redis Cluster client (``make_client(..., cluster=True)``)."""
    return isinstance(client, RedisCluster)


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
        if isinstance(self.client, RedisCluster):
            # The node it started from (the default node is known only once connected).
            nodes = self.client.nodes_manager.startup_nodes
            return f"Redis Cluster via {', '.join(nodes) or 'no node'}"
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
    client = make_client(url, cluster=settings.redis_cluster and embedded is None)
    connection = RedisConnection(client, Keys(settings.prefix), embedded)
    try:
        # For a cluster client the first command also learns the cluster's layout, which
        # redis-py's asyncio cluster client needs before commands run concurrently.
        await connection.client.ping()
        mismatch = await _cluster_mismatch(connection.client, settings.redis_cluster)
    except (RedisError, RedisClusterException, OSError) as error:
        # Unreachable, a wrong password, a database number the server does not have, a
        # cluster client pointed at a server that is not a cluster node.
        await connection.close()
        hint = "REDIS_URL (redis://[:password@]host:port/db) and that the server runs"
        if settings.redis_cluster:
            hint = "REDIS_URL (any node of the cluster) and REDIS_CLUSTER"
        raise StoreUnavailable(
            f"cannot reach {connection.url_description}: {error}; check {hint}"
        ) from error
    if mismatch:
        await connection.close()
        raise StoreUnavailable(
            f"{connection.url_description} is a node of a Redis Cluster; set REDIS_CLUSTER=true"
        )
    logger.info("using %s (key prefix %s)", connection.url_description, settings.prefix)
    return connection


async def _cluster_mismatch(client: Redis, cluster: bool) -> bool:
    """Whether a single-server client was pointed at a cluster node (it would fail later,
    on the first key of another node's slots, with a MOVED error)."""
    if cluster:
        return False
    try:
        info = await client.info("cluster")
    except ResponseError:
        return False  # INFO disabled (some managed services rename it): nothing to learn
    return bool(info.get("cluster_enabled"))
