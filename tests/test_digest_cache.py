"""The process's one digest cache: each stored version parsed once, each render made once
per version, and a correction (a new content hash) never served stale to a reader."""

from __future__ import annotations

from bot.store.digest_cache import DigestCache
from bot.store.digests import DigestArchive
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
