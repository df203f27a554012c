"""The admin's broadcast screens: the confirmation under the preview, the status that is
edited while it sends."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import TOKEN, Action
from bot.i18n import t
from bot.services.broadcasts import Broadcast, BroadcastStatus
from handlers.common import Screen
from handlers.views.counts import progress_params

SEND = Action("broadcast_send", "bcs", (TOKEN,))
CANCEL = Action("broadcast_cancel", "bcc", (TOKEN,))


def confirm(broadcast: Broadcast, lang: str) -> Screen:
    """ "Send it to N readers?" with Send / Cancel."""
    filters = ""
    if broadcast.lang or broadcast.category:
        any_ = t(lang, "bot.admin.broadcast.any")
        filters = t(
            lang,
            "bot.admin.broadcast.filters",
            language=broadcast.lang or any_,
            category=broadcast.category or any_,
        )
    text = "\n".join(
        (
            t(lang, "bot.admin.broadcast.preview"),
            t(lang, "bot.admin.broadcast.confirm", audience=broadcast.audience, filters=filters),
        )
    )
    buttons = [
        InlineKeyboardButton(
            t(lang, "bot.admin.broadcast.send"), callback_data=SEND.pack(broadcast.broadcast_id)
        ),
        InlineKeyboardButton(
            t(lang, "bot.admin.broadcast.cancel"),
            callback_data=CANCEL.pack(broadcast.broadcast_id),
        ),
    ]
    return Screen.plain(text, InlineKeyboardMarkup([buttons]))


def state_name(status: BroadcastStatus) -> str:
    """``draft``, ``sending``, ``done`` or ``cancelled``."""
    if status.broadcast.state == "sending" and status.progress.finished:
        return "done"
    return status.broadcast.state


def status(status: BroadcastStatus, lang: str) -> Screen:
    """Sent / failed / blocked / skipped, the rate and the time left."""
    progress = status.progress
    return Screen.plain(
        t(
            lang,
            "bot.admin.broadcast.status",
            broadcast=status.broadcast.broadcast_id,
            state=t(lang, f"bot.admin.broadcast.state.{state_name(status)}"),
            **progress_params(progress, status.rate, status.eta),
        )
    )


def cancelled(broadcast: Broadcast, lang: str) -> Screen:
    """The broadcast was cancelled."""
    return Screen.plain(t(lang, "bot.admin.broadcast.cancelled", broadcast=broadcast.broadcast_id))
