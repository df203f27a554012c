"""The one CallbackQueryHandler: unpack the button's data, check it belongs here, and hand
it to the area that owns its action. Every press is answered: silently on success, with
an alert when the button is forged, outdated or refused."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.callbacks import Callback, InvalidCallback, unpack
from bot.context import BotApplication, BotContext
from bot.i18n import t
from bot.services.reader import Reader
from bot.services.refusal import Refused
from handlers.common import Answer, Handler, outgoing, reader_of, refusal_text

logger = logging.getLogger(__name__)

ButtonHandler = Callable[[Update, BotContext, Reader, Callback], Coroutine[Any, Any, None]]


async def edit(update: Update, answer: Answer) -> None:
    """Replace the pressed message with ``answer`` (a no-op when nothing changed)."""
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


def is_foreign(update: Update, message: Message) -> bool:
    """A press in a private chat by someone other than its owner cannot come from a real
    client: the data was replayed from another chat."""
    user = update.effective_user
    return message.chat.type == ChatType.PRIVATE and (user is None or user.id != message.chat.id)


def router(routes: Mapping[str, ButtonHandler]) -> Handler:
    """The callback handler dispatching over ``routes`` (action name -> button handler)."""

    async def on_button(update: Update, context: BotContext) -> None:
        """Any button press."""
        query = update.callback_query
        reader = reader_of(update)
        if query is None or reader is None:
            return
        subscriptions = context.bot_data.services.subscriptions
        message = query.message
        try:
            callback = unpack(query.data or "")
            handler = routes.get(callback.action)
            if handler is None:
                raise InvalidCallback(query.data or "", f"no handler for {callback.action!r}")
        except InvalidCallback as error:
            logger.info("refused button from chat %s: %s", reader.chat_id, error.reason)
            lang = await subscriptions.language(reader)
            await query.answer(t(lang, "bot.callback.invalid"), show_alert=True)
            return
        if not isinstance(message, Message) or is_foreign(update, message):
            logger.info("refused button %r pressed outside its chat", query.data)
            lang = await subscriptions.language(reader)
            await query.answer(t(lang, "bot.callback.other_chat"), show_alert=True)
            return
        try:
            await handler(update, context, reader, callback)
        except Refused as refused:
            await query.answer(refusal_text(refused), show_alert=True)
            return
        await query.answer()

    return on_button


def register(application: BotApplication, routes: Mapping[str, ButtonHandler]) -> None:
    """Wire the button router."""
    application.add_handler(CallbackQueryHandler(router(routes)))
