"""Reading a date the reader typed, and the calendar day "today" is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a real calendar date (``2025-02-30`` is None), else None."""
    text = text.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def today_in(zone: ZoneInfo, clock: Callable[[], datetime]) -> date:
    """The calendar date in ``zone`` at the clock's instant (an aware datetime)."""
    return clock().astimezone(zone).date()
