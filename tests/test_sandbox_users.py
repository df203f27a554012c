"""Acting as users through the control API: commands in groups with @botname, long polling
that wakes at once, allowed_updates, migrations, counters, and refusals with reasons."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import Application, CommandHandler, ContextTypes

from sandbox import Sandbox, SandboxControl, SandboxControlError
from sandbox.state import SandboxState, command_entities


async def test_long_poll_wakes_when_a_user_writes(
    sandbox_bot: Bot, sandbox: Sandbox, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="王五", language_code="zh")
    poll = asyncio.create_task(sandbox_bot.get_updates(timeout=30, read_timeout=40))
    async with asyncio.timeout(5):  # until the poll is waiting inside the server
        while sandbox.counters.requests["getUpdates"] == 0:  # noqa: ASYNC110 - no event for it
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert not poll.done()
    await sandbox_control.send_text(chat.chat_id, "/today 硬件")
    # The poll answers as soon as the update exists, far inside its 30 s.
    [update] = await asyncio.wait_for(poll, timeout=10)
    assert update.message is not None
    assert update.message.text == "/today 硬件"
    assert update.message.from_user is not None
    assert (update.message.from_user.first_name, update.message.from_user.language_code) == (
        "王五",
        "zh",
    )
    assert update.message.parse_entities() == {update.message.entities[0]: "/today"}


async def test_a_second_poller_terminates_the_first(
    sandbox: Sandbox, bot_token: str, sandbox_bot: Bot
) -> None:
    first = asyncio.create_task(sandbox_bot.get_updates(timeout=30, read_timeout=40))
    async with asyncio.timeout(5):  # until the first poll is waiting inside the server
        while sandbox.counters.requests["getUpdates"] == 0:  # noqa: ASYNC110 - no event for it
            await asyncio.sleep(0.01)
    async with Bot(bot_token, base_url=sandbox.bot_api_base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=10)


async def test_offset_confirms_and_limit_caps(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat()
    for n in range(3):
        await sandbox_control.send_text(chat.chat_id, f"m{n}")
    first = await sandbox_bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["m0", "m1"]
    rest = await sandbox_bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["m2"]
    assert await sandbox_bot.get_updates(offset=rest[-1].update_id + 1) == ()


async def test_allowed_updates_filters_what_the_bot_gets(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="a")]])
    message = await sandbox_bot.send_message(chat.chat_id, "pick", reply_markup=keyboard)
    await sandbox_bot.get_updates(allowed_updates=["callback_query"])
    await sandbox_control.send_text(chat.chat_id, "ignored text")
    await sandbox_control.press_button(chat.chat_id, message.message_id, "a")
    updates = await sandbox_bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == ["a"]
    assert all(u.message is None for u in updates)


async def test_group_command_addressed_to_this_bot_is_handled(
    sandbox: Sandbox, bot_token: str, sandbox_control: SandboxControl
) -> None:
    async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Echo the command's arguments."""
        if update.effective_message is not None:
            await update.effective_message.reply_text("today: " + " ".join(context.args or []))

    app = Application.builder().token(bot_token).base_url(sandbox.bot_api_base_url).build()
    app.add_handler(CommandHandler("today", today))
    group = await sandbox_control.create_group("读者群", supergroup=True)
    member = await sandbox_control.add_member(group.chat_id, first_name="赵六")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        other = await sandbox_control.send_text(group.chat_id, "/today@some_other_bot x")
        mine = await sandbox_control.send_text(
            group.chat_id, "/today@briefbot_sandbox_bot 硬件", user_id=member["id"]
        )
        [reply] = await sandbox_control.wait_for_messages(group.chat_id, 1, timeout=5)
        await app.updater.stop()
        await app.stop()
    assert reply.text == "today: 硬件"
    assert reply.reply_to_message_id == mine.message_id  # python-telegram-bot quotes in groups
    assert mine.entities == [{"offset": 0, "length": 27, "type": "bot_command"}]
    assert other.entities[0]["length"] == len("/today@some_other_bot")


async def test_group_upgrade_tells_the_bot_both_ids(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    group = await sandbox_control.create_group("编辑部", member_ids=[555000111])
    new_id = await sandbox_control.upgrade_group(group.chat_id)
    updates = await sandbox_bot.get_updates()
    migrations = [
        (u.message.chat.id, u.message.migrate_to_chat_id, u.message.migrate_from_chat_id)
        for u in updates
        if u.message is not None
    ]
    assert migrations == [(group.chat_id, new_id, None), (new_id, None, group.chat_id)]
    joined = [u.my_chat_member.chat.id for u in updates if u.my_chat_member is not None]
    assert joined == [group.chat_id]
    with pytest.raises(SandboxControlError, match="was upgraded"):
        await sandbox_control.send_text(group.chat_id, "too late")


async def test_control_refusals_say_why(sandbox_control: SandboxControl) -> None:
    chat = await sandbox_control.create_private_chat()
    said = await sandbox_control.send_text(chat.chat_id, "hi")
    with pytest.raises(SandboxControlError, match="no chat 42") as caught:
        await sandbox_control.send_text(42, "nobody")
    assert caught.value.status == 404
    with pytest.raises(SandboxControlError, match="has no button 'x'"):
        await sandbox_control.press_button(chat.chat_id, said.message_id, "x")
    forged = await sandbox_control.press_button(chat.chat_id, said.message_id, "x", forged=True)
    [press] = await sandbox_control.callback_answers(chat.chat_id)
    assert (press["callback_query_id"], press["data"], press["answer"]) == (forged, "x", None)
    with pytest.raises(SandboxControlError, match="needs some text"):
        await sandbox_control.send_text(chat.chat_id, "   ")
    with pytest.raises(TimeoutError, match="0 bot messages"):
        await sandbox_control.wait_for_messages(chat.chat_id, 1, timeout=0.05)


async def test_many_readers_in_one_request(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    chats = await sandbox_control.create_private_chats(500, first_name="读者")
    assert len({chat.chat_id for chat in chats}) == 500
    assert all(chat.type == "private" and chat.user_id == chat.chat_id for chat in chats)
    message = await sandbox_bot.send_message(chats[-1].chat_id, "早")
    assert message.chat.first_name == "读者"
    with pytest.raises(SandboxControlError, match="count must be between"):
        await sandbox_control.create_private_chats(0)


async def test_counters_and_reset(sandbox_bot: Bot, sandbox_control: SandboxControl) -> None:
    chat = await sandbox_control.create_private_chat()
    for n in range(3):
        await sandbox_bot.send_message(chat.chat_id, str(n))
    counters = await sandbox_control.counters()
    assert counters["requests"]["sendMessage"] == 3
    assert counters["messages_total"] == 3
    assert counters["peak_messages_per_second"] >= 1
    reset = await sandbox_control.reset_counters()
    assert (reset["requests_total"], reset["messages_total"]) == (0, 0)


@pytest.mark.parametrize(
    ("text", "commands"),
    [
        ("/start", ["/start"]),
        ("/item 3, /today", ["/item", "/today"]),
        ("/today@briefbot_sandbox_bot 硬件", ["/today@briefbot_sandbox_bot"]),
        ("/start,", ["/start"]),  # punctuation ends a command
        ("看/today a/b /a/b", []),  # glued to a word or another slash: not a command
        ("/x@ab", []),  # a bot name needs 3 characters
        ("😀 /help", ["/help"]),
    ],
)
def test_commands_are_marked_where_telegram_marks_them(text: str, commands: list[str]) -> None:
    encoded = text.encode("utf-16-le")
    marked = [
        encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in command_entities(text)
    ]
    assert marked == commands


async def test_a_reader_waiting_for_the_bot_is_woken_by_an_answer_that_comes_at_once() -> None:
    # The answer lands between the wait's first look at the chat and the moment its timer
    # task starts (benchmarks hit this window under load); the waiter must see it then,
    # not at the end of its timeout.
    state = SandboxState()
    chat = state.create_private_chat(first_name="Reader")
    waiting = asyncio.ensure_future(state.wait_for_messages(chat.id, 1, seconds=30))
    await asyncio.sleep(0)  # the wait found no message and handed its timer to a new task
    state.add_message(chat, state.bot, "今日简报", [])
    [answer] = await asyncio.wait_for(waiting, timeout=2)
    assert answer.text == "今日简报"
