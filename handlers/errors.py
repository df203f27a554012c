"""The one error handler: log the update and the exception with context, tell the reader
something went wrong (never a traceback, never silence). Two refusals of the Bot API are
no error of ours and are logged at info, without a traceback:

- the chat cannot be written to (Forbidden: the reader blocked the bot, a group removed
  it; or the chat is gone), classified as delivery classifies a failed push: the chat is
  marked blocked, so e.g. a ``/start`` the bot cannot answer leaves no active
  subscription behind;
- a button press answered too late (or one Telegram never sent): the query is gone.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.context import BotApplication, BotContext
from bot.delivery.senders.failures import ErrorKind, classify
from bot.i18n import normalize_language, t
from bot.services.reader import Reader
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)

# Telegram's answer to answerCallbackQuery for a press it no longer (or never) knew.
QUERY_GONE = "query is too old"


def describe(update: object) -> str:
    """What the update was, for the log: ids and the text or button data, no secrets."""
    if not isinstance(update, Update):
        return repr(update)[:200]
    chat = update.effective_chat
    user = update.effective_user
    message = update.effective_message
    what = ""
    if update.callback_query is not None:
        what = f"button {update.callback_query.data!r}"
    elif message is not None and message.text is not None:
        what = f"text {message.text[:200]!r}"
    return (
        f"update {update.update_id} chat {chat.id if chat else None} "
        f"user {user.id if user else None} {what}"
    )


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and answer the reader with a short apology."""
    error = context.error
    if isinstance(error, TelegramError) and isinstance(update, Update):
        if classify(error).kind is ErrorKind.GONE:
            await chat_unwritable(update, context, error)
            return
        if isinstance(error, BadRequest) and QUERY_GONE in error.message.lower():
            logger.info("button press %s could not be answered: %s", describe(update), error)
            return
    logger.error("error while handling %s", describe(update), exc_info=error)
    if not isinstance(update, Update):
        return
    user = update.effective_user
    lang = normalize_language(user.language_code if user else None)
    key = "bot.error.store" if isinstance(error, StoreUnavailable) else "bot.error"
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, key), show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, t(lang, key))
    except TelegramError as reply_error:
        # The Bot API itself is failing; the log above already holds the cause.
        logger.warning("could not tell the reader about the error: %s", reply_error)


async def chat_unwritable(update: Update, context: BotContext, error: TelegramError) -> None:
    """The answer to ``update`` cannot reach its chat: mark it blocked (nobody to tell)."""
    chat = update.effective_chat
    if chat is None:
        return
    logger.info("chat %s cannot be written to (%s); marked blocked", chat.id, error.message)
    try:
        await context.bot_data.services.subscriptions.bot_removed(Reader(chat.id, None))
    except StoreUnavailable as store_error:
        logger.warning("could not mark chat %s blocked: %s", chat.id, store_error)


def register(application: BotApplication) -> None:
    """Install the error handler."""
    application.add_error_handler(on_error)
