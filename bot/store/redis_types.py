"""Typing glue for redis-py: its stubs allow bytes everywhere, but every briefbot client
uses ``decode_responses=True``, so replies are ``str``."""

from __future__ import annotations

from typing import Any, cast

from redis.asyncio.client import Pipeline
from redis.typing import EncodableT, FieldT

HashFields = dict[FieldT, EncodableT]


def text_hash(reply: object) -> dict[str, str]:
    """An HGETALL or HSCAN page reply of a decoding client."""
    return cast(dict[str, str], reply)


def text_list(reply: object) -> list[str]:
    """A list reply (ZRANGE, SMEMBERS, HMGET) of a decoding client."""
    return cast(list[str], reply)


def start_multi(pipe: Pipeline) -> None:
    """``pipe.multi()``, which redis-py leaves untyped."""
    cast(Any, pipe).multi()
