"""The JSON Lines form of a subscriber (``briefbot subscribers import/export``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.services.errors import InvalidSetting
from bot.store.subscriber import (
    Subscriber,
    validate_categories,
    validate_chat_id,
    validate_format,
    validate_keywords,
    validate_language,
    validate_push_time,
    validate_status,
    validate_thread_id,
    validate_zone,
)
from bot.store.subscribers import SubscriberDefaults

FIELDS = (
    "chat_id",
    "tz",
    "time",
    "format",
    "categories",
    "language",
    "status",
    "subscribed_at",
    "keywords",
    "thread_id",
)


class BadLine(ValueError):
    """A line that is not a subscriber; the message says why."""


@dataclass(frozen=True)
class SubscriberLine:
    """One valid import line: the chat and only the fields the line gives (validated).
    ``apply`` lays them over the stored record, so a partial line changes only those."""

    chat_id: int
    given: Mapping[str, object]

    def apply(self, stored: Subscriber | None, defaults: SubscriberDefaults) -> Subscriber:
        """The record after this line: the stored one (or a new one with the defaults)
        with the given fields changed. A blocked reader stays blocked: the bot found the
        chat gone or the bot blocked, which an import file cannot know better."""
        base = stored or Subscriber(
            chat_id=self.chat_id,
            status="active",
            tz=defaults.tz,
            push_time=defaults.push_time,
            format=defaults.format,
            categories=(),
            language=defaults.language,
            subscribed_at=0,
        )
        changed = dataclasses.replace(base, **dict(self.given))  # type: ignore[arg-type]
        if stored is not None and stored.status == "blocked" and changed.status == "active":
            changed = dataclasses.replace(changed, status="blocked")
        return changed


def to_line(subscriber: Subscriber) -> str:
    """One JSON object, no newline; non-ASCII category names kept readable."""
    return json.dumps(subscriber.to_json(), ensure_ascii=False, separators=(",", ":"))


def parse_line(text: str) -> SubscriberLine:
    """The fields of one line. Only ``chat_id`` is required; every other field is
    validated when given and left as stored when not (a new chat takes the defaults of a
    new subscriber and ``active``)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadLine(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise BadLine('expected a JSON object like {"chat_id": 123}')
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadLine(f"unknown field {unknown[0]!r}; fields are {', '.join(FIELDS)}")
    if "chat_id" not in data:
        raise BadLine("missing chat_id")
    try:
        chat_id = validate_chat_id(_integer(data["chat_id"], "chat_id"))
        given: dict[str, object] = {}
        for field, (attribute, read) in _READERS.items():
            if field in data:
                given[attribute] = read(data[field])
    except InvalidSetting as error:
        raise BadLine(str(error)) from None
    return SubscriberLine(chat_id, given)


def _integer(value: object, name: str) -> int:
    """An integer, or a string of one (some tools write 64-bit ids as strings)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSetting(name, f"{name} must be an integer, not {value!r}")
    return value


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidSetting(name, f"{name} must be a string, not {value!r}")
    return value


def _subscribed_at(value: object) -> int:
    seconds = _integer(value, "subscribed_at")
    if seconds < 0:
        raise InvalidSetting("subscribed_at", "subscribed_at must be epoch seconds")
    return seconds


# Each optional field of a line: the record attribute it sets and how it is validated.
_READERS: dict[str, tuple[str, Callable[[object], object]]] = {
    "status": ("status", lambda v: validate_status(_text(v, "status"))),
    "tz": ("tz", lambda v: validate_zone(_text(v, "tz"))),
    "time": ("push_time", lambda v: validate_push_time(_text(v, "time"))),
    "format": ("format", lambda v: validate_format(_text(v, "format"))),
    "categories": ("categories", validate_categories),
    "language": ("language", lambda v: validate_language(_text(v, "language"))),
    "subscribed_at": ("subscribed_at", _subscribed_at),
    "keywords": ("keywords", validate_keywords),
    "thread_id": ("thread_id", validate_thread_id),
}
