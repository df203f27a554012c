"""/start (subscribe, resume, or open a deep-linked item) and /stop."""

from __future__ import annotations

import re

from telegram import Update

from bot.callback_data import Callback
from bot.commands import Command
from bot.context import BotContext
from bot.services.reader import Reader
from handlers import actions
from handlers.common import for_reader, say, send
from handlers.declarations import Area, Button
from handlers.help import send_help
from handlers.views.digest import item_message
from handlers.views.welcome import welcome

# t.me/<bot>?start=item_20250721_3 opens item 3 of the 2025-07-21 digest.
DEEP_LINK_ITEM = re.compile(r"^item_(\d{4})(\d{2})(\d{2})_(\d{1,4})$")


def deep_link_item(payload: str) -> tuple[str, str] | None:
    """(date, number) of an ``item_YYYYMMDD_N`` payload, else None."""
    match = DEEP_LINK_ITEM.match(payload)
    if match is None:
        return None
    year, month, day, number = match.groups()
    return f"{year}-{month}-{day}", number


@for_reader
async def start(update: Update, context: BotContext, reader: Reader) -> None:
    """/start [payload]: subscribe (or resume) with a welcome; a deep link opens an item."""
    services = context.bot_data.services
    target = deep_link_item(context.args[0]) if context.args else None
    if target is not None:
        day, number = target
        await send(
            update, context, item_message(await services.reading.open_item(reader, number, day))
        )
        return
    await send(update, context, welcome(await services.subscriptions.start(reader)))


@for_reader
async def stop(update: Update, context: BotContext, reader: Reader) -> None:
    """/stop: unsubscribe, keeping the settings."""
    result = await context.bot_data.services.subscriptions.stop(reader)
    await say(
        update,
        context,
        result.lang,
        "stop.done" if result.was_subscribed else "stop.not_subscribed",
    )


async def help_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """The welcome's help button."""
    await send_help(update, context, reader)


AREA = Area(
    commands=(Command("start", start), Command("stop", stop)),
    buttons=(Button(actions.HELP, help_button),),
)
