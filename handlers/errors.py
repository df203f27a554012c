"""The one error handler: log the update and the exception with context, tell the reader
something went wrong (never a traceback, never silence). An answer Telegram refuses with
Forbidden (the reader blocked the bot, a group removed it) is no error of ours: the chat
is marked blocked, so e.g. a ``/start`` the bot cannot answer leaves no active
subscription behind."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import BotApplication, BotContext
from bot.i18n import normalize_language, t
from bot.services.reader import Reader
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)


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
    if isinstance(error, Forbidden) and isinstance(update, Update):
        await chat_unwritable(update, context, error)
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


async def chat_unwritable(update: Update, context: BotContext, error: Forbidden) -> None:
    """The answer to ``update`` was Forbidden: mark its chat blocked (nobody to tell)."""
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
