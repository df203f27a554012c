"""The folder source: which files count as digests, and that an unchanged file is not
handed over (or re-parsed) again once the poller acknowledged it."""

from __future__ import annotations

import os
from pathlib import Path

from bot.sources.folder import FolderSource
from tests.fixtures.scheduling import broken_digest_text, digest_text


async def test_dated_files_and_front_matter_dates_are_found(tmp_path: Path) -> None:
    (tmp_path / "2025-07-22.md").write_text(digest_text("2025-07-22"), encoding="utf-8")
    (tmp_path / "tuesday.md").write_text(digest_text("2025-07-23"), encoding="utf-8")
    (tmp_path / "README.md").write_text("# How to publish\n\nDrop files here.\n")
    (tmp_path / ".2025-07-24.md.swp").write_text("editor junk")
    (tmp_path / "2025-07-25.md.tmp").write_text(digest_text("2025-07-25"), encoding="utf-8")

    found = await FolderSource(tmp_path).poll([])

    assert sorted((Path(f.origin).name, f.digest.date) for f in found if f.digest) == [
        ("2025-07-22.md", "2025-07-22"),
        ("tuesday.md", "2025-07-23"),
    ]
    assert all(not f.problems for f in found)


async def test_an_acknowledged_file_comes_back_only_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "2025-07-22.md"
    path.write_text(digest_text("2025-07-22"), encoding="utf-8")
    source = FolderSource(tmp_path)

    [first] = await source.poll([])
    assert len(await source.poll([])) == 1  # not acknowledged yet: offered again
    await source.acknowledge(first)
    assert await source.poll([]) == []

    path.write_text(digest_text("2025-07-22", title="更正后的标题"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    [changed] = await source.poll([])
    assert changed.digest is not None and changed.digest.title == "更正后的标题"


async def test_a_broken_file_is_reported_with_path_and_line(tmp_path: Path) -> None:
    (tmp_path / "2025-07-22.md").write_text(broken_digest_text("2025-07-22"), encoding="utf-8")
    (tmp_path / "2025-07-23.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")

    found = {Path(f.origin).name: f for f in await FolderSource(tmp_path).poll([])}

    assert found["2025-07-22.md"].digest is None
    assert found["2025-07-22.md"].problems == (
        f"{tmp_path / '2025-07-22.md'}:15: item 2 comes where item 1 was due: item 1 is missing",
    )
    assert found["2025-07-23.md"].problems == (
        f"{tmp_path / '2025-07-23.md'}:2: not UTF-8 text (byte 0xff)",
    )


async def test_a_missing_folder_is_not_an_error(tmp_path: Path) -> None:
    source = FolderSource(tmp_path / "not-created-yet")
    assert await source.poll([]) == []
    (tmp_path / "not-created-yet").mkdir()
    (tmp_path / "not-created-yet" / "2025-07-22.md").write_text(digest_text("2025-07-22"))
    assert [f.digest.date for f in await source.poll([]) if f.digest] == ["2025-07-22"]


async def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "2025-07-22.md"
    path.write_text(digest_text("2025-07-22") + "x" * 3_000_000, encoding="utf-8")
    [found] = await FolderSource(tmp_path).poll([])
    assert found.digest is None
    assert found.problems == (f"{path}: larger than 2 MB, not a digest",)
