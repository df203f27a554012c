"""Only what a chat's own people ask for acts: a new message from the chat's user (in a
private chat) or from a member (in a group), a button press, the bot's own membership
changing, or an inline query (``@bot words``). Everything else stops here, with no
answer and no state change:

- edited messages (editing an old ``/stop`` is not sending it), channel posts and any
  update type the bot has no use for;
- forwarded messages (``forward_origin``, and a channel's automatic forward), messages
  sent ``via_bot``, messages from bot accounts or on behalf of a chat (``sender_chat``:
  an anonymous admin or a channel: no person we could answer);
- in a private chat, a sender who is not the chat's user (real clients cannot do that:
  the update is forged).
"""

from __future__ import annotations

import logging

from telegram import Chat, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotApplication, BotContext

logger = logging.getLogger(__name__)

# Before every other group, the throttle included: a dropped update costs no token.
GATE_GROUP = -20


def message_acts(message: Message) -> bool:
    """True for a fresh message a person of the chat wrote themselves."""
    sender = message.from_user
    if sender is None or sender.is_bot or message.sender_chat is not None:
        return False
    if message.forward_origin is not None or message.is_automatic_forward:
        return False
    if message.via_bot is not None:
        return False
    chat = message.chat
    if not isinstance(chat, Chat):  # a hand-made body python-telegram-bot still read
        return False
    if chat.type == ChatType.PRIVATE:
        return sender.id == chat.id
    return chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def acts(update: Update) -> bool:
    """True when ``update`` may reach a handler."""
    if update.callback_query is not None or update.my_chat_member is not None:
        return True
    if update.inline_query is not None:  # a person typing @bot words in any chat
        return not update.inline_query.from_user.is_bot
    return update.message is not None and message_acts(update.message)


async def gate(update: Update, context: BotContext) -> None:
    """Stop ``update`` here unless it ``acts``."""
    if not acts(update):
        logger.debug("ignored update %s: not a fresh message from the chat", update.update_id)
        raise ApplicationHandlerStop


def register(application: BotApplication) -> None:
    """Install the gate in front of every handler."""
    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
