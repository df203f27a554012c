"""The Lua scripts of the stores: one file per atomic multi-key change, loaded one way.

Every script receives every key it touches in ``KEYS`` (never a key name built inside
Lua), so each call names its keys to Redis and a cluster can route it (docs/redis.md).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

# A line "--#include NAME" in a script is replaced by shared/NAME.lua: Redis has no way for
# one script to call another, and a rule two scripts need (the ledger's claim) must still
# be written once.
INCLUDE = "--#include "


@cache
def lua_source(name: str) -> str:
    """The text of ``bot/store/lua/<name>.lua``, its includes pasted in."""
    return _expand((files(__package__) / f"{name}.lua").read_text(encoding="utf-8"))


def _expand(source: str) -> str:
    shared = files(__package__) / "shared"
    return "".join(
        (shared / f"{line.removeprefix(INCLUDE).strip()}.lua").read_text(encoding="utf-8")
        if line.startswith(INCLUDE)
        else line
        for line in source.splitlines(keepends=True)
    )


def load_script(client: Redis, name: str) -> AsyncScript:
    """``bot/store/lua/<name>.lua`` registered on ``client`` (EVALSHA, loaded on first use)."""
    return client.register_script(lua_source(name))
