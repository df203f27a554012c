"""The Lua scripts of the stores: one file per atomic multi-key change, loaded one way.

Every script receives every key it touches in ``KEYS`` (never a key name built inside
Lua), so each call names its keys to Redis and a cluster can route it (docs/redis.md).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from redis.asyncio import Redis
from redis.commands.core import AsyncScript


@cache
def lua_source(name: str) -> str:
    """The text of ``bot/store/lua/<name>.lua``."""
    return (files(__package__) / f"{name}.lua").read_text(encoding="utf-8")


def load_script(client: Redis, name: str) -> AsyncScript:
    """``bot/store/lua/<name>.lua`` registered on ``client`` (EVALSHA, loaded on first use)."""
    return client.register_script(lua_source(name))
