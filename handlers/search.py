"""/search WORDS: every stored digest's headlines and summaries, newest first."""

from __future__ import annotations

from telegram import Update

from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers.common import for_reader, send
from handlers.declarations import Area
from handlers.views.lists import search_results


@for_reader
async def search(update: Update, context: BotContext, reader: Reader) -> None:
    """/search WORDS (``-word`` leaves out items holding it)."""
    typed = " ".join(context.args) if context.args else None
    result = await context.bot_data.services.search.search(reader, typed)
    await send(update, context, search_results(result))


AREA = Area(commands=(Command("search", search),))
