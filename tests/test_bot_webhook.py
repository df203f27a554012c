"""Webhook mode: the sandbox delivers updates over HTTP to the bot's aiohttp server, which
checks Telegram's secret header on every request."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.app import build_application
from bot.settings import Secret, Settings
from bot.webhook_server import MAX_BODY_BYTES, SECRET_HEADER, serve_webhook
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
            assert response.status == 200  # acknowledged and dropped (see below)


def update_with(**message: object) -> dict[str, object]:
    """A /help update of a chat the sandbox does not have, with ``message`` fields over."""
    body: dict[str, object] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 5, "type": "private", "first_name": "Eve"},
        "from": {"id": 5, "is_bot": False, "first_name": "Eve"},
        "text": "/help",
        **message,
    }
    return {"update_id": 7, "message": body}


def nested_replies(depth: int) -> bytes:
    """An update whose message replies to a message replying to ... ``depth`` deep."""
    level = json.dumps(update_with()["message"])[:-1]  # without its closing brace
    inner = (level + ', "reply_to_message": ') * depth + level + "}" * (depth + 1)
    return f'{{"update_id": 8, "message": {inner}}}'.encode()


UNUSABLE: dict[str, bytes] = {
    "JSON nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "objects nested 100,000 deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "replies nested 3,000 deep": nested_replies(3000),
    "a date of 10^20": json.dumps(update_with(date=10**20)).encode(),
    "an update_id of 10^5000 digits": b'{"update_id": ' + b"9" * 5000 + b"}",
    "not JSON": b"not json",
    "not UTF-8": b'{"update_id": 1, "message": "\xff\xfe"}',
    "empty": b"",
    "a list": b"[1, 2]",
    "a string": b'"update"',
    "null": b"null",
    "no update_id": b'{"message": {}}',
    "a text update_id": b'{"update_id": "1"}',
    "a message that is a string": b'{"update_id": 1, "message": "hi"}',
    "a chat that is a number": json.dumps(update_with(chat=5)).encode(),
}


@pytest.mark.parametrize("name", UNUSABLE)
async def test_a_body_that_is_no_usable_update_is_acknowledged_never_500(
    webhook_bot: str, sandbox_control: SandboxControl, name: str
) -> None:
    async with aiohttp.ClientSession() as session:
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        async with session.post(webhook_bot, data=UNUSABLE[name], headers=headers) as response:
            assert response.status == 200  # Telegram would repeat anything else forever
            assert await response.text() == "ignored: not a Telegram update"
    # The bot still serves.
    chat = await sandbox_control.create_private_chat(first_name="Web", language_code="en")
    driver = ChatDriver(sandbox_control, chat, chat.user_id)
    assert (await driver.ask("/start")).text.startswith("👋 Welcome!")


async def test_an_oversized_body_is_413(webhook_bot: str) -> None:
    body = b'{"update_id": 1, "pad": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    async with aiohttp.ClientSession() as session:
        headers = {SECRET_HEADER: SECRET}
        async with session.post(webhook_bot, data=io.BytesIO(body), headers=headers) as response:
            assert response.status == 413
        async with session.post(webhook_bot, data=io.BytesIO(body)) as response:
            assert response.status == 403  # and the secret is checked first


async def test_a_secret_header_of_bytes_that_are_not_utf8_is_403(webhook_bot: str) -> None:
    url = urlsplit(webhook_bot)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    body = b'{"update_id": 1}'
    writer.write(
        b"POST "
        + url.path.encode()
        + b" HTTP/1.1\r\nHost: x\r\n"
        + SECRET_HEADER.encode()
        + b": \xff\xfe\xfd\r\n"
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    assert status_line.split()[1] == b"403"
