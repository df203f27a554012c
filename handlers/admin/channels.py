"""/channels: the channels and groups the digest is posted to. ``/channels add @name
[HH:MM] [compact|full] [zh|en]`` connects one (after Telegram confirms the bot may post
there), ``/channels`` lists them, ``/channels remove @name`` disconnects one after a
confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import TOKEN, Action, Callback
from bot.commands import Audience, Command
from bot.context import BotContext
from bot.i18n import t
from bot.services.audit import telegram_actor
from bot.services.channels import parse_add, parse_ref
from bot.services.channels_text import added_text, channels_text
from bot.services.reader import Reader
from handlers.common import Screen, edit, for_reader, say, send
from handlers.declarations import Area, Button

REMOVE = Action("channel_remove", "chr", (TOKEN,))
KEEP = Action("channel_keep", "chk", (TOKEN,))


@for_reader
async def channels(update: Update, context: BotContext, reader: Reader) -> None:
    """The list, connecting one, or the removal's confirmation."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    who = telegram_actor(user.id if user else None)
    args = context.args or []
    if not args:
        listed = await services.channels.list()
        await send(update, context, Screen.plain(channels_text(listed, lang)))
        return
    request = parse_add(args[1:]) if args[0].lower() == "add" else None
    if request is not None:
        channel = await services.channels.add(who, context.bot, request, lang=lang)
        await send(update, context, Screen.plain(added_text(channel, lang)))
        return
    ref = parse_ref(args[1]) if args[0].lower() == "remove" and len(args) == 2 else None
    if ref is None:
        await say(update, context, lang, "admin.channels.usage")
        return
    token, channel = await services.channels.offer_remove(who, ref, lang=lang)
    buttons = [
        InlineKeyboardButton(
            t(lang, "bot.admin.channels.remove"), callback_data=REMOVE.pack(token)
        ),
        InlineKeyboardButton(t(lang, "bot.admin.channels.keep"), callback_data=KEEP.pack(token)),
    ]
    question = t(lang, "bot.admin.channels.confirm", channel=channel.name)
    await send(update, context, Screen.plain(question, InlineKeyboardMarkup([buttons])))


async def remove_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Disconnect: done once; a replayed press is refused (and audited)."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    removed = await services.channels.confirm_remove(
        telegram_actor(user.id if user else None), str(callback.args[0]), lang=lang
    )
    await edit(update, Screen.plain(t(lang, "bot.admin.channels.removed", channel=removed.name)))


async def keep_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Keep: nothing is disconnected."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    await services.channels.cancel(telegram_actor(user.id if user else None), str(callback.args[0]))
    await edit(update, Screen.plain(t(lang, "bot.admin.channels.kept")))


AREA = Area(
    commands=(Command("channels", channels, audience=Audience.ADMINS),),
    buttons=(
        Button(REMOVE, remove_button, audience=Audience.ADMINS),
        Button(KEEP, keep_button, audience=Audience.ADMINS),
    ),
)
