"""Channels and public groups in the sandbox: found by @username, the bot's own standing
(getChatMember), posting refused with Telegram's answers when the bot may not post, and
``my_chat_member`` when an admin adds, restricts or removes the bot."""

from __future__ import annotations

import pytest
from telegram import Bot, ChatMember, ChatMemberAdministrator
from telegram.error import BadRequest, Forbidden

from sandbox import SandboxControl, SandboxControlError


async def test_a_channel_is_found_by_its_username_and_shows_the_bots_rights(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    channel = await sandbox_control.create_channel("AI 日报", username="ai_daily_news")
    chat = await sandbox_bot.get_chat("@AI_Daily_News")  # case-insensitive, as Telegram
    assert (chat.id, chat.type, chat.title, chat.username) == (
        channel.chat_id, "channel", "AI 日报", "ai_daily_news",
    )  # fmt: skip
    member = await sandbox_bot.get_chat_member(channel.chat_id, sandbox_bot.id)
    assert isinstance(member, ChatMemberAdministrator)
    assert member.can_post_messages is True
    with pytest.raises(BadRequest, match="Chat not found"):
        await sandbox_bot.get_chat("@no_such_channel")


async def test_posting_is_refused_as_telegram_refuses_it(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    absent = await sandbox_control.create_channel("Absent", "absent_chan", bot_status="left")
    muted = await sandbox_control.create_channel("Muted", "muted_chan", can_post_messages=False)
    member = await sandbox_bot.get_chat_member(absent.chat_id, sandbox_bot.id)
    assert member.status == ChatMember.LEFT
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await sandbox_bot.send_message(absent.chat_id, "hello")
    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await sandbox_bot.send_message("@muted_chan", "hello")
    await sandbox_control.set_bot_status(muted.chat_id, "administrator", can_post_messages=True)
    sent = await sandbox_bot.send_message("@muted_chan", "<b>早报</b>", parse_mode="HTML")
    # A channel post is signed by the channel, not by the bot.
    assert sent.sender_chat is not None and sent.sender_chat.id == muted.chat_id
    assert sent.from_user is None
    [post] = await sandbox_control.wait_for_messages(muted.chat_id, 1, timeout=5)
    assert (post.text, post.from_bot) == ("早报", True)


async def test_the_bot_hears_when_it_is_added_restricted_and_kicked(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    channel = await sandbox_control.create_channel("News", "news_chan", bot_status="left")
    await sandbox_control.set_bot_status(channel.chat_id, "administrator")
    await sandbox_control.set_bot_status(channel.chat_id, "administrator", can_post_messages=False)
    await sandbox_control.set_bot_status(channel.chat_id, "kicked")
    changes = [u.my_chat_member for u in await sandbox_bot.get_updates()]
    seen = [
        (c.old_chat_member.status, c.new_chat_member.status, c.chat.type)
        for c in changes
        if c is not None
    ]
    assert seen == [
        ("left", "administrator", "channel"),
        ("administrator", "administrator", "channel"),
        ("administrator", "kicked", "channel"),
    ]
    restricted = changes[1]
    assert restricted is not None
    assert isinstance(restricted.new_chat_member, ChatMemberAdministrator)
    assert restricted.new_chat_member.can_post_messages is False
    with pytest.raises(Forbidden, match="bot was kicked from the channel chat"):
        await sandbox_bot.send_message(channel.chat_id, "hello")
    await sandbox_control.unblock(channel.chat_id)  # the ban lifted: the bot is back
    assert (await sandbox_control.chat(channel.chat_id))["bot_status"] == "administrator"


async def test_a_public_group_by_username_and_bad_usernames(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    group = await sandbox_control.create_group("读者群", username="readers_group")
    assert group.type == "supergroup"
    assert (await sandbox_bot.get_chat("@readers_group")).id == group.chat_id
    member = await sandbox_bot.get_chat_member("@readers_group", sandbox_bot.id)
    assert member.status == ChatMember.MEMBER
    with pytest.raises(SandboxControlError, match="taken"):
        await sandbox_control.create_channel("Again", username="Readers_Group")
    with pytest.raises(SandboxControlError, match="not a username"):
        await sandbox_control.create_channel("Bad", username="x y")
