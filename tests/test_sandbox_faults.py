"""Every injected fault surfaces in python-telegram-bot as the exception Telegram's own
answer would raise: RetryAfter, Forbidden, BadRequest, ChatMigrated, NetworkError, TimedOut."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from sandbox import ChatRef, Sandbox, SandboxControl, SandboxControlError


@pytest.fixture
async def chat(sandbox_control: SandboxControl) -> ChatRef:
    return await sandbox_control.create_private_chat()


async def test_per_chat_flood_limit_is_retry_after(
    sandbox_bot: Bot, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    other = await sandbox_control.create_private_chat()
    await sandbox_control.set_faults(per_chat_rate=1, per_chat_burst=2)
    await sandbox_bot.send_message(chat.chat_id, "1")
    await sandbox_bot.send_message(chat.chat_id, "2")
    with pytest.raises(RetryAfter, match="Retry in 1 seconds"):
        await sandbox_bot.send_message(chat.chat_id, "3")
    await sandbox_bot.send_message(other.chat_id, "another chat is not held back")
    shown = [m.text for m in await sandbox_control.bot_messages(chat.chat_id)]
    assert shown == ["1", "2"]
    counters = await sandbox_control.counters()
    assert counters["too_many_requests"] == 1
    assert counters["messages_per_chat"] == {str(chat.chat_id): 2, str(other.chat_id): 1}


async def test_global_limit_with_a_fixed_retry_after(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    chats = [await sandbox_control.create_private_chat() for _ in range(3)]
    await sandbox_control.set_faults(global_rate=2, retry_after=7)
    await sandbox_bot.send_message(chats[0].chat_id, "a")
    await sandbox_bot.send_message(chats[1].chat_id, "b")
    with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
        await sandbox_bot.send_message(chats[2].chat_id, "c")


async def test_group_limit_per_minute(sandbox_bot: Bot, sandbox_control: SandboxControl) -> None:
    group = await sandbox_control.create_group("读者群")
    await sandbox_control.set_faults(group_per_minute=2)
    await sandbox_bot.send_message(group.chat_id, "1")
    await sandbox_bot.send_message(group.chat_id, "2")
    # 2 a minute refill one message every 30 seconds.
    with pytest.raises(RetryAfter, match="Retry in 30 seconds"):
        await sandbox_bot.send_message(group.chat_id, "3")


async def test_real_limits_preset(
    sandbox_bot: Bot, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    config = await sandbox_control.real_limits()
    assert (config["global_rate"], config["per_chat_rate"], config["group_per_minute"]) == (
        30.0,
        1.0,
        20,
    )
    for n in range(config["per_chat_burst"]):
        await sandbox_bot.send_message(chat.chat_id, str(n))
    with pytest.raises(RetryAfter):
        await sandbox_bot.send_message(chat.chat_id, "one too many")
    await sandbox_control.reset_faults()
    await sandbox_bot.send_message(chat.chat_id, "limits off again")


async def test_blocked_user_is_forbidden_until_unblocked(
    sandbox_bot: Bot, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    await sandbox_control.block(chat.chat_id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await sandbox_bot.send_message(chat.chat_id, "早安")
    await sandbox_control.unblock(chat.chat_id)
    await sandbox_bot.send_message(chat.chat_id, "早安")
    updates = await sandbox_bot.get_updates()
    statuses = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member is not None
    ]
    assert statuses == [("member", "kicked"), ("kicked", "member")]


async def test_a_group_that_removed_the_bot_is_forbidden(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    group = await sandbox_control.create_group("读者群")
    supergroup = await sandbox_control.create_group("大群", supergroup=True)
    for chat in (group, supergroup):
        await sandbox_control.block(chat.chat_id)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await sandbox_bot.send_message(group.chat_id, "hello")
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await sandbox_bot.send_message(supergroup.chat_id, "hello")
    await sandbox_control.unblock(group.chat_id)
    await sandbox_bot.send_message(group.chat_id, "back")


async def test_deleted_account_is_forbidden(
    sandbox_bot: Bot, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    await sandbox_control.set_faults(deactivated_chats=[chat.chat_id])
    with pytest.raises(Forbidden, match="user is deactivated"):
        await sandbox_bot.send_message(chat.chat_id, "早安")
    assert (await sandbox_bot.get_chat(chat.chat_id)).id == chat.chat_id  # reading still works


async def test_missing_chat_is_bad_request(
    sandbox_bot: Bot, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    await sandbox_control.set_faults(missing_chats=[chat.chat_id])
    with pytest.raises(BadRequest, match="Chat not found"):
        await sandbox_bot.send_message(chat.chat_id, "hello?")
    with pytest.raises(BadRequest, match="Chat not found"):
        await sandbox_bot.send_message(987654321, "never created")


async def test_upgraded_group_is_chat_migrated(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    group = await sandbox_control.create_group("编辑部")
    new_id = await sandbox_control.upgrade_group(group.chat_id)
    with pytest.raises(ChatMigrated) as caught:
        await sandbox_bot.send_message(group.chat_id, "still there?")
    assert caught.value.new_chat_id == new_id
    sent = await sandbox_bot.send_message(new_id, "moved")
    assert sent.chat.type == "supergroup"
    assert str(new_id).startswith("-100")


async def test_error_burst_is_network_error_then_recovers(
    sandbox_bot: Bot, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    await sandbox_control.set_faults(error_burst=2, methods=["sendMessage"])
    await sandbox_bot.get_me()  # not a listed method: untouched, and does not use up the burst
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await sandbox_bot.send_message(chat.chat_id, "x")
    await sandbox_bot.send_message(chat.chat_id, "through")
    assert [m.text for m in await sandbox_control.bot_messages(chat.chat_id)] == ["through"]
    assert (await sandbox_control.counters())["status_codes"]["502"] == 2


async def test_hanging_server_times_out(
    sandbox: Sandbox, bot_token: str, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    async with Bot(
        bot_token, base_url=sandbox.bot_api_base_url, request=HTTPXRequest(read_timeout=0.3)
    ) as bot:
        await sandbox_control.set_faults(hang=True)
        with pytest.raises(TimedOut):
            await bot.send_message(chat.chat_id, "lost")
        await sandbox_control.set_faults(hang=False)
        await bot.send_message(chat.chat_id, "answered again")
    assert [m.text for m in await sandbox_control.bot_messages(chat.chat_id)] == ["answered again"]


async def test_latency_longer_than_the_clients_timeout_times_out(
    sandbox: Sandbox, bot_token: str, chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    async with Bot(
        bot_token, base_url=sandbox.bot_api_base_url, request=HTTPXRequest(read_timeout=0.1)
    ) as bot:
        await sandbox_control.set_faults(latency_ms=400)
        with pytest.raises(TimedOut):
            await bot.send_message(chat.chat_id, "slow")
        await sandbox_control.set_faults(latency_ms=0)
        await bot.send_message(chat.chat_id, "fast")


async def test_bad_fault_settings_are_refused_clearly(sandbox_control: SandboxControl) -> None:
    with pytest.raises(SandboxControlError, match="unknown fault settings: speed"):
        await sandbox_control.set_faults(speed=3)
    with pytest.raises(SandboxControlError, match="bad value for error_status"):
        await sandbox_control.set_faults(error_status=200)
    assert (await sandbox_control.set_faults())["error_burst"] == 0
