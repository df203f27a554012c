"""/help: every command of the menu with its one-line description, derived from the
declarations (an admin also sees the admin commands)."""

from __future__ import annotations

from telegram import Update

from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers.common import Screen, for_reader, send
from handlers.declarations import Area


async def send_help(update: Update, context: BotContext, reader: Reader) -> None:
    """The help text for whoever sent ``update``."""
    lang = await context.bot_data.services.subscriptions.language(reader)
    book = context.bot_data.commands
    user = update.effective_user
    text = book.help_text(lang, admin=book.is_admin(user.id if user else None))
    await send(update, context, Screen.plain(text))


@for_reader
async def show_help(update: Update, context: BotContext, reader: Reader) -> None:
    """/help."""
    await send_help(update, context, reader)


AREA = Area(commands=(Command("help", show_help),))
