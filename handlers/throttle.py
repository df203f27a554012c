"""Slows down a reader who sends many commands a second: the first update over the limit
gets one polite answer, the rest are dropped until the reader's bucket refills."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotApplication, BotContext
from bot.i18n import normalize_language, t
from bot.reader_throttle import ThrottleVerdict

logger = logging.getLogger(__name__)

# Runs before every other handler group.
THROTTLE_GROUP = -10


async def throttle(update: Update, context: BotContext) -> None:
    """Stop the update here when its sender is over their rate."""
    user = update.effective_user
    if user is None:
        return
    verdict = context.bot_data.services.throttle.check(user.id)
    if verdict is ThrottleVerdict.ALLOW:
        return
    if verdict is ThrottleVerdict.WARN:
        logger.info("reader %s is over the rate limit; slowing them down", user.id)
        text = t(normalize_language(user.language_code), "bot.throttled")
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
    elif update.callback_query is not None:
        # A button press must be answered, or the reader's client shows a spinner.
        await update.callback_query.answer()
    raise ApplicationHandlerStop


def register(application: BotApplication) -> None:
    """Install the throttle in front of every handler."""
    application.add_handler(TypeHandler(Update, throttle), group=THROTTLE_GROUP)
