"""/unread and "mark all read"."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import Callback
from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers import actions
from handlers.common import edit, for_reader, send
from handlers.declarations import Area, Button
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


AREA = Area(
    commands=(Command("unread", unread),),
    buttons=(
        Button(actions.UNREAD, unread_button),
        Button(actions.MARK_ALL_READ, mark_all_read_button),
    ),
)
