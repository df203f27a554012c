"""Connecting channels and groups from Telegram, end to end through the sandbox: an admin
connects a channel (Telegram is asked whether the bot may post there), is told exactly
what is wrong otherwise, lists and removes them after a confirmation; a reader cannot; the
post's buttons are deep links that open the item in a private chat; a bot that loses its
right to post pauses the channel and the admin is told once."""

from __future__ import annotations

import asyncio

from bot.delivery.kinds.channel import enqueue_channel_post
from bot.delivery.queue.outbox import Outbox
from bot.store.channels import ChannelStore
from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver
from tests.test_admin_broadcast import admin, audit_of, readers, runner

__all__ = ["admin", "runner"]  # the fixtures this module uses

DATE = "2025-07-21"  # the example digest in the bot's folder


async def reason_becomes(channels: ChannelStore, chat_id: int, reason: str) -> None:
    """Wait (at most 5 s) until the channel is paused for ``reason`` (the bot handles
    updates concurrently: a command sent next may be answered first)."""
    async with asyncio.timeout(5):
        while True:
            channel = await channels.get(chat_id)
            if channel is not None and (channel.status, channel.reason) == ("paused", reason):
                return
            await asyncio.sleep(0.02)


async def test_an_admin_connects_lists_and_removes_a_channel(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    await sandbox_control.create_channel("AI Daily", username="ai_daily")
    assert (await admin.ask("/channels")).text.startswith("No channel or group is connected.")
    added = (await admin.ask("/channels add @ai_daily 9:30 full")).text
    assert added == (
        "Connected @ai_daily (AI Daily): the day's digest is posted there daily at 09:30 "
        "(Asia/Shanghai), full format, in en."
    )
    listed = (await admin.ask("/channels")).text
    assert listed == (
        "Channels and groups the digest is posted to:\n@ai_daily · AI Daily · daily at 09:30 "
        "(Asia/Shanghai) · full · en · posting · last post: none yet"
    )
    question = await admin.ask("/channels remove @AI_DAILY")  # any case, as Telegram
    assert question.text.startswith("Disconnect @ai_daily?")
    done = await admin.press_for_edit(question, "🗑 Disconnect")
    assert done.text == "Disconnected @ai_daily: the digest is no longer posted there."
    assert (await admin.ask("/channels")).text.startswith("No channel or group is connected.")
    gone = (await admin.ask("/channels remove @ai_daily")).text
    assert gone == "@ai_daily is not connected. /channels lists the connected ones."
    actions = [(e.action, e.outcome) for e in await audit_of(runner, 4)]
    assert actions == [("channels.remove", "refused"), ("channels.remove", "done"),
                       ("channels.remove", "asked"), ("channels.add", "done")]  # fmt: skip


async def test_each_reason_a_channel_cannot_be_connected_is_said_exactly(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    await sandbox_control.create_channel("Absent", username="absent_chan", bot_status="left")
    await sandbox_control.create_channel("Muted", username="muted_chan", can_post_messages=False)
    answers = {
        text: (await admin.ask(text)).text
        for text in (
            "/channels add @no_such_chan",
            "/channels add @absent_chan",
            "/channels add @muted_chan",
            "/channels add @muted_chan 25:00",
            "/channels add",
        )
    }
    assert answers["/channels add @no_such_chan"].startswith("@no_such_chan was not found.")
    assert answers["/channels add @absent_chan"] == (
        "The bot is not an administrator of @absent_chan. Add the bot as an administrator "
        "allowed to post messages, then try again."
    )
    assert answers["/channels add @muted_chan"].startswith(
        "The bot is an administrator of @muted_chan but may not post messages."
    )
    for bad in ("/channels add @muted_chan 25:00", "/channels add"):
        assert answers[bad].startswith("Usage: /channels lists them;"), answers[bad]
    assert (await admin.ask("/channels")).text.startswith("No channel or group is connected.")
    refused = [(e.action, e.outcome) for e in await audit_of(runner, 3)]
    assert refused == [("channels.add", "refused")] * 3


async def test_a_group_by_id_and_a_reader_who_tries(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    group = await sandbox_control.create_group("读者群", supergroup=True)
    answer = (await admin.ask(f"/channels add {group.chat_id} 07:00 zh")).text
    assert answer.startswith("Connected 读者群 (读者群)") and "in zh." in answer
    [reader] = await readers(sandbox_control, 1)
    await sandbox_control.create_channel("Mine", username="readers_own")
    refused = (await reader.ask("/channels add @readers_own")).text
    assert refused == "I don't know the command /channels. /help lists them all."
    listed = (await admin.ask("/channels")).text
    assert "读者群" in listed and "readers_own" not in listed


async def test_the_post_has_deep_links_and_losing_the_right_to_post_pauses_it(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    channel = await sandbox_control.create_channel("AI Daily", username="ai_daily")
    await admin.ask("/channels add @ai_daily")
    assert runner.application is not None
    stores = runner.application.bot_data.services.runtime.stores
    await enqueue_channel_post(Outbox.of(stores), DATE, channel.chat_id)
    [post] = await sandbox_control.wait_for_messages(channel.chat_id, 1, timeout=10)
    assert post.text.startswith("2025.07.21 全球AI新闻速递")
    buttons = [button for row in post.buttons for button in row]
    assert buttons and all("callback_data" not in button for button in buttons)
    assert buttons[2] == {
        "text": "3",
        "url": "https://t.me/briefbot_sandbox_bot?start=item_20250721_3",
    }
    # Following the link opens a private chat with the bot, which sends /start PAYLOAD.
    # A member who never talked to the bot taps it.
    chat = await sandbox_control.create_private_chat(first_name="Neo", language_code="en")
    opened = await ChatDriver(sandbox_control, chat, chat.user_id).ask("/start item_20250721_3")
    assert opened.text.startswith("3. "), opened.text
    assert "last post: 2025-07-21" in (await admin.ask("/channels")).text

    await sandbox_control.set_bot_status(channel.chat_id, "administrator", can_post_messages=False)
    messages = await sandbox_control.wait_for_messages(admin.chat_id, admin.seen + 1)
    [alert] = messages[admin.seen :]
    admin.seen = len(messages)
    assert alert.text == (
        "⚠️ Posting the digest to @ai_daily is paused: the bot lost the right to post "
        "messages. Make the bot an administrator allowed to post again, then send "
        "/channels add @ai_daily to resume."
    )
    await reason_becomes(stores.channels, channel.chat_id, "cannot_post")
    listed = (await admin.ask("/channels")).text
    assert "· paused: the bot lost the right to post messages ·" in listed
    # Removed as well: the reason is brought up to date, the admin is not told twice.
    await sandbox_control.set_bot_status(channel.chat_id, "kicked")
    await reason_becomes(stores.channels, channel.chat_id, "kicked")
    listed = (await admin.ask("/channels")).text
    assert "· paused: the bot was removed from it ·" in listed
    # Given its rights back, the admin resumes it by connecting it again.
    await sandbox_control.unblock(channel.chat_id)
    resumed = (await admin.ask("/channels add @ai_daily full")).text
    assert resumed.startswith("Connected @ai_daily") and "full format" in resumed
    again = (await admin.ask("/channels add @ai_daily 10:00")).text  # the format is kept
    assert "daily at 10:00 (Asia/Shanghai), full format" in again
    assert "· posting ·" in (await admin.ask("/channels")).text
