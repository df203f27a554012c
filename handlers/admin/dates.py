"""The DATE argument of the admin commands (/stats, /push, /preview, /digests remove),
read as a reader's /date is (``2025-07-21``, ``7-21``, ``昨天``...)."""

from __future__ import annotations

from bot.services.container import BotServices
from bot.services.days import BadDay, read_day, today_in
from bot.services.refusal import Refused


def admin_date(text: str, lang: str, services: BotServices) -> str | None:
    """The ISO date ``text`` names (None when empty); ``Refused`` saying what is wrong."""
    if not text.strip():
        return None
    runtime = services.runtime
    today = today_in(runtime.settings.bot_timezone, runtime.clock)
    try:
        return read_day(text, today).isoformat()
    except BadDay as error:
        raise Refused(lang, error.key, **error.params) from error
