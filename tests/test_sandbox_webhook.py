"""Webhook delivery: the sandbox POSTs updates with the secret header; a receiver that checks
it lets the bot answer, a wrong secret is rejected and shows in getWebhookInfo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Application, CommandHandler, ContextTypes

from sandbox import Sandbox, SandboxControl

SECRET = "briefbot-webhook-secret"


@dataclass
class Receiver:
    """A webhook endpoint like the bot's: it checks the secret, then feeds the Application."""

    app: Application  # type: ignore[type-arg]
    url: str = ""
    rejected: int = 0
    rejected_twice: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            self.rejected += 1
            if self.rejected >= 2:
                self.rejected_twice.set()
            return web.Response(status=403)
        update = Update.de_json(await request.json(), self.app.bot)
        await self.app.update_queue.put(update)
        return web.Response()


async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet a reader."""
    if update.effective_message is not None:
        await update.effective_message.reply_text("你好")


@pytest.fixture
async def receiver(sandbox: Sandbox, bot_token: str) -> AsyncIterator[Receiver]:
    """An Application without an updater, fed by a local webhook endpoint."""
    app = (
        Application.builder().token(bot_token).base_url(sandbox.bot_api_base_url).updater(None)
    ).build()
    app.add_handler(CommandHandler("start", hello))
    receiver = Receiver(app)
    web_app = web.Application()
    web_app.router.add_post("/telegram", receiver.handle)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    async with app:
        await app.start()
        yield receiver
        await app.stop()
    await runner.cleanup()


async def test_webhook_round_trip_with_the_secret_header(
    receiver: Receiver, sandbox_control: SandboxControl
) -> None:
    bot = receiver.app.bot
    assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    chat = await sandbox_control.create_private_chat()
    await sandbox_control.send_text(chat.chat_id, "/start")
    [reply] = await sandbox_control.wait_for_messages(chat.chat_id, 1, timeout=5)
    assert reply.text == "你好"
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == (
        receiver.url,
        0,
        None,
    )
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert receiver.rejected == 0


async def test_wrong_secret_is_rejected_and_reported(
    receiver: Receiver, sandbox_control: SandboxControl
) -> None:
    bot = receiver.app.bot
    await bot.set_webhook(receiver.url, secret_token="not-the-secret")
    chat = await sandbox_control.create_private_chat()
    await sandbox_control.send_text(chat.chat_id, "/start")
    await asyncio.wait_for(receiver.rejected_twice.wait(), timeout=5)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
    assert await sandbox_control.bot_messages(chat.chat_id) == []

    # Back to long polling: the update that could not be delivered is not lost.
    await bot.delete_webhook()
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["/start"]


async def test_updates_are_posted_concurrently_up_to_max_connections(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    """Three updates are held by the receiver until all three are in flight at once."""
    in_flight = 0
    all_in = asyncio.Event()
    received: list[int] = []

    async def hold(request: web.Request) -> web.Response:
        nonlocal in_flight
        in_flight += 1
        if in_flight == 3:
            all_in.set()
        await all_in.wait()
        received.append((await request.json())["update_id"])
        return web.Response()

    web_app = web.Application()
    web_app.router.add_post("/hook", hold)
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        await sandbox_bot.set_webhook(url, max_connections=3)
        chat = await sandbox_control.create_private_chat()
        for n in range(3):
            await sandbox_control.send_text(chat.chat_id, f"m{n}")
        await asyncio.wait_for(all_in.wait(), timeout=5)
        info = await sandbox_control.webhook(timeout=5)  # the sandbox read the answers
        assert (info["pending_update_count"], info["delivered"]) == (0, 3)
        assert sorted(received) == [1, 2, 3]
    finally:
        await runner.cleanup()
