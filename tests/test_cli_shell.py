"""``briefbot shell``: driven through a pipe as the README shows it, and in process with a
scripted reader and a clock the test moves (a scheduled push arrives in the shell)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import TextIO

import pytest

from bot.keys import Keys
from bot.settings import Settings
from bot.shell import ShellOptions, run_shell
from tests.fixtures.redis_server import delete_keys, open_client
from tests.fixtures.stores import MovableClock

README = Path(__file__).resolve().parents[1] / "README.md"

SCRIPT = """/start
/today
2
2
9
/item abc
/date 2025-07-21
/quit
"""


@pytest.fixture
async def shell_prefix(redis_url: str, key_prefix: str) -> AsyncIterator[str]:
    """The prefix to give the shell; it writes under ``<prefix>-shell``, cleaned up after."""
    yield key_prefix
    client = await open_client(redis_url)
    await delete_keys(client, Keys(f"{key_prefix}-shell"))
    await client.aclose()


ShellRun = Callable[..., Awaitable[str]]


@pytest.fixture
def shell(redis_url: str, shell_prefix: str, digest_dir: Path, tmp_path: Path) -> ShellRun:
    """Runs ``briefbot shell ARGS`` with ``script`` piped in; returns what it printed."""

    async def run(script: str, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BRIEFBOT_"))}
        env |= {
            "REDIS_URL": redis_url,
            "BRIEFBOT_PREFIX": shell_prefix,
            "DIGEST_DIR": str(digest_dir),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "shell",
            *args,
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(script.encode()), timeout=90)
        assert process.returncode == 0, stderr.decode()
        assert stderr.decode() == ""
        return stdout.decode()

    return run


async def test_a_piped_shell_session_shows_the_conversation(shell: ShellRun) -> None:
    out = await shell(SCRIPT)
    turns = out.split("you> ")
    assert turns[0].startswith("briefbot shell: you are chatting with the real bot")
    assert "\nYou are user 10001 (ADMIN_IDS=10001 makes you an admin" in turns[0]
    start, today, tap, tap_next, tap_missing, bad, date, quit_ = turns[1:]
    assert start.startswith("/start\nbot> 👋 欢迎！我每天 08:00（Asia/Shanghai）")
    assert "\n     [1] 📰 今日简报\n     [2] ⚙️ 设置  [3] ❓ 帮助\n" in start
    # A newcomer's first /today is a real digest: the shared one, as the shell's today.
    assert today.startswith("/today\nbot> *2025.07.21 全球AI新闻速递*\n")
    assert "还没发布" not in today
    assert "1. OpenAI 奥尔特曼：到今年年底将有超 100 万个 GPU 上线" in today
    assert "[1]  [2]  [3]  [4]  [5]\n     [6]  [7]  [8]  [9]\n" in today
    assert tap.startswith("2\nbot> *2. 鸿海开始导入英伟达Vera Rubin平台 <https://36kr.com/")
    assert "[1] ◀ 上一条  [2] 下一条 ▶" in tap
    assert tap_next.startswith("2\nbot (edited)> *3. 京东和美团的战火，烧到具身智能")
    assert tap_missing == "9\n(no button [9] on the last message)\n\n"
    assert bad == "/item abc\nbot> 「abc」不是条目编号。用法：/item 3\n\n"
    assert date.startswith("/date 2025-07-21\nbot> *2025.07.21 全球AI新闻速递*")
    assert quit_ == "/quit\n"


def _readme_session() -> str:
    """The transcript the README shows (between its ```text fence and the closing one)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("A real `briefbot shell` session (piped input, `--lang en`):")
    block = text[text.index("```text\n", start) + len("```text\n") :]
    return block[: block.index("```")]


def _undated(text: str) -> str:
    """Dates that depend on the day the shell runs are left out of the comparison."""
    return re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", text)


async def test_the_readme_transcript_is_what_the_shell_prints(shell: ShellRun) -> None:
    shown = _readme_session()
    typed = [line.removeprefix("you> ") for line in shown.splitlines() if line.startswith("you> ")]
    assert typed and typed[-1] == "/quit"
    out = await shell("\n".join(typed) + "\n", "--lang", "en")
    assert _undated(out) == _undated(shown)


async def test_lang_always_applies_and_user_picks_the_reader(shell: ShellRun) -> None:
    await shell("/start\n/lang zh\n/quit\n", "--user", "4242")
    out = await shell("/settings\n/quit\n", "--user", "4242", "--lang", "en")
    assert "\nYou are user 4242 (ADMIN_IDS=4242 makes you an admin" in out
    assert "bot> ⚙️ Settings\n" in out  # the stored zh gave way to --lang en
    other = await shell("/settings\n/quit\n")
    assert "请先发送 /start 订阅" in other  # user 10001 is another reader


async def test_input_that_gets_no_answer_says_so(shell: ShellRun) -> None:
    # A sticker-like line the bot ignores in a private chat does not exist; an edited
    # command the bot drops does: the sandbox shows nothing for text the bot never sees.
    out = await shell("/start@someotherbot\n/quit\n")
    assert "you> /start@someotherbot\n(no reply)\n\n" in out


class ScriptedLines:
    """A reader in process: ``lines`` one after the other, then ``finally_`` is awaited
    before the reader leaves (to wait for what the bot sends on its own)."""

    interactive = False

    def __init__(self, lines: list[str], finally_: Callable[[], Awaitable[None]]) -> None:
        self._lines = iter(lines)
        self._finally = finally_

    @contextlib.contextmanager
    def session(self, out: TextIO) -> Iterator[TextIO]:
        yield out

    async def read(self) -> str | None:
        line = next(self._lines, None)
        if line is None:
            await self._finally()
        return line


async def test_a_scheduled_push_arrives_in_the_shell(
    redis_env: dict[str, str], shell_prefix: str, digest_dir: Path, clock: MovableClock
) -> None:
    clock.now = datetime(2025, 7, 20, 23, 58, 30, tzinfo=UTC)  # 07:58:30 in Shanghai
    settings = Settings.from_env(
        {
            **redis_env,
            "BRIEFBOT_PREFIX": shell_prefix,
            "DIGEST_DIR": str(digest_dir),
            "SCHEDULER_TICK_SECONDS": "0.5",
        }
    )
    out = StringIO()
    saved = "推送时间已改为每天 07:59（Asia/Shanghai）。"

    async def the_minute_comes() -> None:
        clock.now = datetime(2025, 7, 20, 23, 59, 5, tzinfo=UTC)  # 07:59:05: due
        for _ in range(300):
            if "*2025.07.21 全球AI新闻速递*" in out.getvalue().partition(saved)[2]:
                return
            await asyncio.sleep(0.1)

    lines = ScriptedLines(["/start", "/time 07:59"], the_minute_comes)
    assert await run_shell(settings, lines, out, ShellOptions(), clock=clock) == 0
    push = out.getvalue().partition(saved)[2]
    assert push.startswith("\n\nbot> *2025.07.21 全球AI新闻速递*\n     2025-07-21\n")
    assert "[1]  [2]  [3]  [4]  [5]" in push
