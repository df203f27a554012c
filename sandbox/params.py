"""Bot API request parameters, whichever way the client encoded them."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http import HttpProcessingError

from sandbox.models import JSON

# Telegram's answer to text that is not UTF-8 (a cut multi-byte character, say).
NOT_UTF8 = "strings must be encoded in UTF-8"
# What invalid UTF-8 becomes once decoded leniently (surrogateescape), and what a JSON
# "\udce4" escape gives: a lone surrogate. No answer that carries one can be encoded, so
# one let in would break every later getUpdates.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Text decoded as UTF-8 holds no surrogate, so what JSON text parses into holds one only
# where the text escapes it (\uD800-\uDFFF): text without such an escape needs no walk.
# Anything that looks like one (an escaped backslash before "ud8...", a valid pair) is
# walked, so nothing is let through that the walk would refuse.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class ApiError(Exception):
    """An error answer in Telegram's shape: ``error_code``, ``description``, ``parameters``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> JSON:
        data: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(text: str, parameters: JSON | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {text}", parameters)


def integer(value: Any) -> int | None:
    """``value`` as an integer, or None when it is none: text, a list, infinity (JSON's
    1e400), a number of more digits than Python converts."""
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def has_invalid_text(value: Any) -> bool:
    """Whether any string in ``value`` (a JSON value; keys too) holds a lone surrogate.

    Walks with a stack, not recursion: JSON as deep as the decoder allows is walked too.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_value(body: bytes) -> Any:
    """A JSON body as Telegram reads it: UTF-8 only, no lone surrogates (``ApiError``)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request(NOT_UTF8) from None
    return _parsed_json(text, "can't parse JSON body")


def _parsed_json(text: str, refusal: str) -> Any:
    """``text`` (holding no surrogate) parsed as JSON, refused (``ApiError``) when it is
    not JSON (``refusal``) or escapes a lone surrogate (the sandbox checks every message:
    the walk runs only when the text escapes something that could be one)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise bad_request(refusal) from None
    if _SURROGATE_ESCAPE.search(text) and has_invalid_text(value):
        raise bad_request(NOT_UTF8)
    return value


def _form_fields(encoded: str) -> dict[str, str]:
    """``a=1&b=2`` (a query string or a form body); percent-escapes must decode as UTF-8."""
    fields: dict[str, str] = {}
    try:
        pairs = parse_qsl(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise bad_request(NOT_UTF8) from None
    for key, value in pairs:
        fields.setdefault(key, value)  # the first of repeated fields, as aiohttp's query
    return fields


def client_gone() -> web.Response:
    """What a handler returns when its client disconnected before the request was read:
    no one is left to answer, and nothing failed here (escaping, the ``ConnectionResetError``
    would be logged by aiohttp as a traceback and answered as a 500)."""
    return web.Response(status=499, reason="Client Closed Request")


async def read_params(request: web.Request) -> Params:
    """Parameters from the query string and a JSON, form-encoded or multipart body.

    Telegram reads every string as UTF-8 and refuses what is not; so does this, whichever
    way the text came (raw bytes, percent-escapes, JSON escapes).
    """
    values: dict[str, Any] = _form_fields(request.rel_url.raw_query_string)
    checked: dict[str, Any] = {}  # a JSON body's fields: json_value checked them
    if request.can_read_body:
        if request.content_type == "application/json":
            checked = json_value(await request.read())
            if not isinstance(checked, dict):
                raise bad_request("the JSON body must be an object")
            values.update(checked)
        elif request.content_type == "application/x-www-form-urlencoded":
            raw = await request.read()
            try:
                values.update(_form_fields(raw.decode("utf-8")))
            except UnicodeDecodeError:
                raise bad_request(NOT_UTF8) from None
        else:
            try:
                form = await request.post()
            except UnicodeDecodeError:
                raise bad_request(NOT_UTF8) from None
            except (ValueError, LookupError, HttpProcessingError):
                # No boundary or a wrong one, an unknown charset, a line without end.
                raise bad_request("can't parse multipart body") from None
            for key, value in form.items():
                if isinstance(value, str):
                    values[key] = value
    if has_invalid_text({k: v for k, v in values.items() if k not in checked}):
        raise bad_request(NOT_UTF8)
    return Params(values)


class Params:
    """Typed access to parameters from a query string, a JSON body, or form fields (where
    python-telegram-bot puts numbers as text and objects as JSON text)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, dict | list) else str(value)

    def get_int(self, name: str, *, empty: str | None = None) -> int | None:
        """An integer; a missing one is None, or 400 ``<name> is empty`` when ``empty``."""
        value = self.values.get(name)
        if value is None or value == "":
            if empty is not None:
                raise bad_request(empty)
            return None
        number = None if isinstance(value, bool) else integer(value)
        if number is None:
            raise bad_request(f"invalid {name} specified")
        return number

    def get_float(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None
        if not math.isfinite(number):  # a NaN deadline would corrupt the event loop's timers
            raise bad_request(f"invalid {name} specified")
        return number

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_obj(self, name: str) -> Any:
        """A JSON object or array, sent as JSON or as JSON text in a form field."""
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            # A string parameter holds no lone surrogate (read_params refused those), so
            # only "\udce4" escapes in this JSON text can make one.
            return _parsed_json(value, f"can't parse {name} JSON object")
        return value
