"""``briefbot run`` as an operator runs it: a real process, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from redis.asyncio import Redis

from bot.settings import Settings
from sandbox import SandboxControl
from tests.fixtures.bot_process import bot_env, clean_env, start_briefbot
from tests.fixtures.reader_bot import ChatDriver


def test_without_a_token_it_says_how_to_get_one_and_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env here
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in lines[0]
    assert "@BotFather" in lines[0]
    assert "briefbot shell" in lines[0]


async def test_it_answers_readers_and_stops_cleanly_on_sigterm(
    bot_settings: Settings, sandbox_control: SandboxControl, redis: Redis, tmp_path: Path
) -> None:
    process = await start_briefbot(bot_env(bot_settings, LOG_LEVEL="INFO"), tmp_path, "run")
    try:
        chat = await sandbox_control.create_private_chat(first_name="Op", language_code="en")
        driver = ChatDriver(sandbox_control, chat, chat.user_id)
        await sandbox_control.send_text(chat.chat_id, "/start", chat.user_id)
        (welcome,) = await sandbox_control.wait_for_messages(chat.chat_id, 1, timeout=30)
        assert welcome.text.startswith("👋 Welcome!")
        driver.seen = 1
        assert (await driver.ask("/item 2 2025-07-21")).text.startswith("2. 鸿海")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert bot_settings.telegram_bot_token.value not in log
