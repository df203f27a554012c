"""``briefbot check`` and ``briefbot preview`` as an editor runs them: exit codes, one
``path:line: message`` line per problem, the reader's view and the exact Bot API JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from sandbox.telegram_html import parse_html
from tests.fixtures.digests import HOSTILE, with_front

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path("examples") / "digests"
BAD = Path("tests") / "data" / "digests"


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative paths as an editor types them; no CATEGORY_RULES_FILE from the machine.
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CATEGORY_RULES_FILE", raising=False)


def test_check_passes_the_example_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLES)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "checked 3 files: 0 errors, 0 warnings\n"


def test_check_prints_one_line_per_problem_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["check", str(BAD / "missing-number.md"), str(BAD / "bad-link-scheme.md")])
    out, err = capsys.readouterr()
    assert status == 1
    assert out.splitlines() == [
        f"{BAD}/missing-number.md:15: item 4 comes where item 3 was due: item 3 is missing",
        f"{BAD}/bad-link-scheme.md:7: link 'javascript:alert(1)' has scheme 'javascript'; "
        "only http and https links are allowed",
        f"{BAD}/bad-link-scheme.md:9: link 'ftp://example.org/file' has scheme 'ftp'; "
        "only http and https links are allowed",
    ]
    assert err == "checked 2 files: 3 errors, 0 warnings\n"


def test_check_marks_warnings_and_still_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2025-07-20.md"
    path.write_text(
        "---\ntitle: T\ndate: 2025-07-21\ncategories: [人工智能]\n---\n\n1. [AI 新闻](https://a.example)\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:3: warning: file name says 2025-07-20 but the front matter date is 2025-07-21",
        f"{path}:7: warning: item 1 has no summary",
    ]


def test_check_reports_unreadable_and_empty_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    status = main(["check", str(tmp_path / "latin1.md"), str(empty), str(tmp_path / "gone.md")])
    out, _ = capsys.readouterr()
    assert status == 1
    assert out.splitlines() == [
        f"{empty}: no .md files in this folder",
        f"{tmp_path}/latin1.md:2: not UTF-8 text (byte 0xe9)",
        f"{tmp_path}/gone.md: cannot read: No such file or directory",
    ]


def test_check_refuses_a_broken_rules_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("categories = 3", encoding="utf-8")
    assert main(["check", "--rules", str(rules), str(EXAMPLES)]) == 2
    assert "'categories' must be a table of categories" in capsys.readouterr().err


def test_preview_shows_the_compact_message_as_a_reader_sees_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview", str(EXAMPLES / "2025-07-21.md")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("── message 1/1 · ")
    assert "entities · link preview off ──" in lines[0]
    assert lines[1:3] == ["2025.07.21 全球AI新闻速递", "2025-07-21"]
    assert "9. 马斯克承认曾抵制人工智能，如今全力投入" in lines
    assert lines[-2:] == ["[ 1 ] [ 2 ] [ 3 ] [ 4 ] [ 5 ]", "[ 6 ] [ 7 ] [ 8 ] [ 9 ]"]
    assert not any("<" in line for line in lines[1:])  # tags are gone, as in the app


def test_preview_json_is_the_exact_send_message_parameters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview", str(EXAMPLES / "2025-07-22.md"), "--format", "full", "--json"]) == 0
    (message,) = json.loads(capsys.readouterr().out)
    assert set(message) == {"text", "parse_mode", "link_preview_options"}
    assert message["parse_mode"] == "HTML"
    assert message["link_preview_options"] == {"is_disabled": True}
    text, entities = parse_html(message["text"])
    assert "上限 <500 万元>" in text
    assert "https://example.org/wiki/Benchmark_(software)" in [e.url for e in entities]


def test_preview_item_in_english_with_its_buttons(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["preview", str(EXAMPLES / "2025-07-21.md"), "--item", "3", "--lang", "en", "--json"]
    assert main(argv) == 0
    (message,) = json.loads(capsys.readouterr().out)
    assert message["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "◀ Previous", "callback_data": "v1:it:20250721:2"},
                {"text": "Next ▶", "callback_data": "v1:it:20250721:4"},
            ]
        ]
    }
    assert message["link_preview_options"] == {"is_disabled": False}


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["--item", "10"], 1, "examples/digests/2025-07-21.md: no item 10 (items 1-9)"),
        (["--format", "item"], 2, "briefbot preview: --format item needs --item N"),
    ],
)
def test_preview_explains_a_bad_request(
    argv: list[str], status: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", str(EXAMPLES / "2025-07-21.md"), *argv]) == status
    assert capsys.readouterr().err.strip() == message


def test_preview_of_an_invalid_file_prints_its_problems(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(BAD / "no-items.md")]) == 1
    assert capsys.readouterr().err.startswith(f"{BAD}/no-items.md:6: no numbered items")


def test_the_installed_command_exits_1_on_a_bad_digest() -> None:
    result = _briefbot("check", str(BAD / "invalid-date.md"))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{BAD}/invalid-date.md:3: invalid date '2025-02-30'")
    assert "Traceback" not in result.stderr


def test_check_reports_every_hostile_file_at_its_line_without_a_traceback(tmp_path: Path) -> None:
    for name, hostile in HOSTILE.items():
        (tmp_path / f"{name}.md").write_bytes(hostile.data)
    (tmp_path / "2025-07-21.md").write_text(with_front(""), encoding="utf-8")
    result = _briefbot("check", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    for name, hostile in HOSTILE.items():
        path = tmp_path / f"{name}.md"
        mine = [line for line in errors if line.startswith(f"{path}:") or line == f"{path}"]
        if hostile.line is None:
            assert mine == [], mine
            continue
        where = f"{path}:{hostile.line}: " if hostile.line else f"{path}: "
        assert mine[0].startswith(where) and hostile.message in mine[0], mine
    assert not [line for line in errors if "2025-07-21.md" in line]  # the valid one
    files = len(HOSTILE) + 1
    assert result.stderr.startswith(f"checked {files} files: ")


def test_preview_accepts_a_folder_as_check_does(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLES)]) == 0
    capsys.readouterr()
    assert main(["preview", str(EXAMPLES)]) == 0
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith("══ ")]
    assert headers == [
        f"══ {EXAMPLES / name} ══" for name in sorted(p.name for p in EXAMPLES.glob("*.md"))
    ]
    assert "2025.07.21 全球AI新闻速递" in out


def test_preview_json_of_a_folder_is_an_object_of_messages_by_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview", str(EXAMPLES), "--json"]) == 0
    by_path = json.loads(capsys.readouterr().out)
    assert sorted(by_path) == sorted(str(p) for p in EXAMPLES.glob("*.md"))
    assert all(len(messages) == 1 for messages in by_path.values())


def test_preview_of_a_folder_shows_the_valid_files_and_exits_1_for_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "2025-07-21.md").write_text(with_front(""), encoding="utf-8")
    (tmp_path / "2025-07-22.md").write_bytes(HOSTILE["alias-bomb"].data)
    assert main(["preview", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"══ {tmp_path / '2025-07-21.md'} ══" in out
    assert f"{tmp_path / '2025-07-22.md'}:3: front matter is not valid YAML: aliases" in err


def _briefbot(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command as an editor runs it, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_preview_of_an_empty_folder_says_why_there_is_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["preview", str(empty)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"{empty}: no .md files in this folder"]
    assert out == ""  # no blank line standing for a preview
