"""Reading a time zone the reader typed: an IANA name in any case, a UTC offset, or a
city.

``europe/berlin`` is ``Europe/Berlin``; ``UTC+8`` is the fixed-offset zone ``Etc/GMT-8``
(the IANA ``Etc`` names count the other way round, which is why the reader is told);
``Berlin``, ``new york`` or ``柏林`` is a city, and the zones it may mean are suggested
rather than guessed; a typo gets the closest names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?:(?::|\s*h\s*)?(\d{2}))?\s*h?$")
_UTC_NAMES = frozenset({"utc", "gmt", "z", "zulu", "协调世界时", "世界时"})
# The zones of the cities readers name in Chinese (and a few English names the IANA
# database spells differently).
_CITY_NAMES = {
    "北京": "Asia/Shanghai",
    "上海": "Asia/Shanghai",
    "深圳": "Asia/Shanghai",
    "广州": "Asia/Shanghai",
    "杭州": "Asia/Shanghai",
    "成都": "Asia/Shanghai",
    "中国": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "peking": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "香港": "Asia/Hong_Kong",
    "台北": "Asia/Taipei",
    "东京": "Asia/Tokyo",
    "首尔": "Asia/Seoul",
    "新加坡": "Asia/Singapore",
    "伦敦": "Europe/London",
    "柏林": "Europe/Berlin",
    "巴黎": "Europe/Paris",
    "纽约": "America/New_York",
    "nyc": "America/New_York",
    "洛杉矶": "America/Los_Angeles",
    "旧金山": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "硅谷": "America/Los_Angeles",
    "西雅图": "America/Los_Angeles",
    "温哥华": "America/Vancouver",
    "多伦多": "America/Toronto",
    "悉尼": "Australia/Sydney",
    "墨尔本": "Australia/Melbourne",
}
MAX_SUGGESTIONS = 6


@dataclass(frozen=True)
class ZoneReading:
    """What the reader's text names: ``zone`` when it is certain (``fixed_offset`` holds
    the typed offset when the zone is a fixed-offset one), else ``suggestions`` to tap
    (empty when nothing is close)."""

    zone: str | None = None
    fixed_offset: str | None = None
    suggestions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every IANA zone by its folded name (``europe/berlin`` -> ``Europe/Berlin``)."""
    return {_fold(name): name for name in available_timezones()}


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[str, ...]]:
    """Zones by their folded last part (``berlin`` -> Europe/Berlin); a city that names
    several zones (``Kentucky/Louisville``, ``America/Louisville``) keeps them all.
    Region-only names (``Etc/...``, old ``US/...`` aliases) are left out."""
    cities: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "US/", "SystemV/")):
            continue
        city = _fold(name.rsplit("/", 1)[1])
        cities.setdefault(city, []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def _fold(text: str) -> str:
    """The form names are compared in: NFKC, lower case, ``_`` as a space, one space."""
    folded = unicodedata.normalize("NFKC", text).strip().lower().replace("_", " ")
    return " ".join(folded.split())


def read_zone(text: str, now: datetime) -> ZoneReading:
    """The zone ``text`` names (``now`` decides which zones match a half-hour offset)."""
    folded = _fold(text)
    if not folded:
        return ZoneReading()
    if folded in _UTC_NAMES:
        return ZoneReading("UTC")
    exact = _zones().get(folded) or _zones().get(folded.replace(" ", "/"))
    if exact is not None:
        return ZoneReading(exact)
    offset = _OFFSET.match(folded)
    if offset is not None:
        return _from_offset(text.strip(), offset, now)
    named = _CITY_NAMES.get(folded)
    if named is not None:
        return ZoneReading(suggestions=(named,))
    cities = _cities()
    if folded in cities:
        return ZoneReading(suggestions=cities[folded][:MAX_SUGGESTIONS])
    return ZoneReading(suggestions=_closest(folded))


def _from_offset(typed: str, match: re.Match[str], now: datetime) -> ZoneReading:
    sign, hours_text, minutes_text = match.groups()
    hours, minutes = int(hours_text), int(minutes_text or 0)
    if minutes >= 60 or hours > 14:
        return ZoneReading()
    if minutes == 0:
        if hours == 0:
            return ZoneReading("UTC")
        if hours > (14 if sign == "+" else 12):
            return ZoneReading()
        # POSIX-style Etc names count west as positive: UTC+8 is Etc/GMT-8.
        flipped = "-" if sign == "+" else "+"
        return ZoneReading(f"Etc/GMT{flipped}{hours}", fixed_offset=typed)
    # No fixed-offset zone exists for a half hour (UTC+5:30); offer the places there now.
    wanted = timedelta(hours=hours, minutes=minutes) * (1 if sign == "+" else -1)
    places = tuple(
        name
        for name in sorted(_zones().values())
        if "/" in name
        and not name.startswith(("Etc/", "US/", "SystemV/"))
        and now.astimezone(ZoneInfo(name)).utcoffset() == wanted
    )
    return ZoneReading(suggestions=places[:MAX_SUGGESTIONS])


def _closest(folded: str) -> tuple[str, ...]:
    """The zones whose full name or city is closest to a mistyped ``folded``."""
    cities = _cities()
    found: list[str] = []
    for city in difflib.get_close_matches(folded, list(cities), n=MAX_SUGGESTIONS, cutoff=0.75):
        found.extend(cities[city])
    for name in difflib.get_close_matches(folded, list(_zones()), n=3, cutoff=0.8):
        found.append(_zones()[name])
    return tuple(dict.fromkeys(found))[:MAX_SUGGESTIONS]


def zone_token(name: str) -> str:
    """A zone name as a callback-data token (``/`` is not allowed there, ``.`` is and no
    zone name holds one): ``Europe/Berlin`` -> ``Europe.Berlin``."""
    return name.replace("/", ".")


def zone_from_token(token: str) -> str:
    """The zone name of ``zone_token``'s output."""
    return token.replace(".", "/")
