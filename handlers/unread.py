"""/unread and "mark all read"."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import Callback
from bot.context import BotApplication, BotContext
from bot.services.reader import Reader
from handlers import actions
from handlers.callbacks import ButtonHandler, edit
from handlers.common import for_reader, send
from handlers.views import lists


@for_reader
async def unread(update: Update, context: BotContext, reader: Reader) -> None:
    """/unread: what the chat has not opened in the last 7 days."""
    result = await context.bot_data.services.reading.unread(reader)
    await send(update, context, lists.unread(result))


async def unread_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """An "unread" button: the list as a new message."""
    result = await context.bot_data.services.reading.unread(reader)
    await send(update, context, lists.unread(result))


async def mark_all_read_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """ "Mark all read": the list is replaced by how many were marked."""
    result = await context.bot_data.services.reading.mark_all_read(reader)
    await edit(update, lists.marked(result))


BUTTONS: dict[str, ButtonHandler] = {
    actions.UNREAD: unread_button,
    actions.MARK_ALL_READ: mark_all_read_button,
}


def register(application: BotApplication) -> None:
    """Wire /unread."""
    application.add_handler(CommandHandler("unread", unread))
