"""The JSON Lines form of a subscriber (``briefbot subscribers import/export``)."""

from __future__ import annotations

import json
from typing import Any

from bot.services.errors import InvalidSetting
from bot.store.subscriber import (
    Subscriber,
    validate_categories,
    validate_chat_id,
    validate_format,
    validate_language,
    validate_push_time,
    validate_status,
    validate_zone,
)
from bot.store.subscribers import SubscriberDefaults

FIELDS = ("chat_id", "tz", "time", "format", "categories", "language", "status", "subscribed_at")


class BadLine(ValueError):
    """A line that is not a subscriber; the message says why."""


def to_line(subscriber: Subscriber) -> str:
    """One JSON object, no newline; non-ASCII category names kept readable."""
    return json.dumps(subscriber.to_json(), ensure_ascii=False, separators=(",", ":"))


def parse_line(text: str, defaults: SubscriberDefaults) -> Subscriber:
    """A subscriber from one line. Only ``chat_id`` is required; a missing setting takes
    the default of a new subscriber, a missing status is ``active``."""
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
        return Subscriber(
            chat_id=validate_chat_id(_integer(data["chat_id"], "chat_id")),
            status=validate_status(_text(data.get("status", "active"), "status")),
            tz=validate_zone(_text(data.get("tz", defaults.tz), "tz")),
            push_time=validate_push_time(_text(data.get("time", defaults.push_time), "time")),
            format=validate_format(_text(data.get("format", defaults.format), "format")),
            categories=validate_categories(data.get("categories", [])),
            language=validate_language(_text(data.get("language", defaults.language), "language")),
            subscribed_at=_subscribed_at(data.get("subscribed_at", 0)),
        )
    except InvalidSetting as error:
        raise BadLine(str(error)) from None


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
