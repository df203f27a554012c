"""The Telegram-facing layer: each area module declares its commands and buttons
(``AREA``); ``register_all`` derives the handlers, the admin filter, the button router,
the command menus and ``/help`` from those declarations. Handlers parse an update, call
one service, and send what a view renders; they never talk to Redis or HTTP themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram.ext import CommandHandler

from bot.commands import Audience, CommandBook, admin_filter
from bot.context import BotApplication
from bot.ops.metrics import timed_handler
from handlers import (
    admin,
    buttons,
    category,
    errors,
    fallback,
    filters,
    gate,
    help,
    inline,
    membership,
    reading,
    search,
    settings,
    start,
    throttle,
    unread,
)
from handlers.admin import corrections
from handlers.declarations import Area

# In menu (and /help) order.
AREAS: tuple[Area, ...] = (
    reading.AREA,
    category.AREA,
    search.AREA,
    unread.AREA,
    settings.AREA,
    filters.AREA,
    help.AREA,
    start.AREA,
    admin.AREA,
)


def register_all(
    application: BotApplication, admin_ids: Iterable[int], areas: Sequence[Area] = AREAS
) -> None:
    """Every handler of ``areas``, in the order python-telegram-bot must try them; the
    declared commands go to ``application.bot_data.commands`` (menus and /help)."""
    book = CommandBook((command for area in areas for command in area.commands), admin_ids)
    application.bot_data.commands = book
    gate.register(application)
    throttle.register(application)
    membership.register(application)
    admins = admin_filter(book.admin_ids)
    for command in book.commands:
        # A non-admin's admin command matches nothing here and reaches the fallback: the
        # same answer as a command that does not exist.
        only = admins if command.audience is Audience.ADMINS else None
        callback = timed_handler(command.names[0], command.callback)
        application.add_handler(CommandHandler(command.names, callback, filters=only))
    buttons.register(application, (button for area in areas for button in area.buttons))
    inline.register(application)
    corrections.register_replies(application, admins)
    # Last: only what no command handler took.
    fallback.register(application)
    errors.register(application)
