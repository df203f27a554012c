"""``briefbot run``: the bot, by long polling, or as a webhook server when ``WEBHOOK_URL``
is set. SIGINT and SIGTERM stop it cleanly within ``SHUTDOWN_TIMEOUT_SECONDS``: no new
updates are taken, updates in hand are finished, the scheduler lease is released, the
senders hand back what they hold, Redis and HTTP are closed, and the status is 0."""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Update

from bot.app import build_application, polling
from bot.cli.process import settings_or_status, stop_signals, tune_garbage_collector
from bot.context import BotApplication
from bot.delivery.senders.startup import sender_hooks
from bot.digest.categories import CategoryRulesError
from bot.logs import configure_logging
from bot.ops.server import ops_hooks
from bot.scheduler.hooks import scheduling_hooks
from bot.settings import Settings
from bot.store.embedded import EmbeddedRedisError
from bot.store.errors import StoreUnavailable
from bot.token_check import rejected_token
from bot.webhook_server import serve_webhook


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run``."""
    parser = subparsers.add_parser(
        "run", help="run the bot (long polling; a webhook server when WEBHOOK_URL is set)"
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Load settings, then run until stopped; expected failures are one line on stderr."""
    settings = settings_or_status(needs_token=True)
    if isinstance(settings, int):
        return settings
    configure_logging(
        settings.log_level,
        (settings.telegram_bot_token.value, settings.webhook_secret.value),
        log_format=settings.log_format,
    )
    rejected = asyncio.run(rejected_token(settings))
    if rejected is not None:
        print(rejected, file=sys.stderr)
        return 2
    try:
        if settings.webhook_url is not None:
            asyncio.run(_webhook(settings))
        else:
            asyncio.run(_polling(settings))
    except (StoreUnavailable, EmbeddedRedisError, CategoryRulesError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
    return 0


async def _polling(settings: Settings) -> None:
    # Not run_polling: it owns the signals, and the shutdown's deadline starts with them.
    stop = asyncio.Event()
    with stop_signals(stop, settings.shutdown_timeout_seconds):
        application = build_bot_process(settings)
        async with polling(application, allowed_updates=Update.ALL_TYPES):
            tune_garbage_collector()
            await stop.wait()


async def _webhook(settings: Settings) -> None:
    stop = asyncio.Event()
    with stop_signals(stop, settings.shutdown_timeout_seconds):
        tune_garbage_collector()  # before the runtime opens: less is frozen, as cheap later
        await serve_webhook(build_bot_process(settings), settings, stop)


def build_bot_process(settings: Settings) -> BotApplication:
    """The bot with the morning push: this process's senders, and the digest poller and
    scheduler (which act only while this process holds the scheduler lease). The scheduler
    stops before the senders, and both before Redis closes."""
    start_senders, stop_senders = sender_hooks()
    start_scheduling, stop_scheduling = scheduling_hooks()
    start_ops, stop_ops = ops_hooks()
    return build_application(
        settings,
        on_start=[start_ops, start_senders, start_scheduling],
        on_stop=[stop_scheduling, stop_senders, stop_ops],
    )
