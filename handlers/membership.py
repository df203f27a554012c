"""The bot's own membership in a chat (``my_chat_member``): a reader who blocks the bot,
or a group that removes it, is marked blocked at once rather than at the next push; when
the bot is back (unblocked, re-added) a blocked subscription is active again."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.context import BotApplication, BotContext
from bot.services.reader import Reader

GONE = frozenset({ChatMember.BANNED, ChatMember.LEFT})


async def on_my_membership(update: Update, context: BotContext) -> None:
    """The bot's status in a chat changed."""
    change = update.my_chat_member
    if change is None:
        return
    reader = Reader(change.chat.id, None)
    subscriptions = context.bot_data.services.subscriptions
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if new in GONE and old not in GONE:
        await subscriptions.bot_removed(reader)
    elif old in GONE and new not in GONE:
        await subscriptions.bot_back(reader)


def register(application: BotApplication) -> None:
    """Wire the membership handler."""
    application.add_handler(ChatMemberHandler(on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
