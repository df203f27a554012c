"""The versioned callback-data codec of inline buttons: ``pack`` and a validating ``unpack``.

Data looks like ``v1:it:20250721:3``: the scheme version, a short action code, then the
action's arguments, ``:``-separated, at most 64 bytes of UTF-8 (Telegram's limit). Every
action declares its argument kinds; ``unpack`` refuses anything else with a reason, so a
handler never sees a stale, forged or truncated button. More actions are added with
``register`` (see docs/digest.md for the scheme and the registered actions).
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
class Action:
    """A registered action: its name in code, its short code in data, its argument kinds."""

    name: str
    code: str
    args: tuple[ArgKind, ...]


@dataclass(frozen=True)
class Callback:
    """Decoded callback data: the action's name and its typed arguments."""

    action: str
    args: tuple[Arg, ...]


_BY_NAME: dict[str, Action] = {}
_BY_CODE: dict[str, Action] = {}


def register(name: str, code: str, *args: ArgKind) -> Action:
    """Declare an action; its ``code`` (1-4 letters) is what goes into the data."""
    if not re.fullmatch(r"[a-z]{1,4}", code):
        raise ValueError(f"action code {code!r} must be 1-4 lowercase letters")
    existing = _BY_CODE.get(code) or _BY_NAME.get(name)
    if existing is not None:
        if existing == Action(name, code, args):
            return existing
        raise ValueError(f"action {name!r} / code {code!r} is already registered as {existing}")
    action = Action(name, code, args)
    _BY_NAME[name] = action
    _BY_CODE[code] = action
    return action


def pack(action: str, *args: Arg) -> str:
    """Callback data for ``action`` with ``args``; ValueError if invalid or over 64 bytes."""
    spec = _BY_NAME.get(action)
    if spec is None:
        raise ValueError(f"unknown callback action {action!r}")
    if len(args) != len(spec.args):
        raise ValueError(f"action {action!r} takes {len(spec.args)} arguments, got {len(args)}")
    encoded = [kind.encode(arg) for kind, arg in zip(spec.args, args, strict=True)]
    data = SEPARATOR.join([VERSION, spec.code, *encoded])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is over {MAX_BYTES} bytes")
    return data


def unpack(data: str) -> Callback:
    """The callback ``pack`` made; ``InvalidCallback`` with a reason for anything else."""
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
    spec = _BY_CODE.get(parts[0])
    if spec is None:
        raise InvalidCallback(data, f"unknown action {parts[0]!r}")
    raw_args = parts[1:]
    if len(raw_args) != len(spec.args):
        raise InvalidCallback(
            data, f"action {spec.name!r} takes {len(spec.args)} arguments, got {len(raw_args)}"
        )
    values: list[Arg] = []
    for position, (kind, raw) in enumerate(zip(spec.args, raw_args, strict=True), start=1):
        try:
            values.append(kind.decode(raw))
        except ValueError as error:
            raise InvalidCallback(data, f"argument {position} ({kind.name}): {error}") from None
    return Callback(spec.name, tuple(values))


OPEN_ITEM = register("open_item", "it", DATE, INT)


def open_item(digest_date: str, number: int) -> str:
    """Data of a button that opens item ``number`` of the digest of ``digest_date``."""
    return pack(OPEN_ITEM.name, digest_date, number)
