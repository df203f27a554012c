"""/help: every command with a one-line example."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApplication, BotContext
from handlers.common import reader_of, refusals_answered, say


@refusals_answered
async def show_help(update: Update, context: BotContext) -> None:
    """/help."""
    reader = reader_of(update)
    if reader is None:
        return
    lang = await context.bot_data.services.subscriptions.language(reader)
    await say(update, context, lang, "help")


def register(application: BotApplication) -> None:
    """Wire /help."""
    application.add_handler(CommandHandler("help", show_help))
