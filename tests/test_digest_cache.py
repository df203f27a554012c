"""The process's one digest cache: each stored version parsed once, each render made once
per version, and a correction (a new content hash) never served stale to a reader."""

from __future__ import annotations

import asyncio
from typing import cast

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from bot.keys import Keys
from bot.store.digest_cache import DigestCache
from bot.store.digests import DigestArchive
from tests.fixtures.redis_server import CLUSTER
from tests.test_digest_archive import make_digest

DATE = "2025-07-21"


async def test_a_version_is_parsed_once_and_a_correction_is_seen_at_once(
    archive: DigestArchive,
) -> None:
    cache = DigestCache(archive)
    assert await cache.current(DATE) is None
    await archive.save(make_digest(DATE))
    first = await cache.current(DATE)
    assert first is not None
    assert await cache.current(DATE) is first  # the same parsed object: no second parse
    await archive.save(make_digest(DATE, headline="更正后的标题"))
    corrected = await cache.current(DATE)
    assert corrected is not None and corrected.items[0].title == "更正后的标题"


async def test_a_sender_may_keep_a_version_for_max_age_seconds(archive: DigestArchive) -> None:
    cache = DigestCache(archive)
    await archive.save(make_digest(DATE))
    old = await cache.current(DATE, max_age=60)
    assert old is not None
    await archive.save(make_digest(DATE, headline="更正后的标题"))
    assert await cache.current(DATE, max_age=60) is old  # within its window, no HGET
    fresh = await cache.current(DATE)  # a reader's question always looks
    assert fresh is not None and fresh.items[0].title == "更正后的标题"


async def test_renders_are_made_once_per_key_and_again_for_a_new_version(
    archive: DigestArchive,
) -> None:
    cache = DigestCache(archive)
    made: list[str] = []

    def render(tag: str) -> str:
        made.append(tag)
        return f"rendered {tag}"

    for _ in range(3):
        assert cache.rendered(("compact", "hash-1", "zh"), lambda: render("v1")) == "rendered v1"
    assert cache.rendered(("compact", "hash-2", "zh"), lambda: render("v2")) == "rendered v2"
    assert made == ["v1", "v2"]


async def test_many_senders_asking_at_once_share_one_lookup(
    archive: DigestArchive, redis_url: str, keys: Keys
) -> None:
    await archive.save(make_digest(DATE))
    # A pool of 100 sender slots asks at the same moment, when the window ends; a client
    # allowed 2 connections shows whether they shared one lookup or each opened their own
    # (before: "Too many connections", and `briefbot push --wait` stopped).
    kind = RedisCluster if CLUSTER else Redis  # on a cluster, 2 connections per node
    small = cast(Redis, kind.from_url(redis_url, decode_responses=True, max_connections=2))
    await small.ping()  # a cluster client learns the layout first (as open_redis does)
    try:
        cache = DigestCache(DigestArchive(small, keys))
        digests = await asyncio.gather(*(cache.current(DATE, max_age=5) for _ in range(100)))
        assert len({id(d) for d in digests}) == 1 and digests[0] is not None
        await archive.save(make_digest(DATE, headline="更正后的标题"))
        fresh = await asyncio.gather(*(cache.current(DATE, max_age=0.0001) for _ in range(100)))
        assert {d.items[0].title for d in fresh if d is not None} == {"更正后的标题"}
    finally:
        await small.aclose()
