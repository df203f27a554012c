"""What every handler shares: who is asking, how to answer, how a refusal is shown."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.context import BotContext
from bot.i18n import t
from bot.render import RenderedMessage
from bot.services.reader import Reader
from bot.services.refusal import Refused

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
ReaderHandler = Callable[[Update, BotContext, Reader], Coroutine[Any, Any, None]]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Screen:
    """A message of the bot's own interface (HTML text and an optional keyboard)."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None

    @classmethod
    def plain(cls, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Screen:
        """A screen from plain text (escaped here)."""
        return cls(html.escape(text, quote=False), keyboard)


Answer = Screen | RenderedMessage


@dataclass(frozen=True)
class Outgoing:
    """What sendMessage / editMessageText take, as python-telegram-bot objects."""

    text: str
    keyboard: InlineKeyboardMarkup | None
    preview: LinkPreviewOptions


def outgoing(answer: Answer) -> Outgoing:
    """Our screens and the digest renderer's messages in one shape."""
    if isinstance(answer, Screen):
        return Outgoing(answer.html, answer.keyboard, NO_PREVIEW)
    keyboard = None
    if answer.keyboard:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(b.text, callback_data=b.callback_data, url=b.url)
                    for b in row
                ]
                for row in answer.keyboard
            ]
        )
    preview = NO_PREVIEW if answer.disable_link_preview else LinkPreviewOptions(is_disabled=False)
    return Outgoing(answer.text, keyboard, preview)


def reader_of(update: Update) -> Reader | None:
    """The chat, sender's language and forum topic of ``update``; None for updates
    without a chat."""
    chat = update.effective_chat
    if chat is None:
        return None
    user = update.effective_user
    return Reader(chat.id, user.language_code if user is not None else None, topic_of(update))


def topic_of(update: Update) -> int | None:
    """The forum topic ``update`` was written (or its button pressed) in, else None:
    answers go to the same topic, as a reader in a topic expects."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def is_private(update: Update) -> bool:
    """True in a one-to-one chat with the bot."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def send(update: Update, context: BotContext, *answers: Answer) -> None:
    """Send ``answers`` to the chat of ``update``, in order."""
    chat = update.effective_chat
    if chat is None:
        return
    topic = topic_of(update)
    for answer in answers:
        message = outgoing(answer)
        await context.bot.send_message(
            chat.id,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=message.keyboard,
            link_preview_options=message.preview,
            message_thread_id=topic,
        )


async def edit(update: Update, answer: Answer) -> None:
    """Replace the message whose button was pressed with ``answer`` (a no-op when nothing
    changed)."""
    query = update.callback_query
    if query is None:
        return
    message = outgoing(answer)
    try:
        await query.edit_message_text(
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=message.keyboard,
            link_preview_options=message.preview,
        )
    except BadRequest as error:
        # Pressing the button of what is already shown is not a failure.
        if "not modified" not in error.message.lower():
            raise


async def say(update: Update, context: BotContext, lang: str, key: str, **params: object) -> None:
    """Send the interface string ``bot.<key>``."""
    await send(update, context, Screen.plain(t(lang, f"bot.{key}", **params)))


def for_reader(handler: ReaderHandler) -> Handler:
    """Wrap a command handler: it receives the ``Reader`` (updates without a chat are
    ignored), and a ``Refused`` from its service becomes a short answer in the reader's
    language instead of an error."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> None:
        reader = reader_of(update)
        if reader is None:
            return
        try:
            await handler(update, context, reader)
        except Refused as refused:
            await send(update, context, Screen.plain(refusal_text(refused)))

    return wrapper


def refusal_text(refused: Refused) -> str:
    """What the reader is told when a service refuses."""
    return refused.message
