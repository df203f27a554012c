"""A DATE argument of the admin commands (``stats``, ``digests remove``)."""

from __future__ import annotations

import sys
from datetime import date as Date


def iso_date(text: str) -> str | None:
    """``text`` as an ISO date, or None after saying it is not one."""
    try:
        return Date.fromisoformat(text).isoformat()
    except ValueError:
        print(f"briefbot: {text!r} is not a date like 2025-07-21", file=sys.stderr)
        return None
