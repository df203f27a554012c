"""Bot API request parameters, whichever way the client encoded them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sandbox.models import JSON


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
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

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
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value
