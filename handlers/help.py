"""/help: every command with a one-line example."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApplication, BotContext
from bot.services.reader import Reader
from handlers.common import for_reader, say


@for_reader
async def show_help(update: Update, context: BotContext, reader: Reader) -> None:
    """/help."""
    lang = await context.bot_data.services.subscriptions.language(reader)
    await say(update, context, lang, "help")


def register(application: BotApplication) -> None:
    """Wire /help."""
    application.add_handler(CommandHandler("help", show_help))
