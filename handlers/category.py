"""/category NAME [date], /categories [date] and their buttons."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import Callback
from bot.commands import Command
from bot.context import BotContext
from bot.services.days import looks_like_day
from bot.services.reader import Reader
from handlers import actions
from handlers.common import for_reader, send
from handlers.declarations import Area, Button
from handlers.views import lists


def split_name_and_day(args: list[str]) -> tuple[str | None, str | None]:
    """``硬件前沿 2025-07-21`` (or ``昨天``) -> (name, date); a name may hold spaces
    (``AI 应用``)."""
    if args and looks_like_day(args[-1]):
        return " ".join(args[:-1]) or None, args[-1]
    return " ".join(args) or None, None


@for_reader
async def category(update: Update, context: BotContext, reader: Reader) -> None:
    """/category NAME [date]."""
    name, day = split_name_and_day(context.args or [])
    result = await context.bot_data.services.reading.category(reader, name, day)
    await send(update, context, lists.category(result))


@for_reader
async def categories(update: Update, context: BotContext, reader: Reader) -> None:
    """/categories [date]."""
    args = context.args or []
    result = await context.bot_data.services.reading.categories(reader, args[0] if args else None)
    await send(update, context, lists.categories(result))


async def category_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """A category button of /categories."""
    day, index = callback.args
    result = await context.bot_data.services.reading.category_at(reader, str(day), int(index))
    await send(update, context, lists.category(result))


AREA = Area(
    commands=(Command("category", category), Command("categories", categories)),
    buttons=(Button(actions.CATEGORY, category_button),),
)
