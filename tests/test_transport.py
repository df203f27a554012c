"""AiohttpRequest against a small local Bot API look-alike: what python-telegram-bot's Bot
sends arrives intact (form fields, multipart files), and every failure surfaces as the
exception python-telegram-bot's callers handle."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import BodyPartReader, web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.settings import Settings
from bot.transport import DEPARTURES, AiohttpRequest, build_bot

TOKEN = "123:transport-test"


@dataclass
class FakeApi:
    """Records what it was sent; answers like the Bot API."""

    base_url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0


def _message(chat_id: int, text: str) -> dict[str, Any]:
    return {
        "message_id": 1,
        "date": 0,
        "chat": {"id": chat_id, "type": "private"},
        "text": text,
    }


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeApi]:
    api = FakeApi()

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type.startswith("multipart/"):
            fields: dict[str, Any] = {}
            async for part in await request.multipart():
                assert isinstance(part, BodyPartReader)
                data = await part.read()
                fields[part.name or ""] = (
                    {
                        "filename": part.filename,
                        "content": data,
                        "type": part.headers["Content-Type"],
                    }
                    if part.filename
                    else data.decode()
                )
        elif request.content_type == "application/json":
            fields = await request.json()
        else:
            fields = dict(await request.post())
        api.received.append({"method": method, "fields": fields})
        await asyncio.sleep(api.delay)
        if method == "getMe":
            me = {"id": 123, "is_bot": True, "first_name": "T", "username": "t_bot"}
            return web.json_response({"ok": True, "result": me})
        if method == "sendMessage":
            chat_id = int(fields["chat_id"])
            if chat_id == 429:
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests",
                        "parameters": {"retry_after": 7}}  # fmt: skip
                return web.json_response(body, status=429)
            if chat_id == 400:
                body = {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: chat not found",
                }
                return web.json_response(body, status=400)
            return web.json_response({"ok": True, "result": _message(chat_id, fields["text"])})
        if method == "sendDocument":
            return web.json_response({"ok": True, "result": _message(int(fields["chat_id"]), "")})
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    api.base_url = f"http://127.0.0.1:{port}/bot"
    yield api
    await runner.cleanup()


def _bot(base_url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=request, get_updates_request=AiohttpRequest(1))


async def test_send_message_arrives_with_its_text_and_parameters(fake_api: FakeApi) -> None:
    text = "<b>今日简报</b> & 1 < 2 👩‍💻 https://x.org/a?b=1&c=(2)"
    async with _bot(fake_api.base_url, AiohttpRequest()) as bot:
        message = await bot.send_message(42, text, parse_mode="HTML", disable_notification=True)
    assert message.chat_id == 42
    assert message.text == text
    sent = fake_api.received[-1]
    assert sent["method"] == "sendMessage"
    assert sent["fields"]["text"] == text
    assert sent["fields"]["parse_mode"] == "HTML"
    assert sent["fields"]["disable_notification"] == "true"


async def test_a_file_upload_is_sent_as_multipart(fake_api: FakeApi) -> None:
    payload = "日报,1\n".encode() * 100
    async with _bot(fake_api.base_url, AiohttpRequest()) as bot:
        await bot.send_document(42, payload, filename="export.csv", caption="导出")
    fields = fake_api.received[-1]["fields"]
    assert fields["caption"] == "导出"
    assert fields["document"]["filename"] == "export.csv"
    assert fields["document"]["content"] == payload


async def test_error_statuses_reach_python_telegram_bot_intact(fake_api: FakeApi) -> None:
    async with _bot(fake_api.base_url, AiohttpRequest()) as bot:
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(429, "x")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(400, "x")
    assert "Retry in 7 seconds" in str(flood.value)


async def test_a_slow_answer_is_a_timeout(fake_api: FakeApi) -> None:
    async with _bot(fake_api.base_url, AiohttpRequest(read_timeout=0.1)) as bot:
        fake_api.delay = 1.0
        with pytest.raises(TimedOut):
            await bot.send_message(42, "x")
        # A per-call timeout overrides the default in both directions.
        message = await bot.send_message(42, "slow but fine", read_timeout=3)
    assert message.text == "slow but fine"


async def test_a_full_pool_times_out_without_sending(fake_api: FakeApi) -> None:
    async with _bot(fake_api.base_url, AiohttpRequest(1, pool_timeout=0.05)) as bot:
        fake_api.delay = 0.5
        first = asyncio.create_task(bot.send_message(1, "holds the only connection"))
        # Until the server holds the first request (a fixed sleep loses this race on a
        # loaded machine, and then the second request gets the connection).
        async with asyncio.timeout(5):
            while not any(r["method"] == "sendMessage" for r in fake_api.received):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(2, "waits for a connection")
        assert (await first).chat_id == 1
    assert [r["fields"]["chat_id"] for r in fake_api.received if r["method"] == "sendMessage"] == [
        "1"
    ]


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_the_request_reopens_after_shutdown_and_refuses_use_before(fake_api: FakeApi) -> None:
    request = AiohttpRequest()
    url = f"{fake_api.base_url}{TOKEN}/getMe"
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(url, "POST")
    await request.initialize()
    await request.shutdown()
    await request.initialize()
    try:
        status, body = await request.do_request(url, "POST")
    finally:
        await request.shutdown()
    assert status == 200
    assert json.loads(body)["result"]["username"] == "t_bot"


async def test_build_bot_uses_the_settings_url_and_pool(fake_api: FakeApi) -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake_api.base_url,
            "SENDER_CONCURRENCY": "4",
        }
    )
    bot = build_bot(settings)
    assert isinstance(bot.request, AiohttpRequest)
    assert bot.request.connection_pool_size == 4
    async with bot:
        assert bot.username == "t_bot"
    assert bot.base_file_url.startswith(fake_api.base_url.removesuffix("bot") + "file/bot")


async def test_a_caller_learns_when_its_request_left(fake_api: FakeApi) -> None:
    fake_api.delay = 0.05  # the answer comes well after the request left
    async with _bot(fake_api.base_url, AiohttpRequest()) as bot:
        departures: list[float] = []
        token = DEPARTURES.set(departures)
        try:
            before = time.monotonic()
            await bot.send_message(42, "timed")
            answered = time.monotonic()
        finally:
            DEPARTURES.reset(token)
        await bot.send_message(43, "not timed")  # outside the context: nothing noted
    assert len(departures) == 1
    assert before <= departures[0] < answered  # when the headers went out, not the answer
