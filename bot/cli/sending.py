"""What ``briefbot push --wait`` and ``briefbot worker`` share: settings and Redis opened
with clear errors, a sender pool on its own Bot, and a stop on SIGINT / SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from bot.delivery.senders.pool import SenderPool, start_senders
from bot.digest.categories import CategoryRulesError
from bot.settings import Settings, SettingsError, load_settings
from bot.store.connection import RedisConnection, open_redis
from bot.store.embedded import EmbeddedRedisError
from bot.store.errors import StoreUnavailable
from bot.store.stores import Stores
from bot.transport import build_bot

Main = Callable[[Settings, RedisConnection], Awaitable[int]]
NO_TOKEN = "briefbot: TELEGRAM_BOT_TOKEN is not set; sending needs the bot's token"


def run_with_redis(main: Main, *, sends: bool = False) -> int:
    """Load the settings, open Redis, run ``main``; every expected failure becomes a
    one-line message and an exit status (2: bad settings, or no token for a command that
    ``sends``, both found before Redis is opened or started; 1: Redis unavailable)."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"briefbot: invalid settings:\n{error}", file=sys.stderr)
        return 2
    if sends and not settings.telegram_bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    try:
        return asyncio.run(_with_redis(settings, main))
    except (StoreUnavailable, EmbeddedRedisError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
    except CategoryRulesError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 2


async def _with_redis(settings: Settings, main: Main) -> int:
    connection = await open_redis(settings)
    try:
        return await main(settings, connection)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def sender_pool(settings: Settings, connection: RedisConnection) -> AsyncIterator[SenderPool]:
    """A running sender pool on its own Bot; stopped (unfinished tasks left pending for
    other senders) when the block ends."""
    bot = build_bot(settings)
    async with bot:
        pool = await start_senders(settings, Stores.build(connection, settings), bot)
        try:
            yield pool
        finally:
            await pool.stop()


@contextlib.contextmanager
def stop_signals(stop: asyncio.Event) -> Iterator[None]:
    """Set ``stop`` on SIGINT or SIGTERM while the block runs."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
