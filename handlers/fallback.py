"""Unknown commands and stray messages: a short pointer to /help instead of silence.

In groups only unknown commands meant for this bot are answered; ordinary group chatter
is none of the bot's business.
"""

from __future__ import annotations

from telegram import MessageEntity, Update
from telegram.ext import MessageHandler, filters

from bot.context import BotApplication, BotContext
from bot.services.reader import Reader
from handlers.common import for_reader, is_private, say


def command_of(update: Update, bot_username: str) -> str | None:
    """The ``/command`` the message starts with, or None when it is meant for another bot
    (``/cmd@otherbot``) or is not a command."""
    message = update.effective_message
    if message is None or message.text is None:
        return None
    entities = message.parse_entities([MessageEntity.BOT_COMMAND])
    first = next(iter(sorted(entities, key=lambda e: e.offset)), None)
    if first is None or first.offset != 0:
        return None
    command, _, target = entities[first].partition("@")
    if target and target.lower() != bot_username.lower():
        return None
    return command


@for_reader
async def unknown_command(update: Update, context: BotContext, reader: Reader) -> None:
    """A command no handler took."""
    command = command_of(update, context.bot.username)
    if command is None:
        return
    lang = await context.bot_data.services.subscriptions.language(reader)
    await say(update, context, lang, "unknown_command", command=command)


@for_reader
async def stray_message(update: Update, context: BotContext, reader: Reader) -> None:
    """Text, stickers, photos... in a private chat."""
    if not is_private(update):
        return
    lang = await context.bot_data.services.subscriptions.language(reader)
    await say(update, context, lang, "stray_text")


def register(application: BotApplication) -> None:
    """Wire the fallbacks; must be registered after every command handler."""
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, stray_message)
    )
