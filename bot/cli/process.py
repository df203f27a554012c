"""What the ``briefbot`` commands share, written once: settings loaded with clear errors,
the no-token message, the runtime opened and closed around a command, and a stop on
SIGINT / SIGTERM with a deadline (``SHUTDOWN_TIMEOUT_SECONDS``)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Final

from bot.digest.categories import CategoryRulesError
from bot.runtime import Runtime, running
from bot.settings import Settings, SettingsError, load_settings
from bot.store.embedded import EmbeddedRedisError
from bot.store.errors import StoreUnavailable
from bot.token_check import rejected_token

Main = Callable[[Runtime], Awaitable[int]]
NO_TOKEN = (
    "briefbot: TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram "
    "(/newbot), put its token in TELEGRAM_BOT_TOKEN (or .env), and run again; "
    "to try the bot without a token, run `briefbot shell`."
)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# The exit status of a process whose shutdown outran SHUTDOWN_TIMEOUT_SECONDS.
OVERDUE_STATUS = 3
# Net allocations between two collections of the youngest generation in a process that
# sends (Python's default is 700). A delivery allocates a few dozen short-lived objects,
# so at the default the collector ran every ten or so deliveries and, with the passes of
# the older generations it sets off, took about 0.08 ms of each (a 10,000-reader push
# against the stub, timed with ``gc.callbacks``): a seventh of a delivery's CPU.
YOUNG_COLLECTION_THRESHOLD: Final = 20_000

logger = logging.getLogger(__name__)


def settings_or_status(*, needs_token: bool) -> Settings | int:
    """The settings, or the exit status after a one-line message: 2 for invalid settings,
    or a missing token when the command ``needs_token`` (found before Redis is opened)."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"briefbot: invalid settings:\n{error}", file=sys.stderr)
        return 2
    if needs_token and not settings.telegram_bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    return settings


def run_with_runtime(main: Main, *, sends: bool = False) -> int:
    """Load the settings, open the runtime, run ``main``; every expected failure becomes a
    one-line message and an exit status (2: bad settings, unusable category rules, or no
    token or one the Bot API rejects for a command that ``sends``; 1: Redis unavailable)."""
    settings = settings_or_status(needs_token=sends)
    if isinstance(settings, int):
        return settings
    rejected = asyncio.run(rejected_token(settings)) if sends else None
    if rejected is not None:
        print(rejected, file=sys.stderr)
        return 2
    try:
        return asyncio.run(_with_runtime(settings, main, sends=sends))
    except (StoreUnavailable, EmbeddedRedisError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
    except CategoryRulesError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 2


async def _with_runtime(settings: Settings, main: Main, *, sends: bool = False) -> int:
    async with running(settings) as runtime:
        if sends:
            tune_garbage_collector()
        return await main(runtime)


def tune_garbage_collector() -> None:
    """Make the cyclic garbage collector cheap in a process that sends, once start-up is
    done: what is loaded by then (modules, settings, the runtime: most of the process's
    objects) is frozen out of every later collection, and the youngest generation is
    collected less often. Cycles are still collected, a few thousand objects later."""
    gc.collect()
    gc.freeze()
    young, middle, oldest = gc.get_threshold()
    gc.set_threshold(max(YOUNG_COLLECTION_THRESHOLD, young), middle, oldest)


@contextlib.contextmanager
def stop_signals(stop: asyncio.Event, deadline_seconds: float | None = None) -> Iterator[None]:
    """Set ``stop`` on SIGINT or SIGTERM while the block runs (where the platform has
    signal handlers). With ``deadline_seconds``, the first signal also starts the
    shutdown's deadline (``exit_when_overdue``)."""
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if deadline_seconds is not None and not stop.is_set():
            exit_when_overdue(deadline_seconds)
        stop.set()

    added = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, on_signal)
            added.append(sig)
    try:
        yield
    finally:
        for sig in added:
            loop.remove_signal_handler(sig)


def exit_when_overdue(seconds: float) -> None:
    """End the process with ``OVERDUE_STATUS`` and one clear line if it is still running
    ``seconds`` from now. A timer thread, not a task: it fires even when the event loop is
    stuck (a Redis call that never returns), and as a daemon it never delays a clean exit.
    Nothing is lost by it: what was not acknowledged stays in the outbox for the others."""

    def overdue() -> None:
        logger.critical(
            "shutdown did not finish within SHUTDOWN_TIMEOUT_SECONDS=%gs; exiting with "
            "status %d (unacknowledged tasks stay in the outbox: another sender takes them "
            "over after DELIVERY_RECLAIM_SECONDS)",
            seconds,
            OVERDUE_STATUS,
            extra={"shutdown_timeout_seconds": seconds},
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stderr.flush()
        os._exit(OVERDUE_STATUS)

    timer = threading.Timer(seconds, overdue)
    timer.daemon = True
    timer.start()
