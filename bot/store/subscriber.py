"""The subscriber record: its fields, their validation, and its Redis hash form."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.errors import InvalidSetting
from bot.store.redis_types import HashFields

Status = Literal["active", "paused", "blocked", "stopped"]
Format = Literal["compact", "full"]
Language = Literal["zh", "en"]

STATUSES: tuple[Status, ...] = get_args(Status)
FORMATS: tuple[Format, ...] = get_args(Format)
LANGUAGES: tuple[Language, ...] = get_args(Language)

MAX_CATEGORIES = 32
MAX_CATEGORY_LENGTH = 64
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40
# Telegram chat ids: users are positive, groups negative, channels -100...; all 64-bit.
_CHAT_ID_LIMIT = 2**63
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DEFAULT_TZ = "UTC"  # what a record without these fields reads as
DEFAULT_TIME = "08:00"


class LocalPushTime:
    """A push time in a zone, as a reader's or a channel's record stores them: the zone and
    the local time read from ``tz`` and ``push_time``."""

    tz: str
    push_time: str

    @property
    def zone(self) -> ZoneInfo:
        """The record's time zone."""
        return ZoneInfo(self.tz)

    @property
    def clock(self) -> time:
        """The local push time."""
        return parse_push_time(self.push_time)


@dataclass(frozen=True)
class Subscriber(LocalPushTime):
    """One chat's subscription. ``status``: active (pushed), paused (/pause), blocked
    (the bot was blocked or the chat vanished; set by delivery), stopped (/stop; the
    settings are kept so a later /start resumes them)."""

    chat_id: int
    status: Status
    tz: str
    push_time: str
    format: Format
    categories: tuple[str, ...]
    language: Language
    subscribed_at: int
    # The reader's keyword filter (/filter): ``+word`` must appear (any one), ``-word``
    # must not; empty = every item.
    keywords: tuple[str, ...] = ()
    # In a forum group: the topic /start was sent from, where pushes go (None: the chat).
    thread_id: int | None = None

    @property
    def categories_json(self) -> str:
        """The categories as stored: a JSON list, names kept readable."""
        return json.dumps(list(self.categories), ensure_ascii=False)

    @property
    def keywords_json(self) -> str:
        """The keyword filter as stored: a JSON list of ``+word`` / ``-word``."""
        return json.dumps(list(self.keywords), ensure_ascii=False)

    def to_hash(self) -> HashFields:
        """The Redis hash fields (plain strings; categories as a JSON list)."""
        return {
            "status": self.status,
            "tz": self.tz,
            "time": self.push_time,
            "format": self.format,
            "categories": self.categories_json,
            "language": self.language,
            "subscribed_at": str(self.subscribed_at),
            "keywords": self.keywords_json,
            "thread": "" if self.thread_id is None else str(self.thread_id),
        }

    @classmethod
    def from_hash(cls, chat_id: int, fields: Mapping[str, str]) -> Subscriber:
        """Rebuild from ``to_hash`` output (unknown values fall back to safe defaults)."""
        fmt = fields.get("format", "compact")
        language = fields.get("language", "zh")
        return cls(
            chat_id=chat_id,
            status=stored_status(fields.get("status")),
            tz=fields.get("tz", DEFAULT_TZ),
            push_time=fields.get("time", DEFAULT_TIME),
            format=fmt if fmt in FORMATS else "compact",
            categories=_stored_list(fields.get("categories", "[]")),
            language=language if language in LANGUAGES else "zh",
            subscribed_at=int(fields.get("subscribed_at", "0")),
            keywords=_stored_list(fields.get("keywords", "[]")),
            thread_id=_stored_thread(fields.get("thread", "")),
        )

    def to_json(self) -> dict[str, object]:
        """One line of ``briefbot subscribers export``."""
        return {
            "chat_id": self.chat_id,
            "tz": self.tz,
            "time": self.push_time,
            "format": self.format,
            "categories": list(self.categories),
            "language": self.language,
            "status": self.status,
            "subscribed_at": self.subscribed_at,
            "keywords": list(self.keywords),
            "thread_id": self.thread_id,
        }


@dataclass(frozen=True)
class PushTime(LocalPushTime):
    """What a push's audience needs of a record: the status and the local push time."""

    chat_id: int
    status: Status
    tz: str
    push_time: str

    @classmethod
    def from_fields(cls, chat_id: int, status: str | None, tz: str | None,
                    push_time: str | None) -> PushTime:  # fmt: skip
        """Stored values (None when missing) read as ``Subscriber.from_hash`` reads them."""
        return cls(
            chat_id,
            stored_status(status),
            DEFAULT_TZ if tz is None else tz,
            DEFAULT_TIME if push_time is None else push_time,
        )


def stored_status(value: str | None) -> Status:
    """A stored status; a missing or unknown one reads as active."""
    return value if value in STATUSES else "active"


# Tuples are immutable, so readers with the same stored list share one: a push reads the
# records of every reader, and most store the same few lists ("[]" above all).
@lru_cache(maxsize=1024)
def _stored_list(text: str) -> tuple[str, ...]:
    """A stored JSON list of names; a damaged value reads as empty ("every category",
    "no filter") rather than making the record unreadable."""
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _stored_thread(text: str) -> int | None:
    """A stored topic id; anything damaged reads as "no topic" (the chat itself)."""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**31 else None


def validate_thread_id(value: object) -> int | None:
    """A forum topic id (a positive integer), or None for the chat itself."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise InvalidSetting("thread_id", f"thread_id must be a topic id or null, not {value!r}")
    return value


def validate_chat_id(value: object) -> int:
    """A Telegram chat id: a 64-bit integer, not zero (bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSetting("chat_id", f"chat_id must be an integer, not {value!r}")
    if value == 0 or not -_CHAT_ID_LIMIT <= value < _CHAT_ID_LIMIT:
        raise InvalidSetting("chat_id", f"chat_id {value} is not a 64-bit Telegram chat id")
    return value


def validate_zone(value: str) -> str:
    """An IANA time zone name such as Asia/Shanghai."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidSetting("tz", "the time zone is empty; send one like Asia/Shanghai")
    name = value.strip()
    if not _is_zone(name):
        raise InvalidSetting(
            "tz", f"unknown time zone {name!r}; send an IANA name like Asia/Shanghai"
        )
    return name


@lru_cache(maxsize=4096)
def _is_zone(name: str) -> bool:
    """Whether ``name`` is a zone; cached, because ``ZoneInfo`` only keeps a few zones it
    loaded and an import checks the same dozen names 100k times."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def parse_push_time(value: str) -> time:
    """``HH:MM`` (24-hour) as a ``time``."""
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidSetting("time", f"{value!r} is not a time like 08:00 (24-hour HH:MM)")
    return time(int(match[1]), int(match[2]))


def validate_push_time(value: str) -> str:
    """``HH:MM`` normalised to two-digit hours (``7:05`` -> ``07:05``)."""
    clock = parse_push_time(value)
    return f"{clock.hour:02d}:{clock.minute:02d}"


def validate_format(value: str) -> Format:
    """``compact`` or ``full``."""
    if value not in FORMATS:
        raise InvalidSetting("format", f"format must be compact or full, not {value!r}")
    return value


def validate_language(value: str) -> Language:
    """``zh`` or ``en``."""
    if value not in LANGUAGES:
        raise InvalidSetting("language", f"language must be zh or en, not {value!r}")
    return value


def validate_status(value: str) -> Status:
    """One of ``STATUSES``."""
    if value not in STATUSES:
        raise InvalidSetting("status", f"status must be one of {', '.join(STATUSES)}")
    return value


def validate_categories(values: object) -> tuple[str, ...]:
    """Category names (empty = every category), stripped, without duplicates."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise InvalidSetting("categories", "categories must be a list of names")
    names: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise InvalidSetting("categories", f"category {value!r} is not a name")
        name = value.strip()
        if len(name) > MAX_CATEGORY_LENGTH:
            raise InvalidSetting("categories", f"category name too long: {name[:20]}…")
        if name not in names:
            names.append(name)
    if len(names) > MAX_CATEGORIES:
        raise InvalidSetting("categories", f"at most {MAX_CATEGORIES} categories")
    return tuple(names)


def validate_keywords(values: object) -> tuple[str, ...]:
    """A keyword filter: ``+word`` / ``-word`` terms (see ``bot.digest.keywords``)."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise InvalidSetting("keywords", 'keywords must be a list like ["+openai", "-musk"]')
    terms: list[str] = []
    for value in values:
        if not isinstance(value, str) or len(value) < 2 or value[0] not in "+-":
            raise InvalidSetting("keywords", f"keyword {value!r} must be +word or -word")
        if len(value) - 1 > MAX_KEYWORD_LENGTH:
            raise InvalidSetting("keywords", f"keyword too long: {value[:20]}…")
        if value not in terms:
            terms.append(value)
    if len(terms) > MAX_KEYWORDS:
        raise InvalidSetting("keywords", f"at most {MAX_KEYWORDS} keywords")
    return tuple(terms)
