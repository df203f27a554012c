"""/digests: the stored digests (and the removed ones); /digests remove DATE, after a
confirmation, for a digest published by mistake."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import TOKEN, Action, Callback
from bot.commands import Audience, Command
from bot.context import BotContext
from bot.i18n import t
from bot.services.audit import telegram_actor
from bot.services.digests_text import digests_text
from bot.services.reader import Reader
from handlers.admin.dates import admin_date
from handlers.common import Screen, edit, for_reader, say, send
from handlers.declarations import Area, Button

REMOVE = Action("digest_remove", "dgr", (TOKEN,))
KEEP = Action("digest_keep", "dgk", (TOKEN,))


@for_reader
async def digests(update: Update, context: BotContext, reader: Reader) -> None:
    """The list, or the removal's confirmation."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    args = context.args or []
    if not args:
        listed = await services.digests.list()
        await send(update, context, Screen.plain(digests_text(listed, lang)))
        return
    date = admin_date(" ".join(args[1:]), lang, services) if args[0] == "remove" else None
    if date is None:
        await say(update, context, lang, "admin.digests.usage")
        return
    token = await services.digests.offer_remove(
        telegram_actor(user.id if user else None), date, lang=lang
    )
    buttons = [
        InlineKeyboardButton(t(lang, "bot.admin.digests.remove"), callback_data=REMOVE.pack(token)),
        InlineKeyboardButton(t(lang, "bot.admin.digests.keep"), callback_data=KEEP.pack(token)),
    ]
    question = t(lang, "bot.admin.digests.confirm", date=date)
    await send(update, context, Screen.plain(question, InlineKeyboardMarkup([buttons])))


async def remove_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Remove: done once; a replayed press is refused (and audited)."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    removal = await services.digests.confirm_remove(
        telegram_actor(user.id if user else None), str(callback.args[0]), lang=lang
    )
    done = t(lang, "bot.admin.digests.removed", date=removal.date,
             version=removal.content_hash[:12])  # fmt: skip
    await edit(update, Screen.plain(done))


async def keep_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Keep: nothing is removed."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    await services.digests.cancel(telegram_actor(user.id if user else None), str(callback.args[0]))
    await edit(update, Screen.plain(t(lang, "bot.admin.digests.kept")))


AREA = Area(
    commands=(Command("digests", digests, audience=Audience.ADMINS),),
    buttons=(
        Button(REMOVE, remove_button, audience=Audience.ADMINS),
        Button(KEEP, keep_button, audience=Audience.ADMINS),
    ),
)
