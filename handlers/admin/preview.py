"""/preview [DATE]: the exact messages a reader gets, compact and then full."""

from __future__ import annotations

from telegram import Update

from bot.commands import Audience, Command
from bot.context import BotContext
from bot.i18n import t
from bot.services.audit import telegram_actor
from bot.services.reader import Reader
from handlers.admin.dates import admin_date
from handlers.common import Screen, for_reader, send
from handlers.declarations import Area


@for_reader
async def preview(update: Update, context: BotContext, reader: Reader) -> None:
    """A heading, the compact message, a heading, the full messages."""
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    date = admin_date(" ".join(context.args or ()), lang, services)
    user = update.effective_user
    who = telegram_actor(user.id if user else None)
    shown = await services.push_now.preview(who, date, lang=lang)
    await send(
        update,
        context,
        Screen.plain(t(lang, "bot.admin.preview.compact", date=shown.date)),
        shown.compact,
        Screen.plain(t(lang, "bot.admin.preview.full", count=len(shown.full))),
        *shown.full,
    )


AREA = Area(commands=(Command("preview", preview, audience=Audience.ADMINS),))
