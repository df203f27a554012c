"""``briefbot shell`` driven through a pipe, as the README's "run it locally" command."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

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
    client = Redis.from_url(redis_url, decode_responses=True)
    async for key in client.scan_iter(match=f"{key_prefix}-shell:*", count=1000):
        await client.delete(key)
    await client.aclose()


async def piped_shell(script: bytes, settings: dict[str, str], cwd: Path) -> str:
    """``briefbot shell`` fed ``script`` on stdin: its stdout, after it exited 0 silently."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BRIEFBOT_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "shell",
        cwd=cwd,
        env=env | settings,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(script), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert stderr.decode() == ""
    return stdout.decode()


async def test_a_piped_shell_session_shows_the_conversation(
    redis_url: str, shell_prefix: str, digest_dir: Path, tmp_path: Path
) -> None:
    env = {"REDIS_URL": redis_url, "BRIEFBOT_PREFIX": shell_prefix, "DIGEST_DIR": str(digest_dir)}
    out = await piped_shell(SCRIPT.encode(), env, tmp_path)
    turns = out.split("you> ")
    assert turns[0].startswith("briefbot shell: you are chatting with the real bot")
    start, today, tap, tap_next, tap_missing, bad, date, quit_ = turns[1:]
    assert start.startswith("/start\nbot> 👋 欢迎！我每天 08:00（Asia/Shanghai）")
    assert "\n     [1] 📰 今日简报\n     [2] ⚙️ 设置  [3] ❓ 帮助\n" in start
    assert "的简报还没发布，这是最新一期（2025-07-23）：" in today
    assert "bot> *AI Daily — July 23, 2025 (format example)*" in today
    assert (
        "1. Chip makers report record demand for AI accelerators <https://example.com/chips"
        in today
    )
    assert "[1] 1  [2] 2  [3] 3" in today
    assert tap.startswith(
        "2\nbot> *2. A startup raises a Series B for robot hands <https://example.com/robots>*"
    )
    assert "[1] ◀ 上一条  [2] 下一条 ▶" in tap
    assert tap_next.startswith("2\nbot (edited)> *3. Open model beats larger rivals")
    assert tap_missing == "9\n(no button [9] on the last message)\n\n"
    assert bad == "/item abc\nbot> 「abc」不是条目编号。用法：/item 3\n\n"
    assert date.startswith("/date 2025-07-21\nbot> *2025.07.21 全球AI新闻速递*")
    assert quit_ == "/quit\n"


# "/start", then "ab" and the first two of the three bytes of "你", then "/help".
CUT_LINE_SCRIPT = b"/start\nab\xe4\xbd\n/help\n/quit\n"


@pytest.mark.parametrize(
    "stdin_decoding",
    [
        "utf-8:surrogateescape",  # Python's default in the C / POSIX locale
        "utf-8:strict",  # its default in other UTF-8 locales
    ],
)
async def test_a_cut_multibyte_line_does_not_break_the_session(
    stdin_decoding: str, redis_url: str, shell_prefix: str, digest_dir: Path, tmp_path: Path
) -> None:
    """A terminal cuts a long pasted Chinese line mid-character: the line reaches the bot
    with U+FFFD in place of the cut bytes, and the session goes on."""
    env = {
        "REDIS_URL": redis_url,
        "BRIEFBOT_PREFIX": shell_prefix,
        "DIGEST_DIR": str(digest_dir),
        "PYTHONIOENCODING": stdin_decoding,
    }
    out = await piped_shell(CUT_LINE_SCRIPT, env, tmp_path)
    start, cut, help_, quit_ = out.split("you> ")[1:]
    assert start.startswith("/start\nbot> ")
    # Not a command: the bot answers it as any other text.
    assert cut.startswith("ab\N{REPLACEMENT CHARACTER}\nbot> 我只听得懂命令。")
    assert help_.startswith("/help\nbot> 我每天把新闻简报推送给你")
    assert quit_ == "/quit\n"
