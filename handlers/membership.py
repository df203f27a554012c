"""The bot's own membership in a chat (``my_chat_member``): a reader who blocks the bot,
or a group that removes it, is marked blocked at once rather than at the next push; when
the bot is back (unblocked, re-added) a blocked subscription is active again. A connected
channel or group (``/channels``) where the bot is removed or loses the right to post is
paused, and the admins are told once."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.error import TelegramError
from telegram.ext import ChatMemberHandler

from bot.context import BotApplication, BotContext
from bot.services.channels import CANNOT_POST, KICKED, may_post
from bot.services.channels_text import paused_alert_text
from bot.services.reader import Reader

logger = logging.getLogger(__name__)

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
    if change.chat.type != "private":
        await _channel_standing(context, change)


async def _channel_standing(context: BotContext, change: ChatMemberUpdated) -> None:
    """Pause a connected channel the bot may no longer post to, and tell the admins."""
    member = change.new_chat_member
    if member.status in GONE:
        reason = KICKED
    elif not may_post(change.chat.type, member):
        reason = CANNOT_POST
    else:
        return
    services = context.bot_data.services
    channel = await services.channels.bot_lost(change.chat.id, reason)
    if channel is None:
        return  # not a connected channel, or paused already
    for admin_id in sorted(services.runtime.settings.admin_ids):
        text = paused_alert_text(channel, await services.channels.admin_language(admin_id))
        try:
            await context.bot.send_message(admin_id, text)
        except TelegramError as error:  # an alert must not fail the update
            logger.warning("channel alert not sent to admin %s: %s", admin_id, error)


def register(application: BotApplication) -> None:
    """Wire the membership handler."""
    application.add_handler(ChatMemberHandler(on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
