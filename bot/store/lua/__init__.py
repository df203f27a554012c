"""The Lua scripts of the stores: one file per atomic multi-key change."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def lua_source(name: str) -> str:
    """The text of ``bot/store/lua/<name>.lua``."""
    return (files(__package__) / f"{name}.lua").read_text(encoding="utf-8")
