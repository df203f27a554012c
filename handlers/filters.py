"""/filter: the reader's keyword filter, applied to the push and to /today."""

from __future__ import annotations

from telegram import Update

from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers.common import for_reader, send
from handlers.declarations import Area
from handlers.views.settings import filter_screen


@for_reader
async def set_filter(update: Update, context: BotContext, reader: Reader) -> None:
    """/filter +word -word (replace), /filter off (remove), /filter (show)."""
    typed = " ".join(context.args).strip() if context.args else None
    result = await context.bot_data.services.subscriptions.set_filter(reader, typed)
    await send(update, context, filter_screen(result))


AREA = Area(commands=(Command("filter", set_filter),))
