"""The Telegram-facing layer: each module wires a few handlers; ``register_all`` composes
them. Handlers parse an update, call one service, and send what a view renders; they
never talk to Redis or HTTP themselves."""

from __future__ import annotations

from bot.context import BotApplication
from handlers import (
    callbacks,
    category,
    errors,
    fallback,
    help,
    reading,
    settings,
    start,
    throttle,
    unread,
)
from handlers.callbacks import ButtonHandler


def register_all(application: BotApplication) -> None:
    """Every handler, in the order python-telegram-bot must try them."""
    throttle.register(application)
    for area in (start, reading, category, unread, settings, help):
        area.register(application)
    buttons: dict[str, ButtonHandler] = {
        **start.BUTTONS,
        **reading.BUTTONS,
        **category.BUTTONS,
        **unread.BUTTONS,
        **settings.BUTTONS,
    }
    callbacks.register(application, buttons)
    # Last: only what no command handler took.
    fallback.register(application)
    errors.register(application)
