"""/today, /item, /date, /archive and the buttons that open a digest or an item."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import OPEN_ITEM, SHOW_ALL, Callback
from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers import actions
from handlers.common import edit, for_reader, send
from handlers.declarations import Area, Button
from handlers.views import lists
from handlers.views.digest import digest_messages, item_message

FULL_WORDS = frozenset({"full", "完整", "全文", "all"})


@for_reader
async def today(update: Update, context: BotContext, reader: Reader) -> None:
    """/today [full]: today's digest, or the latest while today's is not out."""
    args = context.args or []
    full = bool(args) and args[0].lower() in FULL_WORDS
    result = await context.bot_data.services.reading.today(reader, full=full)
    await send(update, context, *digest_messages(result))


@for_reader
async def item(update: Update, context: BotContext, reader: Reader) -> None:
    """/item N [date]: one item, marked read."""
    args = context.args or []
    number = args[0] if args else None
    day = args[1] if len(args) > 1 else None
    result = await context.bot_data.services.reading.open_item(reader, number, day)
    await send(update, context, item_message(result))


@for_reader
async def on_date(update: Update, context: BotContext, reader: Reader) -> None:
    """/date YYYY-MM-DD [full]: the digest of that day."""
    args = context.args or []
    full = len(args) > 1 and args[-1].lower() in FULL_WORDS
    # Every word is the date (``2025 年 7 月 21 日``), and all of it is quoted back if wrong.
    typed = " ".join(args[:-1] if full else args) or None
    result = await context.bot_data.services.reading.digest_on(reader, typed, full=full)
    await send(update, context, *digest_messages(result))


@for_reader
async def archive(update: Update, context: BotContext, reader: Reader) -> None:
    """/archive: recent dates as buttons."""
    result = await context.bot_data.services.reading.archive(reader)
    await send(update, context, lists.archive(result))


async def open_item_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """An item button of a digest or a list: the item as a new message."""
    day, number = callback.args
    result = await context.bot_data.services.reading.open_item(reader, str(number), str(day))
    await send(update, context, item_message(result))


async def nav_item_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Previous / next under an item: the other item replaces it."""
    day, number = callback.args
    result = await context.bot_data.services.reading.open_item(reader, str(number), str(day))
    await edit(update, item_message(result))


async def today_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """The "today's digest" button of the welcome."""
    result = await context.bot_data.services.reading.today(reader)
    await send(update, context, *digest_messages(result))


async def date_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """A date button of /archive."""
    result = await context.bot_data.services.reading.digest_on(reader, str(callback.args[0]))
    await send(update, context, *digest_messages(result))


async def show_all_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """ "Show all" under a filtered digest (the push or /today): the whole digest."""
    result = await context.bot_data.services.reading.digest_on(reader, str(callback.args[0]))
    await send(update, context, *digest_messages(result))


AREA = Area(
    commands=(
        Command("today", today),
        Command("item", item),
        Command("date", on_date),
        Command("archive", archive),
    ),
    buttons=(
        Button(OPEN_ITEM, open_item_button),
        Button(actions.NAV_ITEM, nav_item_button),
        Button(actions.TODAY, today_button),
        Button(actions.OPEN_DATE, date_button),
        Button(SHOW_ALL, show_all_button),
    ),
)
