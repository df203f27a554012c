"""The /start answer."""

from __future__ import annotations

from bot.i18n import t
from bot.services.subscriptions import StartResult
from handlers import actions
from handlers.common import Screen
from handlers.views.keyboards import button, keyboard


def welcome(result: StartResult) -> Screen:
    """Welcome (new), welcome back (resumed) or a reminder (already subscribed)."""
    lang, subscriber = result.lang, result.subscriber
    text = t(
        lang,
        f"bot.start.{result.outcome.value}",
        time=subscriber.push_time,
        tz=subscriber.tz,
    )
    return Screen.plain(
        text,
        keyboard(
            [button(t(lang, "bot.button.today"), actions.TODAY)],
            [
                button(t(lang, "bot.button.settings"), actions.SETTINGS),
                button(t(lang, "bot.button.help"), actions.HELP),
            ],
        ),
    )
