"""/push [DATE]: push a digest now (to every active reader who does not have it), after
a confirmation with the audience size; the status message follows it to the end."""

from __future__ import annotations

from telegram import Message, Update

from bot.callback_data import Callback
from bot.commands import Audience, Command
from bot.context import BotContext
from bot.i18n import t
from bot.services.audit import telegram_actor
from bot.services.reader import Reader
from handlers.admin.dates import admin_date
from handlers.admin.progress import follow
from handlers.common import Screen, edit, for_reader, send
from handlers.declarations import Area, Button
from handlers.views import push as views


@for_reader
async def push(update: Update, context: BotContext, reader: Reader) -> None:
    """Ask to confirm a push of DATE (the newest digest by default)."""
    services, user = context.bot_data.services, update.effective_user
    lang = await services.admins.language(reader)
    date = admin_date(" ".join(context.args or ()), lang, services)
    offer = await services.push_now.offer(
        telegram_actor(user.id if user else None), date, lang=lang
    )
    await send(update, context, views.offer(offer, lang))


async def confirm_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Push: enqueue it (once) and follow it in the pressed message."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or not isinstance(query.message, Message):
        return
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    token = str(callback.args[0])
    started = await services.push_now.confirm(telegram_actor(user.id), token, lang=lang)
    await edit(update, views.status(await services.push_now.status(started.date, token), lang))

    async def snapshot() -> tuple[Screen, bool]:
        now = await services.push_now.status(started.date, token)
        return views.status(now, lang), now.progress.finished

    follow(context, query.message, snapshot, f"push-status-{token}")


async def drop_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Cancel: forget the offer."""
    user = update.effective_user
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    await services.push_now.cancel(
        telegram_actor(user.id if user else None), str(callback.args[0]), lang=lang
    )
    await edit(update, Screen.plain(t(lang, "bot.admin.push.dropped")))


AREA = Area(
    commands=(Command("push", push, audience=Audience.ADMINS),),
    buttons=(
        Button(views.CONFIRM, confirm_button, audience=Audience.ADMINS),
        Button(views.DROP, drop_button, audience=Audience.ADMINS),
    ),
)
