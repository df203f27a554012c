"""/whoami, for anyone: the sender's numeric user id and the chat's id, so an operator
knows what to put in ``ADMIN_IDS`` (never a username: anyone can take a free one)."""

from __future__ import annotations

from telegram import Update

from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers.common import for_reader, say
from handlers.declarations import Area


@for_reader
async def whoami(update: Update, context: BotContext, reader: Reader) -> None:
    """The user id and the chat id."""
    user = update.effective_user
    if user is None:
        return
    lang = await context.bot_data.services.subscriptions.language(reader)
    await say(update, context, lang, "whoami", user=user.id, chat=reader.chat_id)


# Not in the menu: a reader has no use for it day to day; the README's admin guide names it.
AREA = Area(commands=(Command("whoami", whoami, in_menu=False),))
