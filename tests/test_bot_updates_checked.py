"""Only new messages from the chat's own people act: edits, forwards, ``via_bot``, bot
senders and strangers in a private chat change nothing and get no answer; the bot's own
membership (``my_chat_member``) marks a reader blocked and back; a /start the bot cannot
answer (Forbidden) leaves no active subscriber."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from bot.store.subscribers import SubscriberStore
from sandbox import SandboxControl
from tests.fixtures import forged
from tests.fixtures.reader_bot import BotRunner, ChatDriver

JSON = forged.JSON


async def status_becomes(subscribers: SubscriberStore, chat_id: int, status: str) -> None:
    """Wait (at most 5 s) until the chat's subscription has ``status``."""
    async with asyncio.timeout(5):
        while True:
            subscriber = await subscribers.get(chat_id)
            if subscriber is not None and subscriber.status == status:
                return
            await asyncio.sleep(0.02)


def sender_of(driver: ChatDriver) -> JSON:
    assert driver.user_id is not None
    return forged.user(driver.user_id, "小明", "zh-hans")


# (update type, the message body) for a private chat driver; each would, if it acted,
# unsubscribe the reader (/stop) or move their time zone (/tz UTC).
Forgery = Callable[[ChatDriver], tuple[str, JSON]]
FORGERIES: dict[str, Forgery] = {
    "edited /stop": lambda d: (
        "edited_message",
        forged.message(forged.private_chat(d.chat_id), sender_of(d), "/stop", edit_date=1),
    ),
    "edited /tz": lambda d: (
        "edited_message",
        forged.message(forged.private_chat(d.chat_id), sender_of(d), "/tz UTC", edit_date=1),
    ),
    "forwarded /stop": lambda d: (
        "message",
        forged.message(
            forged.private_chat(d.chat_id),
            sender_of(d),
            "/stop",
            forward_origin=forged.forward_origin(forged.user(99_000_001)),
        ),
    ),
    "/stop via a bot": lambda d: (
        "message",
        forged.message(
            forged.private_chat(d.chat_id), sender_of(d), "/stop", via_bot=forged.bot_user()
        ),
    ),
    "/tz from a bot account": lambda d: (
        "message",
        forged.message(forged.private_chat(d.chat_id), forged.bot_user(), "/tz UTC"),
    ),
    "/stop from a stranger": lambda d: (
        "message",
        forged.message(forged.private_chat(d.chat_id), forged.user(99_000_002), "/stop"),
    ),
}


@pytest.mark.parametrize("name", FORGERIES)
async def test_what_the_chat_user_did_not_send_anew_does_nothing(
    private_chat: ChatDriver, sandbox_control: SandboxControl, name: str
) -> None:
    await private_chat.ask("/start")
    kind, payload = FORGERIES[name](private_chat)
    assert await sandbox_control.inject_update(kind, payload) is not None
    overview = await private_chat.ask("/settings")
    assert overview.text.startswith("⚙️ 设置\n推送时间：08:00\n时区：Asia/Shanghai")
    assert "订阅：已订阅" in overview.text
    # Nothing was said to the forged update: the next answer is the one to /help.
    assert (await private_chat.ask("/help")).text.startswith("我每天把新闻简报推送给你")


async def test_a_forwarded_command_in_a_group_does_nothing(
    group_chat: ChatDriver, sandbox_control: SandboxControl
) -> None:
    await group_chat.ask("/start")
    assert group_chat.user_id is not None
    payload = forged.message(
        forged.group_chat(group_chat.chat_id, "Reading club"),
        forged.user(group_chat.user_id, "Bea"),
        "/stop",
        forward_origin=forged.forward_origin(forged.user(99_000_003)),
    )
    await sandbox_control.inject_update("message", payload)
    assert "Subscription: active" in (await group_chat.ask("/settings")).text
    assert (await group_chat.ask("/help")).text.startswith("I send you a news digest")


async def test_blocking_marks_the_reader_blocked_and_unblocking_brings_them_back(
    private_chat: ChatDriver, sandbox_control: SandboxControl, subscribers: SubscriberStore
) -> None:
    await private_chat.ask("/start")
    await sandbox_control.block(private_chat.chat_id)
    await status_becomes(subscribers, private_chat.chat_id, "blocked")
    await sandbox_control.unblock(private_chat.chat_id)
    await status_becomes(subscribers, private_chat.chat_id, "active")


async def test_a_stopped_reader_who_blocks_and_unblocks_stays_stopped(
    private_chat: ChatDriver, sandbox_control: SandboxControl, subscribers: SubscriberStore
) -> None:
    await private_chat.ask("/start")
    await private_chat.ask("/stop")
    await sandbox_control.block(private_chat.chat_id)
    await sandbox_control.unblock(private_chat.chat_id)
    await private_chat.ask("/help")  # the membership updates came before this one
    subscriber = await subscribers.get(private_chat.chat_id)
    assert subscriber is not None and subscriber.status == "stopped"


async def test_a_group_that_removes_the_bot_is_marked_blocked(
    group_chat: ChatDriver, sandbox_control: SandboxControl, subscribers: SubscriberStore
) -> None:
    await group_chat.ask("/start")
    await sandbox_control.block(group_chat.chat_id)
    await status_becomes(subscribers, group_chat.chat_id, "blocked")
    await sandbox_control.unblock(group_chat.chat_id)
    await status_becomes(subscribers, group_chat.chat_id, "active")


async def test_a_start_the_bot_cannot_answer_leaves_no_active_subscriber(
    sandbox_control: SandboxControl,
    bot_runner: BotRunner,
    subscribers: SubscriberStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="Cy", language_code="en")
    await sandbox_control.block(chat.chat_id)
    with caplog.at_level(logging.INFO, logger="handlers.errors"):
        await sandbox_control.send_text(chat.chat_id, "/start", chat.user_id)
        await status_becomes(subscribers, chat.chat_id, "blocked")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"chat {chat.chat_id} cannot be written to" in caplog.text
