"""The one CallbackQueryHandler: unpack the button's data with the codec of the declared
buttons, check it belongs here, and hand it to the area that declared its action. Every
press is answered: silently on success, with an alert when the button is forged,
outdated or refused."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler

from bot.callback_data import Codec, InvalidCallback
from bot.commands import Audience
from bot.context import BotApplication, BotContext
from bot.i18n import t
from bot.services.audit import telegram_actor
from bot.services.refusal import Refused
from handlers.common import Handler, reader_of, refusal_text
from handlers.declarations import Button

logger = logging.getLogger(__name__)


def is_foreign(update: Update, message: Message) -> bool:
    """A press in a private chat by someone other than its owner cannot come from a real
    client: the data was replayed from another chat."""
    user = update.effective_user
    return message.chat.type == ChatType.PRIVATE and (user is None or user.id != message.chat.id)


def router(buttons: Iterable[Button]) -> Handler:
    """The callback handler dispatching each press to the ``Button`` of its action."""
    declared = tuple(buttons)
    codec = Codec(button.action for button in declared)
    routes = {button.action: button for button in declared}
    if len(routes) != len(declared):
        raise ValueError("a button action is declared by two areas")

    async def on_button(update: Update, context: BotContext) -> None:
        """Any button press."""
        query = update.callback_query
        reader = reader_of(update)
        if query is None or reader is None:
            return
        services = context.bot_data.services
        subscriptions = services.subscriptions
        message = query.message
        user = update.effective_user
        try:
            callback = codec.unpack(query.data or "")
            button = routes[callback.action]
            if button.audience is Audience.ADMINS and not context.bot_data.commands.is_admin(
                user.id if user else None
            ):
                # Forged or replayed from an admin's chat: audited, then answered as a
                # button that does not exist.
                await services.audit.record(
                    telegram_actor(user.id if user else None),
                    f"button.{callback.action.name}",
                    "refused",
                    reason="not an admin",
                    chat=reader.chat_id,
                    data=query.data or "",
                )
                raise InvalidCallback(query.data or "", "an admin button pressed by a reader")
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
            await button.handler(update, context, reader, callback)
        except Refused as refused:
            await query.answer(refusal_text(refused), show_alert=True)
            return
        await query.answer()

    return on_button


def register(application: BotApplication, buttons: Iterable[Button]) -> None:
    """Wire the button router for the declared ``buttons``."""
    application.add_handler(CallbackQueryHandler(router(buttons)))
