"""The versioned callback-data codec of inline buttons.

Data looks like ``v1:it:20250721:3``: the scheme version, a short action code, then the
action's arguments, ``:``-separated, at most 64 bytes of UTF-8 (Telegram's limit). Every
``Action`` declares its argument kinds and packs its own data; a ``Codec`` built from the
actions a bot declares unpacks data back, refusing anything else with a reason, so a
handler never sees a stale, forged or truncated button. There is no global table: the
codec knows exactly the actions it was built from (see docs/digest.md for the scheme).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

VERSION = "v1"
SEPARATOR = ":"
MAX_BYTES = 64

Arg = str | int


class InvalidCallback(ValueError):
    """Callback data this bot did not make (or no longer understands); ``reason`` says why."""

    def __init__(self, data: str, reason: str) -> None:
        super().__init__(f"invalid callback data {data!r}: {reason}")
        self.data = data
        self.reason = reason


@dataclass(frozen=True)
class ArgKind:
    """How one argument is written into callback data and read back."""

    name: str
    encode: Callable[[Arg], str]
    decode: Callable[[str], Arg]


def _encode_date(value: Arg) -> str:
    day = date.fromisoformat(str(value))
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _decode_date(text: str) -> Arg:
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError("expected a date as YYYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()


def _encode_int(value: Arg) -> str:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return str(value)


def _decode_int(text: str) -> Arg:
    if not re.fullmatch(r"0|[1-9]\d{0,17}", text):
        raise ValueError("expected a non-negative integer")
    return int(text)


def _encode_token(value: Arg) -> str:
    text = str(value)
    if not re.fullmatch(r"[A-Za-z0-9_.+\-]{1,32}", text):
        raise ValueError(f"expected a short token of letters, digits or _.+-, got {value!r}")
    return text


def _decode_token(text: str) -> Arg:
    _encode_token(text)
    return text


# An ISO date ("2025-07-21") written compactly as 20250721; decoded back to ISO.
DATE = ArgKind("date", _encode_date, _decode_date)
# A non-negative integer (item number, page, minutes).
INT = ArgKind("int", _encode_int, _decode_int)
# A short word of [A-Za-z0-9_.+-] (a setting name, a choice, a time zone offset).
TOKEN = ArgKind("token", _encode_token, _decode_token)


@dataclass(frozen=True)
class Callback:
    """Decoded callback data: the action and its typed arguments."""

    action: Action
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Action:
    """A button action: its name in code, its short code in data, its argument kinds."""

    name: str
    code: str
    args: tuple[ArgKind, ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z]{1,4}", self.code):
            raise ValueError(f"action code {self.code!r} must be 1-4 lowercase letters")

    def pack(self, *args: Arg) -> str:
        """Callback data for this action with ``args``; ValueError if invalid or over 64
        bytes."""
        if len(args) != len(self.args):
            raise ValueError(
                f"action {self.name!r} takes {len(self.args)} arguments, got {len(args)}"
            )
        encoded = [kind.encode(arg) for kind, arg in zip(self.args, args, strict=True)]
        data = SEPARATOR.join([VERSION, self.code, *encoded])
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"callback data {data!r} is over {MAX_BYTES} bytes")
        return data

    def decode(self, data: str, raw_args: list[str]) -> Callback:
        """The typed arguments of ``raw_args`` (the parts after the code of ``data``)."""
        if len(raw_args) != len(self.args):
            raise InvalidCallback(
                data, f"action {self.name!r} takes {len(self.args)} arguments, got {len(raw_args)}"
            )
        values: list[Arg] = []
        for position, (kind, raw) in enumerate(zip(self.args, raw_args, strict=True), start=1):
            try:
                values.append(kind.decode(raw))
            except ValueError as error:
                raise InvalidCallback(data, f"argument {position} ({kind.name}): {error}") from None
        return Callback(self, tuple(values))


class Codec:
    """Unpacks the data of exactly the ``actions`` it is built from."""

    def __init__(self, actions: Iterable[Action]) -> None:
        self._by_code: dict[str, Action] = {}
        names: dict[str, Action] = {}
        for action in actions:
            existing = self._by_code.get(action.code) or names.get(action.name)
            if existing is not None and existing != action:
                raise ValueError(f"action {action} clashes with {existing}")
            self._by_code[action.code] = names[action.name] = action

    @property
    def actions(self) -> tuple[Action, ...]:
        """Every action this codec knows."""
        return tuple(self._by_code.values())

    def unpack(self, data: str) -> Callback:
        """The callback an action packed; ``InvalidCallback`` with a reason for anything
        else."""
        if not data:
            raise InvalidCallback(data, "empty")
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise InvalidCallback(data, f"longer than {MAX_BYTES} bytes")
        version, _, rest = data.partition(SEPARATOR)
        if version != VERSION:
            raise InvalidCallback(data, f"unknown version {version!r} (this bot speaks {VERSION})")
        parts = rest.split(SEPARATOR) if rest else []
        if not parts:
            raise InvalidCallback(data, "no action")
        action = self._by_code.get(parts[0])
        if action is None:
            raise InvalidCallback(data, f"unknown action {parts[0]!r}")
        return action.decode(data, parts[1:])


# The one action the digest renderer itself puts on buttons (bot/render).
OPEN_ITEM = Action("open_item", "it", (DATE, INT))
# Under a digest shown through the reader's filters (the push or /today): the whole
# digest of that date, unfiltered.
SHOW_ALL = Action("show_all", "all", (DATE,))
# Unpacks what the renderer makes (and nothing else).
RENDERED = Codec((OPEN_ITEM,))


def open_item(digest_date: str, number: int) -> str:
    """Data of a button that opens item ``number`` of the digest of ``digest_date``."""
    return OPEN_ITEM.pack(digest_date, number)
