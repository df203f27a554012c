"""The digest archive: versions by content hash, dates newest first."""

from __future__ import annotations

from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.digest.model import Digest, DigestJsonError, Item
from bot.digest.parser import parse_digest
from bot.keys import Keys
from bot.store.digests import DigestArchive


def make_digest(date: str, headline: str = "芯片新闻 <b>&</b> 🧑‍💻") -> Digest:
    return Digest.build(
        date=date,
        title=f"日报 {date}",
        categories=("硬件前沿", "AI"),
        intro=("今天的要点。",),
        items=(
            Item(1, headline, "https://example.org/a?x=1&y=(2)", ("**粗体** 摘要",), ("AI",)),
            Item(2, "无链接标题", None, ("第一段", "第二段")),
        ),
        commentary=None,
        source=f"{date}.md",
    )


async def test_a_saved_digest_loads_back_equal(archive: DigestArchive) -> None:
    digest = make_digest("2025-07-21")
    result = await archive.save(digest)
    assert (result.status, result.previous_hash, result.version) == ("new", None, 1)
    assert await archive.load("2025-07-21") == digest
    assert await archive.current_hash("2025-07-21") == digest.content_hash
    assert await archive.load("2025-07-22") is None


async def test_saving_the_same_content_again_is_unchanged(archive: DigestArchive) -> None:
    digest = make_digest("2025-07-21")
    await archive.save(digest)
    again = await archive.save(digest)
    assert (again.status, again.version) == ("unchanged", 1)
    assert await archive.version_hashes("2025-07-21") == [digest.content_hash]


async def test_a_corrected_digest_is_a_new_version_and_the_old_one_stays_loadable(
    archive: DigestArchive,
) -> None:
    original = make_digest("2025-07-21")
    await archive.save(original)
    corrected = make_digest("2025-07-21", headline="芯片新闻（更正）")
    result = await archive.save(corrected)
    assert result.status == "changed"
    assert result.previous_hash == original.content_hash
    assert result.content_hash == corrected.content_hash != original.content_hash
    assert result.version == 2
    assert await archive.load("2025-07-21") == corrected
    assert await archive.load_version("2025-07-21", original.content_hash) == original
    assert sorted(await archive.version_hashes("2025-07-21")) == sorted(
        [original.content_hash, corrected.content_hash]
    )


async def test_dates_are_listed_newest_first(archive: DigestArchive) -> None:
    for date in ("2025-07-20", "2025-12-31", "2025-07-21", "2024-02-29"):
        await archive.save(make_digest(date))
    assert await archive.dates(10) == ["2025-12-31", "2025-07-21", "2025-07-20", "2024-02-29"]
    assert await archive.dates(2) == ["2025-12-31", "2025-07-21"]
    latest = await archive.latest()
    assert latest is not None and latest.date == "2025-12-31"


async def test_an_empty_archive_has_no_latest(archive: DigestArchive) -> None:
    assert await archive.latest() is None
    assert await archive.dates() == []


async def test_the_real_example_digest_round_trips(archive: DigestArchive) -> None:
    path = Path(__file__).parent.parent / "examples" / "digests" / "2025-07-21.md"
    digest = parse_digest(path.read_text(encoding="utf-8"), source=path.name)
    await archive.save(digest)
    assert await archive.load(digest.date) == digest


async def test_a_stored_value_from_another_version_is_a_clear_error(
    archive: DigestArchive, redis: Redis, keys: Keys
) -> None:
    await redis.hset(keys.digest("2025-07-21"), mapping={"json": '{"version": 99}', "hash": "x"})
    with pytest.raises(DigestJsonError, match="not a version 1 digest"):
        await archive.load("2025-07-21")
