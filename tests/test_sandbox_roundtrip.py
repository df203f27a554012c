"""python-telegram-bot, unmodified, talks to the sandbox over real HTTP: a command round
trip, a button press round trip, and the bot's identity and command list."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from sandbox import Sandbox, SandboxControl


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /start with a formatted greeting and one button."""
    if update.effective_message is None:
        return
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("第 1 条", callback_data="item:1")]])
    await update.effective_message.reply_html("<b>早上好</b> 今日简报 📰", reply_markup=keyboard)


async def open_item(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button press and show the item in place of the list."""
    query = update.callback_query
    if query is None:
        return
    await query.answer("已读")
    await query.edit_message_text(f"<i>条目</i> {query.data}", parse_mode="HTML")


@pytest.fixture
async def application(sandbox: Sandbox, bot_token: str) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A polling Application with the two handlers above, pointed at the sandbox."""
    app = Application.builder().token(bot_token).base_url(sandbox.bot_api_base_url).build()
    app.add_handler(CommandHandler("start", greet))
    app.add_handler(CallbackQueryHandler(open_item))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield app
        await app.updater.stop()
        await app.stop()


async def test_get_me_names_the_bot_of_the_token(sandbox: Sandbox, bot_token: str) -> None:
    async with Bot(bot_token, base_url=sandbox.bot_api_base_url) as bot:
        me = await bot.get_me()
    assert me.id == int(bot_token.split(":")[0])
    assert me.username == "briefbot_sandbox_bot"
    assert me.is_bot


async def test_command_round_trip(
    application: Application,  # type: ignore[type-arg]
    sandbox_control: SandboxControl,
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="张三")
    sent = await sandbox_control.send_text(chat.chat_id, "/start")
    assert sent.entities == [{"offset": 0, "length": 6, "type": "bot_command"}]

    [reply] = await sandbox_control.wait_for_messages(chat.chat_id, 1, timeout=5)

    assert reply.text == "早上好 今日简报 📰"
    assert reply.entities == [{"offset": 0, "length": 3, "type": "bold"}]
    assert reply.button_data() == ["item:1"]


async def test_button_press_round_trip(
    application: Application,  # type: ignore[type-arg]
    sandbox_control: SandboxControl,
) -> None:
    chat = await sandbox_control.create_private_chat()
    await sandbox_control.send_text(chat.chat_id, "/start")
    [listing] = await sandbox_control.wait_for_messages(chat.chat_id, 1, timeout=5)

    query_id = await sandbox_control.press_button(chat.chat_id, listing.message_id, "item:1")
    answer = await sandbox_control.wait_for_callback_answer(query_id, timeout=5)
    assert answer["text"] == "已读"

    edited = await sandbox_control.wait_for_edit(chat.chat_id, listing.message_id, timeout=5)
    assert edited.text == "条目 item:1"
    assert edited.entities == [{"offset": 0, "length": 2, "type": "italic"}]
    assert edited.reply_markup is None
    assert [version["text"] for version in edited.history] == ["早上好 今日简报 📰"]


async def test_commands_are_kept_per_scope(sandbox: Sandbox, bot_token: str) -> None:
    async with Bot(bot_token, base_url=sandbox.bot_api_base_url) as bot:
        await bot.set_my_commands([BotCommand("today", "今天的简报")])
        await bot.set_my_commands([BotCommand("stats", "统计")], language_code="en")
        assert await bot.get_my_commands() == (BotCommand("today", "今天的简报"),)
        assert await bot.get_my_commands(language_code="en") == (BotCommand("stats", "统计"),)
        await bot.delete_my_commands(language_code="en")
        assert await bot.get_my_commands(language_code="en") == ()
