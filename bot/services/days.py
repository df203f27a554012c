"""Reading a date the reader typed, and the calendar day "today" is for them.

Readers type dates every way people write them: ``2025-07-21``, ``2025-7-21``,
``2025/7/21``, ``20250721``, ``7-21`` (this year), ``2025年7月21日``, full-width digits,
and the relative words ``today`` / ``yesterday`` / ``今天`` / ``昨天`` / ``前天``. A date
that cannot exist (``2025-02-30``) is refused with what exactly is wrong.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
# Days before today each word means.
_RELATIVE = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": 1,
    "昨天": 1,
    "昨日": 1,
    "前天": 2,
}


class BadDay(ValueError):
    """Text that is not a calendar date; ``key`` names the interface string that says
    why (``bot.<key>``), ``params`` fill it in."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _normalized(text: str) -> str:
    """Full-width digits and punctuation as ASCII, lower case, no outer spaces."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def read_day(text: str, today: date) -> date:
    """The date ``text`` names, relative words counted from ``today`` (the reader's own
    date); ``BadDay`` says what is wrong otherwise."""
    typed = text.strip()
    normalized = _normalized(text)
    if normalized in _RELATIVE:
        return today - timedelta(days=_RELATIVE[normalized])
    match = _FULL.match(normalized) or _COMPACT.match(normalized)
    if match is not None:
        year, month, day = (int(part) for part in match.groups())
    else:
        short = _MONTH_DAY.match(normalized)
        if short is None:
            raise BadDay("date.invalid", text=typed)
        year, (month, day) = today.year, (int(part) for part in short.groups())
    if not 1 <= month <= 12:
        raise BadDay("date.no_such_month", text=typed, month=month)
    days_in_month = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if year < 1 or not 1 <= day <= days_in_month:
        raise BadDay("date.no_such_day", text=typed, year=year, month=month, days=days_in_month)
    return date(year, month, day)


def looks_like_day(text: str) -> bool:
    """Whether ``text`` was meant as a date (a real one, or one that cannot exist such as
    ``2025-02-30``), so ``/category 硬件前沿 昨天`` reads its last word as the date."""
    try:
        read_day(text, date(2000, 1, 1))
    except BadDay as error:
        return error.key != "date.invalid"
    return True


def today_in(zone: ZoneInfo, clock: Callable[[], datetime]) -> date:
    """The calendar date in ``zone`` at the clock's instant (an aware datetime)."""
    return clock().astimezone(zone).date()
