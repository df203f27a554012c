"""The admin's push-now screens: the confirmation and the status while it sends."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import TOKEN, Action
from bot.i18n import t
from bot.services.push_now import PushOffer, PushStatus
from handlers.common import Screen
from handlers.views.counts import progress_params

CONFIRM = Action("push_confirm", "pnc", (TOKEN,))
DROP = Action("push_drop", "pnd", (TOKEN,))


def offer(push: PushOffer, lang: str) -> Screen:
    """ "Push DATE now to N readers?" with Push / Cancel."""
    buttons = [
        InlineKeyboardButton(
            t(lang, "bot.admin.push.confirm"), callback_data=CONFIRM.pack(push.token)
        ),
        InlineKeyboardButton(t(lang, "bot.admin.push.drop"), callback_data=DROP.pack(push.token)),
    ]
    text = t(lang, "bot.admin.push.offer", date=push.date, audience=push.audience)
    return Screen.plain(text, InlineKeyboardMarkup([buttons]))


def status(push: PushStatus, lang: str) -> Screen:
    """Sent / failed / blocked / skipped, the rate and the time left."""
    progress = push.progress
    state = "done" if progress.finished else "sending"
    return Screen.plain(
        t(
            lang,
            "bot.admin.push.status",
            date=push.date,
            state=t(lang, f"bot.admin.broadcast.state.{state}"),
            **progress_params(progress, push.rate, push.eta),
        )
    )
