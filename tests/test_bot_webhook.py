"""Webhook mode: the sandbox delivers updates over HTTP to the bot's aiohttp server, which
checks Telegram's secret header on every request."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app import build_application
from bot.settings import Secret, Settings
from bot.webhook_server import SECRET_HEADER, serve_webhook
from sandbox import SandboxControl
from tests.fixtures.reader_bot import ChatDriver
from tests.fixtures.stores import MovableClock

SECRET = "s3cret-for-tests_only"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def webhook_bot(bot_settings: Settings, clock: MovableClock) -> AsyncIterator[str]:
    """The bot in webhook mode; yields the webhook URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = dataclasses.replace(
        bot_settings,
        webhook_url=url,
        webhook_secret=Secret(SECRET),
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve_webhook(build_application(settings, clock=clock), settings, stop)
    )
    try:
        for _ in range(200):  # until the server answers
            try:
                async with aiohttp.ClientSession() as session, session.post(url) as response:
                    if response.status == 403:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.02)
        yield url
    finally:
        stop.set()
        await task


async def test_updates_arrive_by_webhook_and_are_answered(
    webhook_bot: str, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="Web", language_code="en")
    driver = ChatDriver(sandbox_control, chat, chat.user_id)
    welcome = await driver.ask("/start")
    assert welcome.text.startswith("👋 Welcome!")
    (digest,) = await driver.send("/today")
    (item,) = await driver.press(digest, "2")
    assert item.text.startswith("2. 鸿海开始导入英伟达Vera Rubin平台")


@pytest.mark.parametrize("header", [None, "wrong-secret"])
async def test_a_request_without_the_secret_is_refused(
    webhook_bot: str, header: str | None
) -> None:
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private", "first_name": "Eve"},
            "from": {"id": 5, "is_bot": False, "first_name": "Eve"},
            "text": "/stop",
        },
    }
    headers = {} if header is None else {SECRET_HEADER: header}
    async with aiohttp.ClientSession() as session:
        async with session.post(webhook_bot, json=update, headers=headers) as response:
            assert response.status == 403
        good = {SECRET_HEADER: SECRET}
        async with session.post(webhook_bot, data=b"not json", headers=good) as response:
            assert response.status == 400
