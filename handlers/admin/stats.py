"""/stats [DATE]: subscribers, the push of that date, reads per item, the last 7 digests."""

from __future__ import annotations

from telegram import Update

from bot.commands import Audience, Command
from bot.context import BotContext
from bot.services.audit import telegram_actor
from bot.services.reader import Reader
from bot.services.stats import NoDigest
from bot.services.stats_text import stats_text
from handlers.admin.dates import admin_date
from handlers.common import Screen, for_reader, say, send
from handlers.declarations import Area


@for_reader
async def stats(update: Update, context: BotContext, reader: Reader) -> None:
    """The statistics of DATE (the newest digest by default)."""
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    date = admin_date(" ".join(context.args or ()), lang, services)
    try:
        result = await services.stats.of(date)
    except NoDigest:
        await say(update, context, lang, "stats.none", date=date or "-")
        return
    user = update.effective_user
    await services.audit.record(
        telegram_actor(user.id if user else None), "stats", "shown", date=result.date
    )
    await send(update, context, Screen.plain(stats_text(result, lang)))


AREA = Area(commands=(Command("stats", stats, audience=Audience.ADMINS),))
