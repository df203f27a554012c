"""When Redis goes away under a running bot, readers are told the data is unavailable (a
short answer, not silence) and the bot process keeps answering."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from bot.settings import Settings
from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver
from tests.fixtures.stores import MovableClock


async def test_a_vanished_redis_is_explained_to_the_reader(
    bot_settings: Settings,
    clock: MovableClock,
    sandbox_control: SandboxControl,
    tmp_path: Path,
) -> None:
    # Its own embedded Redis, which this test may stop.
    settings = dataclasses.replace(bot_settings, redis_url=None, data_dir=tmp_path / "redis")
    runner = BotRunner(settings, clock)
    application = await runner.start()
    try:
        chat = await sandbox_control.create_private_chat(first_name="R", language_code="en")
        driver = ChatDriver(sandbox_control, chat, chat.user_id)
        assert (await driver.ask("/item 1")).text.startswith("1. OpenAI")
        embedded = application.bot_data.services.runtime.connection.embedded
        assert embedded is not None
        await asyncio.to_thread(embedded.stop)
        unavailable = "The data is unavailable right now; please try again shortly."
        assert (await driver.ask("/today")).text == unavailable
        assert (await driver.ask("/unread")).text == unavailable  # still serving
    finally:
        await runner.stop()
