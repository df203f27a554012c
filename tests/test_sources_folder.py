"""The folder source: which files count as digests, and that an unchanged file is not
handed over (or re-parsed) again once the poller acknowledged it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.digest.categories import DEFAULT_RULES, CategoryRules
from bot.sources.folder import FolderSource, _Signature, store_folder
from bot.sources.found import Found
from bot.store.digests import DigestArchive
from tests.fixtures.digests import HOSTILE
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


async def test_every_hostile_file_is_refused_at_its_line_and_the_valid_one_stored(
    tmp_path: Path, archive: DigestArchive
) -> None:
    # Dated names, as the editor's files are; the valid hostile ones are of another date.
    paths = {name: tmp_path / f"2025-06-{day:02d}.md" for day, name in enumerate(HOSTILE, 1)}
    for name, hostile in HOSTILE.items():
        paths[name].write_bytes(hostile.data.replace(b"2025-07-21", b"2025-07-20"))
    (tmp_path / "2025-07-21.md").write_text(digest_text("2025-07-21"), encoding="utf-8")

    refused = {f.origin: f for f in await store_folder(tmp_path, CategoryRules.default(), archive)}

    stored = await archive.load("2025-07-21")
    assert stored is not None and stored.title == "2025.07.21 全球AI新闻速递"
    for name, hostile in HOSTILE.items():
        path = paths[name]
        if hostile.line is None:
            assert str(path) not in refused
            continue
        where = f"{path}:{hostile.line}: " if hostile.line else f"{path}: "
        first = refused[str(path)].problems[0]
        assert first.startswith(where) and hostile.message in first, first
    assert len(refused) == sum(1 for h in HOSTILE.values() if h.line is not None)


async def test_a_file_that_changes_while_it_is_read_is_read_again_next_poll(
    tmp_path: Path,
) -> None:
    path = tmp_path / "2025-07-22.md"
    full = digest_text("2025-07-22")
    path.write_text(full[: len(full) // 2], encoding="utf-8")  # the editor is still writing

    class EditorFinishesDuringTheRead(FolderSource):
        def _read(self, path: Path, signature: _Signature) -> Found | None:
            if path.read_text(encoding="utf-8") != full:
                path.write_text(full, encoding="utf-8")  # after the stat, before the read
                stat = path.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
            return super()._read(path, signature)

    source = EditorFinishesDuringTheRead(tmp_path)
    assert await source.poll([]) == []  # neither the half nor the whole of a changing file
    [found] = await source.poll([])
    assert found.digest is not None and len(found.digest.items) == 9


async def test_a_parser_bug_refuses_that_file_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class RulesWithABug(CategoryRules):
        """Rules that fail on one headline: a stand-in for any bug a file could trigger."""

        def categorise(self, text: str, categories: Sequence[str]) -> tuple[str, ...]:
            if "触发缺陷" in text:
                raise RuntimeError("a bug")
            return super().categorise(text, categories)

    for day in ("2025-07-21", "2025-07-22", "2025-07-23"):
        text = digest_text(day)
        if day == "2025-07-22":
            text = text.replace("鸿海开始导入", "触发缺陷")
        (tmp_path / f"{day}.md").write_text(text, encoding="utf-8")

    source = FolderSource(tmp_path, RulesWithABug(DEFAULT_RULES))
    found = {Path(f.origin).name: f for f in await source.poll([])}

    assert found["2025-07-21.md"].digest is not None
    assert found["2025-07-23.md"].digest is not None
    assert found["2025-07-22.md"].problems == (
        f"{tmp_path / '2025-07-22.md'}: could not be parsed (RuntimeError); see the bot's log",
    )
    assert "parsing digest file" in caplog.text and "RuntimeError: a bug" in caplog.text
