"""The store's exceptions: what callers catch instead of redis-py's own.

Where Redis errors become ``StoreUnavailable``: every public method of the stores in
``bot.store`` is wrapped with ``translate_errors``, so handlers and the delivery engine
catch one exception and tell the user "storage is unavailable, try again in a minute".
Code that uses ``RedisConnection.client`` directly wraps its calls in ``store_errors()``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

P = ParamSpec("P")
T = TypeVar("T")


class StoreUnavailable(RuntimeError):
    """Redis did not answer (down, restarting, unreachable) after the client's retries.

    Nothing was half-written: every multi-key change is one MULTI or Lua call, so the
    caller may simply try again later.
    """


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn redis-py's connection and timeout errors into ``StoreUnavailable``."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError, OSError) as error:
        raise StoreUnavailable(f"Redis is unavailable: {error}") from error


def translate_errors(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Decorate an async store method so a Redis outage raises ``StoreUnavailable``."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with store_errors():
            return await func(*args, **kwargs)

    return wrapper
